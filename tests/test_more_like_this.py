"""More like this: stories sharing a story's distinctive words, the closest first."""

import pytest

from search import api
from tests.search_helpers import article

# Every test runs on each search backend but the Whoosh engine's own (whoosh_only).
pytestmark = pytest.mark.usefixtures("search_backend")

FILLER = " ".join(
    "The council said on Tuesday that the plan would be discussed again next week."
    for _ in range(3)
)


@pytest.fixture
def stories(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = {
            "target": article(
                "Grain corridor reopens at Odesa",
                "Grain ships left Odesa through the Black Sea corridor. Odesa grain "
                "exporters and the corridor insurers welcomed the convoy. " + FILLER,
            ),
            "close": article(
                "Odesa grain convoy sails",
                "A convoy of grain ships sailed from Odesa along the corridor; grain "
                "insurers watched the Black Sea. " + FILLER,
            ),
            "partial": article(
                "Insurers count the cost of storms",
                "Insurers said the storms would cost them dearly. " + FILLER,
            ),
            "long": article(
                "A year in review",
                " ".join(
                    f"Section {n}: grain and Odesa were mentioned once among many other "
                    f"subjects such as elections, budgets, football and weather {n}."
                    for n in range(60)
                ),
            ),
            **{
                f"unrelated{n}": article(f"Council plan delayed {n}", f"Item {n}. " + FILLER)
                for n in range(10)
            },
            "hidden": article(
                "Odesa grain corridor draft",
                "Odesa grain corridor convoy insurers Black Sea. " + FILLER,
                status="hidden",
            ),
        }
    return made


def test_closest_story_first_and_only_stories_sharing_key_words(stories):
    similar = api.more_like_this(stories["target"].pk, limit=5)
    assert similar[0] == stories["close"].pk
    assert stories["target"].pk not in similar
    assert stories["hidden"].pk not in similar  # only published stories are indexed
    # Stories sharing only words every story uses come after those sharing key words.
    assert set(similar[:3]) == {stories[k].pk for k in ("close", "partial", "long")}


def test_a_long_story_mentioning_the_words_once_ranks_below_a_close_one(stories):
    similar = api.more_like_this(stories["target"].pk, limit=5)
    assert similar.index(stories["close"].pk) < similar.index(stories["long"].pk)


def test_limit_and_text_given_by_the_caller(stories):
    target = stories["target"]
    text = "\n".join([target.title, target.standfirst, target.body])
    assert api.more_like_this(target.pk, limit=1, text=text) == [stories["close"].pk]
    assert api.more_like_this(999999) == []


@pytest.mark.whoosh_only
def test_key_terms_are_whoosh_key_terms_from_text(stories):
    from search.engine.searchers import get_entry
    from search.engine.similar import key_terms

    searcher = get_entry().searcher
    for made in stories.values():
        text = "\n".join([made.title, made.standfirst, made.body])
        # 36: every word of these short stories; 2: the words used once are left out
        for number in (36, 2):
            expected = searcher.key_terms_from_text("body", text, numterms=number)
            got = key_terms(searcher, text, number)
            assert [(word, weight) for word, weight, _df in got] == expected
            assert all(df == searcher.doc_frequency("body", word) for word, _w, df in got)
    assert key_terms(searcher, "", 36) == []
    assert key_terms(searcher, "the and of", 36) == []  # stop words only


def test_changed_and_withdrawn_stories_are_not_listed_twice_or_at_all(
    stories, django_capture_on_commit_callbacks
):
    """The index keeps the deleted documents of an edited or withdrawn story in its
    postings until segments merge: they are never listed."""
    close, partial = stories["close"], stories["partial"]
    with django_capture_on_commit_callbacks(execute=True):
        close.title = "Odesa grain convoy sails again"
        close.save()
        partial.status = "hidden"
        partial.save()
    similar = api.more_like_this(stories["target"].pk, limit=20)
    assert similar[0] == close.pk
    assert similar.count(close.pk) == 1
    assert partial.pk not in similar
    assert len(similar) == len(set(similar))

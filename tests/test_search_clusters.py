"""One search result per story cluster (copies of one story republished by several
outlets), with the other copies listed under "N copies"."""

import re

import pytest
from django.urls import reverse

from archive.models import StoryCluster
from search import api, source
from search.engine import index
from tests.search_helpers import article

# Every test runs on each search backend but the Whoosh engine's own (whoosh_only).
pytestmark = pytest.mark.usefixtures("search_backend")

URL = reverse("search:search")


def cluster_of(*articles):
    """Put ``articles`` in one story cluster, saved as the admin saves (index follows)."""
    cluster = StoryCluster.objects.create()
    for a in articles:
        a.cluster = cluster
        a.save()
    cluster.first = articles[0]
    cluster.save()
    return cluster


@pytest.fixture
def copies(db, django_capture_on_commit_callbacks):
    """One story carried by two outlets, and a different story on the same subject."""
    with django_capture_on_commit_callbacks(execute=True):
        first = article(
            "Volcano erupts near the coast",
            "Lava reached the sea on Monday, officials said.",
            outlet="Daily Mirror",
            published="2022-03-01",
        )
        copy = article(
            "Coastal volcano erupts",
            "Lava reached the sea on Monday, officials said. Residents fled.",
            outlet="Le Monde",
            published="2022-03-02",
        )
        other = article(
            "Volcano monitoring budget cut",
            "Scientists warn the volcano network is underfunded.",
            outlet="Le Monde",
            published="2022-04-10",
        )
        cluster_of(first, copy)
    return {"first": first, "copy": copy, "other": other}


def test_two_copies_give_one_result_with_links_to_both(client, copies):
    response = client.get(URL, {"q": "volcano"})
    result = response.context["result"]
    # total counts stories: the two copies count once
    assert result.total == 2
    assert len(result.hits) == 2
    clustered = [h for h in result.hits if h.article_id in (copies["first"].pk, copies["copy"].pk)]
    assert len(clustered) == 1
    hit = clustered[0]
    assert [a.pk for a in hit.copies] == [copies["first"].pk, copies["copy"].pk]  # first first
    other = next(a for a in hit.copies if a.pk != hit.article_id)
    body = response.content.decode()
    assert body.count("<summary>2 copies</summary>") == 1
    assert f'href="{hit.article.get_absolute_url()}"' in body
    assert re.search(
        rf'<li><a href="{re.escape(other.get_absolute_url())}">{re.escape(other.title)}</a>'
        rf" · {other.outlet.name} · <time",
        body,
    )
    # the different story is its own result, with no copies
    lone = next(h for h in result.hits if h.article_id == copies["other"].pk)
    assert lone.copies == [] and lone.other_copies == []


def test_facets_count_stories_and_an_outlet_filter_shows_its_copy(client, copies):
    result = api.search("volcano")
    facets = {name: {f.value: f.count for f in fs} for name, fs in result.facets.items()}
    # the clustered story counts once for each outlet that carries it
    assert facets["outlet"] == {"daily-mirror": 1, "le-monde": 2}
    assert facets["month"] == {"2022-03": 1, "2022-04": 1}

    mirror = api.search("volcano", outlet_slugs=["daily-mirror"])
    assert mirror.total == 1
    assert [h.article_id for h in mirror.hits] == [copies["first"].pk]
    assert [a.pk for a in mirror.hits[0].copies] == [copies["first"].pk, copies["copy"].pk]

    monde = api.search("volcano", outlet_slugs=["le-monde"])
    assert monde.total == 2
    assert {h.article_id for h in monde.hits} == {copies["copy"].pk, copies["other"].pk}


def test_sorted_results_collapse_copies_too(copies):
    newest = api.search("lava OR volcano", sort="newest")
    assert newest.total == 2
    # the newest copy stands for the story when sorting by date
    assert [h.article_id for h in newest.hits] == [copies["other"].pk, copies["copy"].pk]
    oldest = api.search("volcano", sort="oldest")
    assert [h.article_id for h in oldest.hits] == [copies["first"].pk, copies["other"].pk]


def test_unrelated_stories_are_not_collapsed(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a = article("Flood warning for the river", "The river rose overnight.", outlet="BBC")
        b = article("River flood defences hold", "Defences on the river held.", outlet="ITV")
    response = client.get(URL, {"q": "river"})
    assert response.context["result"].total == 2
    assert {h.article_id for h in response.context["result"].hits} == {a.pk, b.pk}
    assert "copies</summary>" not in response.content.decode()


def test_copies_cost_no_extra_query(client, copies, django_assert_num_queries, search_backend):
    from search import names

    names.current()  # loaded once per process, not per search
    # outlet names, the page's articles with their copies (nobody is mentioned); for
    # PostgreSQL its counts, its page, did-you-mean's word counts (fewer than five
    # stories found) and its planner settings, set and set back
    backend = {"whoosh": 0, "postgres": 5}[search_backend]
    with django_assert_num_queries(2 + backend):
        client.get(URL, {"q": "volcano"})


@pytest.mark.whoosh_only
def test_an_index_from_an_older_schema_is_reported_and_rebuilt(copies, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    (index.live_dir() / index.VERSION_FILE).write_text("1\n")
    with pytest.raises(CommandError, match="outdated"):
        call_command("check_index")
    out = capsys.readouterr().out
    assert "built with schema version 1" in out and "rebuild_index" in out
    call_command("check_index", "--repair")
    assert "Rebuilt the index with the current schema." in capsys.readouterr().out
    assert index.schema_version() == index.SCHEMA_VERSION
    call_command("check_index")
    assert "The index matches the database." in capsys.readouterr().out


@pytest.mark.whoosh_only
def test_an_imported_copy_collapses_with_the_story_it_republishes(
    seeded, django_capture_on_commit_callbacks
):
    from archive.importer import import_uploads
    from archive.models import Article
    from tests.test_dedupe import NEW_FOOTER, NEW_HEADER, rehost, seed_text

    original = Article.objects.get(source__endswith="003_2c509556c5da08e6.txt")
    words = "Biden"  # the story has him; other seeds may too
    before = api.search(words)
    copy_text = rehost(seed_text(3), NEW_HEADER, NEW_FOOTER, drop_head=4, drop_tail=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_uploads([("wire/copy.txt", copy_text.encode())])
    assert result.created == 1, result.report_lines()
    copy = Article.objects.get(pk=result.outcomes[0].article_id)
    assert copy.cluster_id and copy.is_published
    # the original was put in the cluster with update(): its document follows all the same
    after = api.search(words)
    assert after.total == before.total >= 1, (before.total, after.total)
    hit = next(h for h in after.hits if h.article_id in (original.pk, copy.pk))
    assert {a.pk for a in hit.copies} == {original.pk, copy.pk}
    assert index.check().ok


@pytest.mark.whoosh_only
def test_the_first_ten_people_count_each_story_once_as_a_full_count_does():
    """``_contenders`` narrows which values have their repeats removed; the first ten
    must be those of removing every repeat, on results where copies share most people."""
    import numpy as np

    from search.engine.facets import _contenders, _count_once

    rng = np.random.default_rng(7)
    for _ in range(200):
        nvalues, nstories = int(rng.integers(11, 60)), int(rng.integers(2, 30))
        n = int(rng.integers(20, 400))
        values = rng.integers(0, nvalues, n) ** 2 % nvalues  # some values far more common
        stories = rng.integers(0, nstories, n)
        counts = np.bincount(values, minlength=nvalues)
        full = counts.copy()
        _count_once(full, values, stories, nstories)
        narrowed = counts.copy()
        chosen = _contenders(counts, values, stories, nstories, 10)[values]
        _count_once(narrowed, values[chosen], stories[chosen], nstories)

        def first_ten(c):
            return sorted((-int(c[v]), v) for v in np.flatnonzero(c))[:10]

        assert first_ten(narrowed) == first_ten(full)
        assert all(narrowed[v] == full[v] for _c, v in first_ten(full))


@pytest.mark.whoosh_only
def test_an_import_lists_the_copies_it_moves_and_the_index_follows_them(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    """Copies in two clusters merged by a story linking them, and an unclustered copy
    joining: the importer announces exactly the older articles whose cluster changed,
    the index rewrites them without looking copies up, and check_index finds no stale
    document (it compares each article's cluster)."""
    from archive.importer import import_uploads
    from archive.models import Article
    from archive.signals import articles_changed
    from tests.test_dedupe_clusters import two_clusters_and_a_link

    sent = []
    articles_changed.connect(
        lambda sender, **kw: sent.append((kw["ids"], kw["copies"])), weak=False, dispatch_uid="t"
    )
    looked_up = []
    with_copies = source.with_copies
    monkeypatch.setattr(
        source, "with_copies", lambda ids: looked_up.append(ids) or with_copies(ids)
    )
    try:
        ids = []
        for name, body in two_clusters_and_a_link():
            with django_capture_on_commit_callbacks(execute=True):
                result = import_uploads([(name, body.encode())])
            ids.append(result.outcomes[0].article_id)
    finally:
        articles_changed.disconnect(dispatch_uid="t")
    h1, h1_copy, h2, h2_copy, whole = ids
    assert sent == [
        ([h1], []),
        ([h1_copy], [h1]),  # h1 had no cluster: it joins the new one
        ([h2], []),
        ([h2_copy], [h2]),
        ([whole], [h2, h2_copy]),  # the younger cluster merged into h1's
    ]
    assert looked_up == []
    assert len(set(Article.objects.values_list("cluster", flat=True))) == 1
    report = index.check()
    assert report.ok and report.indexed == 5
    hits = api.search("Macron").hits
    assert len(hits) == 1 and {a.pk for a in hits[0].copies} == set(ids)

"""The site name on top of a text story: taken as the outlet only with evidence (a masthead
word, a tagline, an outlet known by name, a bare domain), never as the headline."""

import pytest

from archive.ingest import outlets, pipeline
from archive.ingest.readers import RawStory

BODY = (
    "The senator said on Tuesday that the bill would pass before the summer recess, "
    "after weeks of talks with both parties.\n\n"
    "Her office gave no date for the vote, which needs sixty votes to go ahead."
)


def extract(first_lines: str):
    return pipeline.extract(RawStory(source="story.txt", text=first_lines + "\n\n" + BODY))


@pytest.mark.parametrize(
    "site",
    ["Politico", "Reuters", "CNN (Web News)", "New York Times - Opinion", "TheBlaze.com", "Vox"],
)
def test_a_known_outlet_on_top_is_the_site_name_not_the_headline(site):
    story = extract(f"{site}\n\nSenate bill heads for a vote before the recess")
    assert story.title == "Senate bill heads for a vote before the recess"
    assert story.outlet == site


@pytest.mark.parametrize(
    "first",
    [
        "John Stossel",  # a columnist's name: no outlet
        "Reuters reports record profits",  # a headline naming an outlet
        "Senate Vote",  # a short headline
        "Politico Playbook Live",  # not the name itself
    ],
)
def test_other_first_lines_stay_the_headline(first):
    story = extract(f"{first}\n\nA standfirst line without a full stop at its end")
    assert story.title == first
    assert story.outlet is None


def test_the_known_outlets_are_read_once_and_compared_without_case():
    assert outlets.is_known_outlet("POLITICO")
    assert outlets.is_known_outlet("The Hill")
    assert not outlets.is_known_outlet("Hill")
    assert outlets.known_outlets() is outlets.known_outlets()
    assert "reuters" in outlets.known_outlets()

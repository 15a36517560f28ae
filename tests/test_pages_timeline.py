"""The home timeline: year marks under the bars and a table of stories per year."""

import datetime

import pytest
from django.core.cache import cache

from archive.timeline import timeline
from tests.pages_data import make_story

D = datetime.date


def test_year_ticks_mark_each_january_and_skip_a_short_first_year():
    # November 2020 to February 2022: 16 monthly bars of 45 units (36 + 9)
    chart = timeline([(D(2020, 11, 1), 1), (D(2021, 6, 1), 3), (D(2022, 2, 1), 2)])
    assert len(chart["bars"]) == 16
    # two months of 2020 then 2021 at 12.5%: both labelled
    assert chart["ticks"] == [
        {"label": "2020", "pct": 0.0, "anchor": "start"},
        {"label": "2021", "pct": 12.5, "anchor": "start"},
        {"label": "2022", "pct": 87.5, "anchor": "start"},
    ]
    # A first year of one month (December) is not labelled: 2021 starts one bar later
    short = timeline([(D(2020, 12, 1), 1), (D(2021, 12, 1), 1)])
    assert [t["label"] for t in short["ticks"]] == ["2021"]
    assert short["ticks"][0]["pct"] == round(100 / 13, 2)


def test_year_ticks_per_year_label_every_nth_year_when_there_are_many():
    chart = timeline([(D(1990, 1, 1), 1), (D(2019, 6, 1), 3)])  # 30 years, per year
    assert chart["per"] == "year"
    labels = [t["label"] for t in chart["ticks"]]
    assert labels == [
        "1990",
        "1993",
        "1996",
        "1999",
        "2002",
        "2005",
        "2008",
        "2011",
        "2014",
        "2017",
    ]
    assert chart["years"][0] == {"year": 1990, "count": 1, "url": "/dates/1990/"}
    assert chart["years"][1] == {"year": 1991, "count": 0, "url": ""}


@pytest.mark.django_db
def test_home_timeline_has_year_labels_and_a_table_alternative(client):
    cache.clear()
    make_story(title="One", published=D(2021, 11, 3))
    make_story(title="Two", published=D(2021, 11, 9))
    make_story(title="Three", published=D(2022, 2, 1))
    html = client.get("/").content.decode()
    figure = html.split('<figure class="timeline"', 1)[1].split("</figure>", 1)[0]
    assert '<text x="0.0%" y="138" text-anchor="start">2021</text>' in figure
    assert '<text x="50.0%" y="138" text-anchor="start">2022</text>' in figure
    assert '<g class="axis" aria-hidden="true">' in figure
    assert '<a href="/dates/2021/11/"><rect' in figure
    assert "<title>November 2021: 2 stories</title>" in figure
    rows = [
        '<tr><th scope="row"><a href="/dates/2021/">2021</a></th><td class="num">2</td></tr>',
        '<tr><th scope="row"><a href="/dates/2022/">2022</a></th><td class="num">1</td></tr>',
    ]
    assert rows[0] in figure and rows[1] in figure
    assert figure.index(rows[0]) < figure.index(rows[1])
    assert "<summary>Stories per year, as a table</summary>" in figure

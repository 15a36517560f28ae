"""Coverage over time: the series (periods, zeros, share, interval choice), its CSV, the
chart on the search, person and outlet pages (axes, bar links to the right slice)."""

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from archive.models import StoryCluster
from archive.research import chart as charts
from archive.research import coverage
from search import api
from tests.search_helpers import article, person

pytestmark = pytest.mark.usefixtures("search_backend")

CSV = reverse("research:coverage_csv")
SEARCH = reverse("search:search")
FRAME = reverse("research:coverage_frame")  # the search page frames its chart


@pytest.fixture
def archive(db, django_capture_on_commit_callbacks):
    """Ferry stories over six weeks of 2022 (two copies of one story among them, one
    undated, one hidden) and other stories around them."""
    with django_capture_on_commit_callbacks(execute=True):
        gale = person("Gale Harbour", "Harbour")
        s = {
            "mon": article(
                "Ferry strike begins",
                "The ferry crews walked out.",
                outlet="Daily Mirror",
                published="2022-01-03",
                people=[gale],
            ),
            "wed": article(
                "Ferry strike talks",
                "Ferry owners met the union.",
                outlet="Le Monde",
                published="2022-01-05",
            ),
            "copy_a": article(
                "Ferry strike spreads",
                "The ferry strike spread to the islands on Tuesday.",
                outlet="Daily Mirror",
                published="2022-01-04",
            ),
            "copy_b": article(
                "Strike spreads to island ferries",
                "The ferry strike spread to the islands on Tuesday, the union said.",
                outlet="Le Monde",
                published="2022-01-11",
            ),
            "feb": article(
                "Ferry strike ends",
                "The ferry crews returned.",
                outlet="Daily Mirror",
                published="2022-02-11",
                people=[gale],
            ),
            "undated": article("Ferry strike explained", "What the ferry strike is about."),
            "hidden": article(
                "Ferry memo", "A ferry memo.", published="2022-01-06", status="hidden"
            ),
            "other_a": article("Budget vote", "The budget vote.", published="2022-01-04"),
            "other_b": article("Budget passed", "The budget passed.", published="2022-01-05"),
            "other_c": article("Snow falls", "Snow fell.", published="2022-01-20"),
            "other_d": article("Snow melts", "Snow melted.", published="2022-02-08"),
            "other_e": article("Rain again", "It rained.", published="2021-12-30"),
        }
        cluster = StoryCluster.objects.create(first=s["copy_a"])
        for key in ("copy_a", "copy_b"):
            s[key].cluster = cluster
            s[key].save()
    s["gale"] = gale
    return s


def rows(series):
    return [(p.start.isoformat(), p.stories, p.all_stories) for p in series.periods]


def test_weeks_are_counted_with_zeros_and_the_archive_totals(archive):
    series = coverage.coverage(api.SearchRequest(text="ferry"), "week")
    assert series.interval == "week" and not series.automatic
    # Mon 3 Jan: mon, wed (the copies count once, at the newest copy's date: 11 Jan);
    # every story of that week: mon, wed, other_a, other_b (the hidden memo is not one).
    assert rows(series) == [
        ("2022-01-03", 2, 4),
        ("2022-01-10", 1, 1),
        ("2022-01-17", 0, 1),
        ("2022-01-24", 0, 0),
        ("2022-01-31", 0, 0),
        ("2022-02-07", 1, 2),
    ]
    assert (series.total, series.undated, series.dated) == (5, 1, 4)
    assert [p.end.isoformat() for p in series.periods][:2] == ["2022-01-09", "2022-01-16"]
    assert [p.share for p in series.periods] == [0.5, 1.0, 0.0, None, None, 0.5]
    assert series.busiest.start == date(2022, 1, 3)


def test_the_interval_follows_the_span_of_the_matches(archive):
    # 3 Jan to 11 Feb: under three months, per day
    series = coverage.coverage(api.SearchRequest(text="ferry"))
    assert series.interval == "day" and series.automatic
    assert len(series.periods) == 40
    assert rows(series)[:3] == [("2022-01-03", 1, 1), ("2022-01-04", 0, 1), ("2022-01-05", 1, 2)]
    assert coverage.choose_interval(date(2022, 1, 1), date(2022, 4, 2)) == "day"  # 92 days
    assert coverage.choose_interval(date(2022, 1, 1), date(2022, 4, 3)) == "week"
    assert coverage.choose_interval(date(2022, 1, 1), date(2024, 1, 1)) == "week"  # 731
    assert coverage.choose_interval(date(2022, 1, 1), date(2024, 1, 2)) == "month"


def test_months_and_a_date_filter_stretch_the_series_within_the_archive(archive):
    asked = api.SearchRequest(text="ferry", date_from=date(2021, 6, 1))
    series = coverage.coverage(asked, "month")
    # the filter reaches back to June 2021, the archive to December 2021
    assert rows(series) == [("2021-12-01", 0, 1), ("2022-01-01", 3, 6), ("2022-02-01", 1, 2)]


def test_a_filter_only_search_counts_every_story_of_an_outlet(archive):
    series = coverage.coverage(api.SearchRequest(outlet_slugs=["daily-mirror"]), "month")
    # the copy of the Daily Mirror is the story's newest copy among its matches
    assert rows(series) == [("2022-01-01", 2, 6), ("2022-02-01", 1, 2)]


def test_every_story_is_all_of_the_archive_share_one(archive):
    # every published story matches: a share of 1 wherever the archive has a story
    words = "ferry OR budget OR snow OR rain"
    series = coverage.coverage(api.SearchRequest(text=words), "week")
    assert [p.share for p in series.periods if p.all_stories] == [1.0] * 5


def test_too_many_days_fall_back_to_a_coarser_interval_with_a_notice(archive, monkeypatch):
    monkeypatch.setattr(coverage, "MAX_PERIODS", 30)
    series = coverage.coverage(api.SearchRequest(text="ferry"), "day")
    assert series.interval == "week"
    assert series.notices == ["Too many days to draw (40): shown per week."]


def test_nothing_dated_is_an_empty_series(archive):
    series = coverage.coverage(api.SearchRequest(text="explained"))
    assert (series.periods, series.total, series.undated) == ([], 1, 1)


# -- CSV ------------------------------------------------------------------------------------


def test_csv_of_a_search(client, archive):
    response = client.get(CSV, {"q": "ferry", "interval": "week"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="coverage-ferry.csv"'
    assert response.content.decode() == (
        "period_start,period_end,stories,all_stories,share\n"
        "2022-01-03,2022-01-09,2,4,0.500000\n"
        "2022-01-10,2022-01-16,1,1,1.000000\n"
        "2022-01-17,2022-01-23,0,1,0.000000\n"
        "2022-01-24,2022-01-30,0,0,\n"
        "2022-01-31,2022-02-06,0,0,\n"
        "2022-02-07,2022-02-13,1,2,0.500000\n"
    )


def test_csv_of_a_person_through_the_filters(client, archive):
    response = client.get(CSV, {"person": archive["gale"].slug, "interval": "month"})
    assert response.content.decode() == (
        "period_start,period_end,stories,all_stories,share\n"
        "2022-01-01,2022-01-31,1,6,0.166667\n"
        "2022-02-01,2022-02-28,1,2,0.500000\n"
    )


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "Give a search: q=… or a filter (outlet, person, from, to)."),
        ({"q": "ferry", "interval": "year"}, 'Unknown interval "year": use day, week or month.'),
        ({"q": "ferry", "measure": "ratio"}, 'Unknown measure "ratio": use count or share.'),
        (
            {"q": "ferry", "from": "2022-13-01"},
            '"2022-13-01" is not a date (use YYYY-MM-DD); the from filter was ignored.',
        ),
    ],
)
def test_csv_refuses_bad_input_with_a_message(client, archive, params, message):
    response = client.get(CSV, params)
    assert response.status_code == 400
    assert response.content.decode() == message + "\n"


# -- The chart ------------------------------------------------------------------------------


def chart_svg(html):
    match = re.search(r'<svg class="coverage-chart".*?</svg>\s*</div>', html, re.S)
    assert match, "no coverage chart"
    return match.group(0)


def bar_links(html):
    svg = chart_svg(html)
    return [
        (unescape(label), dict(parse_qsl(urlsplit(unescape(href)).query)))
        for href, label in re.findall(r'<a href="([^"]+)" aria-label="([^"]+)" target="_top">', svg)
    ]


def test_search_page_chart_has_labelled_axes_and_bars_linking_to_their_slice(client, archive):
    response = client.get(FRAME, {"q": "ferry", "outlet": "daily-mirror", "interval": "week"})
    html = response.content.decode()
    svg = chart_svg(html)
    assert '<text class="axis-title y-title" x="0" y="12">Stories per week</text>' in svg
    assert ">Week starting Monday</text>" in svg
    # y ticks 0, 1, 2 (the busiest week has two stories); dates under the bars
    assert re.findall(r'dy=".32em" text-anchor="end">([^<]+)</text>', svg) == ["0", "1", "2"]
    assert re.findall(r'<text x="[\d.]+%" y="\d+" text-anchor="\w+">([^<]+)</text>', svg) == [
        "3 Jan 2022",
        "10 Jan",
        "17 Jan",
        "24 Jan",
        "31 Jan",
        "7 Feb",
    ]
    assert '<title id="coverage-title">Stories matching “ferry”: stories per week' in svg
    assert bar_links(html) == [
        (
            "week of 3 January 2022: 2 stories, 50% of 4",
            {"q": "ferry", "outlet": "daily-mirror", "from": "2022-01-03", "to": "2022-01-09"},
        ),
        (
            "week of 7 February 2022: 1 story, 50% of 2",
            {"q": "ferry", "outlet": "daily-mirror", "from": "2022-02-07", "to": "2022-02-13"},
        ),
    ]
    # the slice finds exactly the bar's stories
    sliced = client.get(SEARCH, bar_links(html)[0][1]).context["result"]
    assert sorted(h.headline for h in sliced.hits) == [
        "Ferry strike begins",
        "Ferry strike spreads",
    ]


def test_a_bar_keeps_the_searchs_own_dates_inside_its_period(client, archive):
    response = client.get(FRAME, {"q": "ferry", "from": "2022-01-05", "interval": "week"})
    first = bar_links(response.content.decode())[0]
    assert first[1] == {"q": "ferry", "from": "2022-01-05", "to": "2022-01-09"}


def test_the_search_page_frames_its_chart_with_the_search_and_the_switches(client, archive):
    response = client.get(
        SEARCH,
        {"q": "ferry", "outlet": "daily-mirror", "sort": "newest", "page": "1", "interval": "week"},
    )
    html = response.content.decode()
    [src] = re.findall(r'<iframe class="coverage-frame" src="([^"]+)"', html)
    assert unescape(src) == FRAME + "?q=ferry&outlet=daily-mirror&interval=week&sort=newest"
    assert 'title="Coverage over time of this search: chart and figures"' in html
    assert "coverage-chart" not in html  # drawn by the frame, not by the page
    frame = client.get(unescape(src)).content.decode()
    assert '<base target="_top">' in frame
    assert "Stories per week" in chart_svg(frame)


def test_switch_links_keep_the_other_parameters(client, archive):
    response = client.get(FRAME, {"q": "ferry", "sort": "newest", "interval": "week"})
    html = response.content.decode()
    switch = re.search(r'<nav class="coverage-switch".*?</nav>', html, re.S).group(0)
    links = [unescape(h) for h in re.findall(r'href="([^"]+)"', switch)]
    assert links == [
        "/search/?q=ferry&sort=newest&interval=day",
        "/search/?q=ferry&sort=newest&interval=month",
        "/search/?q=ferry&sort=newest&interval=week&measure=share",
    ]
    assert '<strong aria-current="true">week</strong>' in switch
    csv_link = re.search(r'<a href="([^"]+)" download>', html).group(1)
    assert unescape(csv_link) == f"{CSV}?q=ferry&interval=week"
    assert "Compare with…" not in html  # the search page around the frame links to it
    page = client.get(SEARCH, {"q": "ferry", "outlet": "le-monde", "sort": "newest"})
    compare = re.search(r'<a href="([^"]+)">Compare with…</a>', page.content.decode()).group(1)
    assert unescape(compare) == reverse("research:compare") + "?q=ferry&outlet=le-monde"


def test_share_is_drawn_in_percent(client, archive):
    response = client.get(FRAME, {"q": "ferry", "interval": "week", "measure": "share"})
    svg = chart_svg(response.content.decode())
    assert ">Share of all stories (%)</text>" in svg
    assert re.findall(r'dy=".32em" text-anchor="end">([^<]+)</text>', svg) == [
        "0%",
        "50%",
        "100%",
    ]
    heights = re.findall(
        r'<rect class="series-0" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', svg
    )
    assert heights == ["80.0", "160.0", "80.0"]  # 50%, 100%, 50% of a 160 px plot


def test_the_figures_as_a_table(client, archive):
    response = client.get(FRAME, {"q": "ferry", "interval": "month"})
    table = re.search(r"<table.*?</table>", response.content.decode(), re.S).group(0)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table)]
    assert cells == [
        "Month", "Stories", "All stories", "Share",
        "January 2022", "3", "6", "50%",
        "February 2022", "1", "2", "50%",
    ]  # fmt: skip


def test_a_bad_interval_on_a_page_is_a_message_not_an_error(client, archive):
    response = client.get(FRAME, {"q": "ferry", "interval": "decade"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unknown interval &quot;decade&quot;: use day, week or month." in html
    assert "coverage-chart" not in html


def test_person_and_outlet_pages_chart_their_stories(client, archive):
    html = client.get(archive["gale"].get_absolute_url() + "?interval=month").content.decode()
    assert "Stories mentioning Gale Harbour: stories per month" in html
    assert [q for _label, q in bar_links(html)] == [
        {"person": archive["gale"].slug, "from": "2022-01-01", "to": "2022-01-31"},
        {"person": archive["gale"].slug, "from": "2022-02-01", "to": "2022-02-28"},
    ]
    assert "Compare with…" not in html
    outlet = archive["mon"].outlet
    html = client.get(outlet.get_absolute_url() + "?interval=month").content.decode()
    assert [label for label, _q in bar_links(html)] == [
        "January 2022: 2 stories, 33% of 6",
        "February 2022: 1 story, 50% of 2",
    ]


def test_text_is_escaped_in_the_chart(client, archive):
    response = client.get(FRAME, {"q": 'ferry OR "<b>"'})
    html = response.content.decode()
    assert "<b>" not in html
    assert "Stories matching “ferry OR &quot;&lt;b&gt;&quot;”" in chart_svg(html)


def test_y_axis_steps():
    assert charts.y_axis(0, share=False) == (1, [(0, "0"), (1, "1")])
    assert charts.y_axis(7, share=False)[1][-1] == (8, "8")
    assert [label for _v, label in charts.y_axis(1234, share=False)[1]] == [
        "0", "500", "1,000", "1,500",
    ]  # fmt: skip
    assert [label for _v, label in charts.y_axis(3.2, share=True)[1]] == [
        "0%", "1%", "2%", "3%", "4%",
    ]  # fmt: skip
    assert [label for _v, label in charts.y_axis(0.3, share=True)[1]] == [
        "0.0%", "0.1%", "0.2%", "0.3%",
    ]  # fmt: skip
    assert charts.percent(1 / 3) == "33%"
    assert charts.percent(0.0123) == "1.2%"
    assert charts.percent(0.00042) == "0.04%"

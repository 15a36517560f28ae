"""What a page says about its story: headline, outlet, authors, wire, standfirst (pagemeta)."""

import json

import pytest

from archive.ingest import pagemeta, pipeline
from archive.ingest.readers import read_bytes

BODY = " ".join(["The council met on Tuesday and voted on the new budget for the city."] * 4)


def page(title="", h1="", metas=None, ld=None, body="", url="https://www.example-news.com/a/1"):
    tags = "".join(
        f'<meta property="{k}" content="{v}">' if k.startswith("og:") else
        f'<meta name="{k}" content="{v}">'
        for k, v in (metas or {}).items()
    )  # fmt: skip
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    return (
        f'<html><head><title>{title}</title><link rel="canonical" href="{url}">{tags}{script}'
        f"</head><body><h1>{h1}</h1>{body}<article><p>{BODY}</p><p>{BODY}</p></article>"
        "</body></html>"
    )


@pytest.mark.parametrize(
    "title, site, want",
    [
        ("Budget passes - News Nation", "News Nation", "Budget passes"),
        ("Budget passes | Al Bawaba", "Al Bawaba", "Budget passes"),
        ("Budget passes – TechCrunch", "TechCrunch", "Budget passes"),
        ("Example News :: Budget passes", "Example News", "Budget passes"),
        ("Budget passes - ExampleNews.com", "", "Budget passes"),  # the domain
        ("Budget passes - with a twist", "Other Site", "Budget passes - with a twist"),
    ],
)
def test_headline_loses_the_site_name_on_either_end(title, site, want):
    metas = {"og:site_name": site} if site else {}
    assert pagemeta.read_page(page(title=title, metas=metas)).headline == want


def test_headline_is_the_h1_the_titles_agree_with_not_a_section_suffix():
    html = page(
        title="City view: a budget on the brink | Editorial", h1="City view: a budget on the brink"
    )
    assert pagemeta.read_page(html).headline == "City view: a budget on the brink"


def test_headline_never_the_site_name_when_og_title_is_the_site():
    html = page(
        title="Budget passes",
        h1="엔터 미디어",
        metas={"og:title": "엔터 미디어", "og:site_name": "엔터 미디어"},
    )
    assert pagemeta.read_page(html).headline == "Budget passes"


@pytest.mark.parametrize(
    "metas, ld, title, url, want",
    [
        ({"og:site_name": "Hosted"}, None, "A", "https://www.example-news.com/a", ""),
        ({"og:site_name": "Copyright 2014"}, None, "A", "https://www.example-news.com/a", ""),
        ({"og:site_name": "DH News Service"}, None, "A", "https://www.example-news.com/a", ""),
        (
            {},
            {"@type": "NewsArticle", "headline": "A", "publisher": {"name": "Associated Press"}},
            "A",
            "https://www.timesunion.com/a",
            "",
        ),
        (
            {"og:site_name": "LinkNaija | Nigeria's popular news platform"},
            None,
            "A",
            "https://www.linknaija.com/a",
            "LinkNaija",
        ),
        (
            {"og:site_name": "https://www.hawaiinewsnow.com"},
            None,
            "A | Hawaii News Now",
            "https://www.hawaiinewsnow.com/a",
            "Hawaii News Now",
        ),
        (
            {"og:site_name": "https://www.hawaiinewsnow.com"},
            None,
            "A",
            "https://www.hawaiinewsnow.com/a",
            "",
        ),
        ({"og:site_name": "Wday_"}, None, "A | WDAY", "https://www.wday.com/a", "WDAY"),
        ({"og:site_name": "Wday_"}, None, "A", "https://www.wday.com/a", ""),
        ({"og:site_name": "Expert how-to for English Riders."}, None, "A", "https://x.com/a", ""),
        ({"og:site_name": "Expert how-to for English Riders"}, None, "A", "https://x.com/a", ""),
        (
            {"og:site_name": "The Voice of the People"},
            None,
            "A",
            "https://x.com/a",
            "The Voice of the People",
        ),
        (
            {},
            {"@type": "NewsArticle", "headline": "A", "publisher": {"name": "Hearst Newspapers"}},
            "A",
            "https://www.timesunion.com/a",
            "",
        ),
        (
            {},
            {"@type": "NewsArticle", "headline": "A", "publisher": {"name": "Al Jazeera"}},
            "A",
            "https://www.aljazeera.com/a",
            "Al Jazeera",
        ),
        (
            {"application-name": "ProFootballTalk"},
            None,
            "A – ProFootballTalk",
            "https://profootballtalk.nbcsports.com/a",
            "ProFootballTalk",
        ),
        ({"og:site_name": "Phys.org"}, None, "A", "https://phys.org/a", "Phys.org"),
        ({}, None, "A - BGR", "https://bgr.com/a", "BGR"),
        ({}, None, "A - Breaking", "https://bgr.com/a", ""),
    ],
)
def test_outlet_only_from_a_name_the_site_gives_itself(metas, ld, title, url, want):
    html = page(title=title, h1="A", metas=metas, ld=ld, url=url)
    assert pagemeta.read_page(html).outlet == want


def test_agency_publisher_is_the_wire_not_the_outlet():
    ld = {"@type": "NewsArticle", "headline": "A", "publisher": {"name": "The Associated Press"}}
    meta = pagemeta.read_page(page(title="A", ld=ld, metas={"og:site_name": "Times Union"}))
    assert (meta.outlet, meta.wire) == ("Times Union", "Associated Press")


def test_authors_from_metadata_only_when_the_page_prints_them():
    ld = {
        "@type": "NewsArticle",
        "headline": "A",
        "author": [{"@type": "Person", "name": "Jane Roe"}, {"@type": "Person", "name": "Ghost Writer"},
                   {"@type": "Organization", "name": "Example News"}],
    }  # fmt: skip
    html = page(title="A", ld=ld, body="<p class='byline'>By Jane Roe</p>")
    assert pagemeta.read_page(html).authors == ["Jane Roe"]


@pytest.mark.parametrize(
    "line, names, wire",
    [
        ("By Sarah Brookbank and Max Londberg", ["Sarah Brookbank", "Max Londberg"], ""),
        ("By Tom Krisher, AP Auto Writer", ["Tom Krisher"], "Associated Press"),
        ("Written by Rachael Link, MS, RD on November 14, 2019", ["Rachael Link"], ""),
        ("By STEVE PEOPLES", ["Steve Peoples"], ""),
        ("By Staff", [], ""),
        ("By the time the council met, it was late.", [], ""),
        ("Photo by Dado Ruvic", [], ""),
    ],
)
def test_byline_lines(line, names, wire):
    assert pagemeta.byline_names(line) == (names, wire)


def test_byline_found_in_the_page_when_metadata_has_none_and_first_one_wins():
    body = "<div>By Jane Roe and John Doe</div><aside><div>By Other Person</div></aside>"
    assert pagemeta.read_page(page(title="A", body=body)).authors == ["Jane Roe", "John Doe"]


@pytest.mark.parametrize(
    "paragraphs, wire",
    [
        (["WASHINGTON (AP) — New uncertainty hangs over the race.", "More."], "Associated Press"),
        (["SANTA FE, N.M. (AP) - A cat was found.", "More."], "Associated Press"),
        (["NEW DELHI (PTI) — Talks resumed.", "More."], "PTI"),
        (["The council met.", "— Reuters"], "Reuters"),
        (["He told Agence France-Presse (AFP) — twice — that he would stay.", "More."], ""),
        (["The council met.", "Photo: AP"], ""),
    ],
)
def test_wire_from_dateline_or_closing_credit(paragraphs, wire):
    assert pagemeta.wire_from_text(paragraphs) == wire


def test_standfirst_is_a_dek_of_its_own_not_the_first_paragraph():
    dek = "The city has a budget at last, after a year of argument."
    with_dek = page(title="A", h1="A", metas={"og:description": dek}, body=f"<h2>{dek}</h2>")
    [raw] = read_bytes(with_dek.encode(), "a.html")
    story = pipeline.extract(raw)
    assert story.standfirst == dek and story.title == "A"
    assert story.paragraphs[0] == BODY
    opening = BODY[:60]
    [raw] = read_bytes(
        page(title="A", h1="A", metas={"og:description": opening}).encode(), "b.html"
    )
    assert pipeline.extract(raw).standfirst == ""
    [raw] = read_bytes(page(title="A", h1="A", metas={"og:description": dek}).encode(), "c.html")
    assert pipeline.extract(raw).standfirst == ""  # only in the meta tags


def test_text_story_byline_line_leaves_the_body_and_the_people():
    text = "Budget passes\n\nBy Sarah Brookbank and Max Londberg\n\n" + BODY + "\n\n" + BODY
    story = pipeline.extract(pipeline.RawStory(source="a.txt", text=text))
    assert story.authors == ["Sarah Brookbank", "Max Londberg"]
    assert story.standfirst == "" and "Brookbank" not in story.body
    assert "Sarah Brookbank" not in [p.name for p in story.people]
    assert {
        "index": 1,
        "text": "By Sarah Brookbank and Max Londberg",
        "reason": "byline",
    } in story.removed


def test_later_sections_of_a_story_printed_in_sibling_containers_are_read():
    def section(n):
        return (
            '<div class="article-body-component">'
            + "".join(
                f"<p>Section {n} paragraph {j}: the story goes on here with words enough to read.</p>"
                for j in range(3)
            )
            + "</div>"
        )

    related = '<div class="article-body-component"><p>Sign up</p></div>'
    html = page(title="A", h1="A", body=section(1) + "<h2>Part two</h2>" + section(2) + related)
    meta = pagemeta.read_page(html)
    first = [
        f"Section 1 paragraph {j}: the story goes on here with words enough to read."
        for j in range(3)
    ]
    assert pagemeta.later_sections(meta, first) == [
        f"Section 2 paragraph {j}: the story goes on here with words enough to read."
        for j in range(3)
    ]
    # a run of containers that are not sections of the story adds nothing
    assert pagemeta.later_sections(meta, [*first[:2], "Not on the page."]) == []


@pytest.mark.parametrize(
    "line, names, wire",
    [
        ("By Carrie Arnold November 15, 2019", ["Carrie Arnold"], ""),
        ("by Bryan DeArdo @BryanDeArdo Nov 18, 2019 at 9:24 pm ET", ["Bryan DeArdo"], ""),
        ("Von Moritz Bachmann publiziert am 25. September 2018", ["Moritz Bachmann"], ""),
        ("Tom Krisher, Ap Auto Writer", ["Tom Krisher"], "Associated Press"),
        ("By Science X", [], ""),
    ],
)
def test_byline_lines_with_dates_handles_and_roles(line, names, wire):
    assert pagemeta.byline_names(line) == (names, wire)


def test_a_labelled_description_is_the_dek_the_page_prints_without_its_label():
    dek = "The authorities have only fuelled the crisis, and must now step back."
    html = page(
        title="A", h1="A", metas={"og:description": f"Editorial: {dek}"}, body=f"<div>{dek}</div>"
    )
    [raw] = read_bytes(html.encode(), "a.html")
    assert pipeline.extract(raw).standfirst == dek


def test_a_description_printed_before_the_headline_is_a_teaser_not_the_dek():
    dek = "The city has a budget at last, after a year of argument."
    html = page(title="A", h1="A", metas={"og:description": dek})
    html = html.replace("<body>", f"<body><aside><h4>Other</h4><p class='dek'>{dek}</p></aside>")
    [raw] = read_bytes(html.encode(), "a.html")
    assert pipeline.extract(raw).standfirst == ""


def test_a_menu_entry_starting_with_by_is_no_byline():
    body = (
        '<nav><ul><li><a href="/shows/by-any-means/">By Any Means Necessary</a></li></ul></nav>'
        '<ul><li><a href="/radio/">By Any Means Necessary</a></li></ul>'
        "<div>By Jane Roe</div>"
    )
    assert pagemeta.read_page(page(title="A", body=body)).authors == ["Jane Roe"]


def test_a_section_name_in_the_h1_is_not_the_headline():
    html = page(
        title="World News: Council passes the city budget after a long night", h1="World News"
    )
    assert (
        pagemeta.read_page(html).headline
        == "World News: Council passes the city budget after a long night"
    )


def test_consumer_reports_is_an_outlet_name():
    html = page(title="A", metas={"og:site_name": "Consumer Reports"})
    assert pagemeta.read_page(html).outlet == "Consumer Reports"


def test_text_story_agency_line_then_byline_keeps_both():
    text = f"Budget passes\n\nAssociated Press\n\nBy Jane Roe\n\n{BODY}\n\n{BODY} Again."
    story = pipeline.extract(pipeline.RawStory(source="a.txt", text=text))
    assert (story.authors, story.wire) == (["Jane Roe"], "Associated Press")
    assert [r["reason"] for r in story.removed[:2]] == ["byline", "byline"]


def test_a_title_that_is_the_site_name_printed_on_the_home_link_gives_way_to_the_h1():
    html = page(
        title="엔터 미디어",
        h1="배우 김씨, 새 드라마 주연 맡아",
        metas={"og:title": "엔터 미디어"},
        body='<a href="/"><img src="logo.png" alt="엔터 미디어"></a><a href="/">Home</a>',
        url="https://www.entermedia.co.kr/news/1",
    )
    assert pagemeta.read_page(html).headline == "배우 김씨, 새 드라마 주연 맡아"

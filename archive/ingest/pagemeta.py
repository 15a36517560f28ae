"""What a web page says about its own story: headline, outlet, authors, wire, standfirst.

Read from the page's metadata (``og:``/``twitter:`` tags, ``application-name``, ``author``,
JSON-LD) and its visible headings together, never from a guess:

- headline: the visible heading (h1) that the page's titles (``og:title``, JSON-LD
  ``headline``, ``<title>``) agree with; else the best title with the site's name (or a
  section) cut off where it hangs on a separator (" - ", " | ", " – ", " :: " ...). A site
  name is recognised by matching ``og:site_name``, the JSON-LD publisher, ``application-name``
  or the page's domain.
- outlet: ``og:site_name``, the JSON-LD publisher or ``application-name``, normalised to a
  name (a tagline after a separator dropped, a URL or handle turned into the spelling the
  page's own title gives it, or left out). Agencies, desks, copyright lines and syndication
  notices are not the outlet; unknown stays empty.
- authors: byline names from the metadata (JSON-LD ``author``, ``author`` tags) that the
  page also prints, or a "By X and Y" line near the top; desks and house accounts left out.
- wire: an agency credited as publisher, author or byline, or by an agency dateline
  ("LONDON (AP) —").
- standfirst: a meta description the page prints as an element of its own (a dek), and
  that is not merely the opening of the first paragraph.

Plain functions on strings; no Django.

One module: the five fields are read from the same parsed metadata and headings, and
each rule leans on the others' findings (the site name cut from the headline is the
outlet's, the byline names are checked against the wire list).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

# Agencies a story can be credited to, by the forms they are printed in.
WIRES: dict[str, str] = {
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "the associated press": "Associated Press",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "pti": "PTI",
    "press trust of india": "PTI",
    "ians": "IANS",
    "ani": "ANI",
    "upi": "UPI",
    "united press international": "UPI",
    "dpa": "dpa",
    "efe": "EFE",
    "xinhua": "Xinhua",
    "anadolu agency": "Anadolu Agency",
    "aap": "AAP",
    "australian associated press": "AAP",
    "canadian press": "The Canadian Press",
    "the canadian press": "The Canadian Press",
    "cp": "The Canadian Press",
    "pa": "PA Media",
    "press association": "PA Media",
}
# An agency dateline at the start of a story: "WASHINGTON (AP) —", "SANTA FE, N.M. (AP) -".
DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?"
    r"\s*\((AP|Reuters|AFP|PTI|IANS|ANI|UPI|dpa|EFE|AAP|CP)\)\s*[—–-]"
)
# A closing credit line: "— Associated Press", "(With inputs from PTI)".
CLOSING_CREDIT = re.compile(
    r"^(?:[—–-]\s*|\(?with inputs from\s+)?(the associated press|associated press|reuters"
    r"|agence france-presse|afp|pti|press trust of india|ians)\)?\.?$",
    re.I,
)
SEPARATORS = re.compile(r"\s+(?:[|–—·»•]|-{1,2}|::)\s+")
# Names that are never an outlet or an author: desks, house accounts, notices.
NOT_A_NAME = re.compile(
    r"^(hosted|home|homepage|admin|administrator|editor|editors|editorial|staff|news desk"
    r"|web desk|desk|newsroom|guest|anonymous|unknown|none|null|contributor|team)$"
    r"|copyright|©|\ball rights reserved\b|\bnews service\b|\bstaff\b|\bdesk\b"
    r"|^https?:|^www\.|@",
    re.I,
)
HOME_WORDS = {"home", "homepage", "start", "startseite", "accueil", "inicio", "logo", "top"}
# Small words a publication's name may hold in lower case ("The Voice of the People").
NAME_SMALL_WORDS = {
    "of", "the", "and", "for", "on", "in", "at", "a", "an", "to", "de", "la", "le", "les",
    "du", "des", "del", "di", "da", "el", "y", "und", "der", "die", "das", "e", "&",
}  # fmt: skip
SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "ne", "or", "go", "gob", "edu"}
ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "review", "posting",
    "socialmediaposting", "techarticle", "scholarlyarticle", "liveblogposting", "report",
    "webpage", "itempage", "medicalwebpage",
}  # fmt: skip
BYLINE_START = re.compile(
    r"^(?:(?:written|posted|reported|story)\s+)?(?:by|von|por|par)\b[:\s]*", re.I
)
AGENCY_ROLE = re.compile(r"\s+(?:\w+\s+)?(?:writer|correspondent|reporter|editor)s?$", re.I)
# Where the names of a byline line end: a date, a handle, a separator, "published".
BYLINE_END = re.compile(
    r"\s*(?:[|•·@]|\d)|\s+[-–—]\s+|\s+(?:on|updated|published|posted|publiziert|am|le|el|em"
    r"|der|de la|del)\s|\s+(?=(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)",
    re.I,
)
ROLE_BYLINE = re.compile(
    r"^([A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}),\s+(?:(AP|Associated Press|Reuters|AFP|PTI)\s+)?"
    r"(?:[A-Z][a-z]+\s+)?(?:Writer|Correspondent|Reporter)$",
    re.I,
)
# Words that make a byline value an organisation rather than a person.
ORG_WORDS = {
    "news", "media", "press", "times", "post", "daily", "magazine", "insider", "business",
    "network", "group", "inc", "ltd", "llc", "gmbh", "team", "staff", "desk", "editors",
    "service", "services", "agency", "online", "radio", "tv", "channel", "reports",
}  # fmt: skip
NAME = re.compile(r"^[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|der|da|di|del|la|le)){1,4}$")
ROLE = re.compile(
    r",?\s*(?:\b(?:ap|associated press|reuters|afp)\b.*|\b(?:senior|staff|contributing|chief"
    r"|special|guest)\b.*|\b\w+ (?:writer|correspondent|reporter|editor)\b.*"
    r"|\b(?:writer|correspondent|reporter|editor|columnist|md|phd|rd|cdn)\b.*)$",
    re.I,
)


@dataclass
class PageMeta:
    """The page's own account of its story."""

    headline: str = ""
    outlet: str = ""
    authors: list[str] = field(default_factory=list)
    wire: str = ""
    description: str = ""
    site_names: list[str] = field(default_factory=list)
    titles: set[str] = field(default_factory=set, repr=False)  # keys of the title forms
    tree: object = field(default=None, repr=False, compare=False)


def squash(text) -> str:
    """Whitespace collapsed, no-break spaces read as spaces."""
    return " ".join(str(text or "").replace("\xa0", " ").split())


_NOT_ALNUM = re.compile(r"[\W_]+")


def key(text: str) -> str:
    """Comparison key: letters and digits only, lower case."""
    return _NOT_ALNUM.sub("", text.lower())


def wire_name(text: str) -> str:
    """The agency ``text`` names ("The Associated Press", "AP" ...), else ''."""
    return WIRES.get(squash(text).strip(" .").lower(), "")


# ---------------------------------------------------------------------------
# Reading the page.


def _json_ld(tree) -> list[dict]:
    """Every JSON-LD object of the page, ``@graph`` and lists flattened."""
    found = []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            found.append(node)
            if "@graph" in node:
                walk(node["@graph"])

    for script in tree.xpath('//script[contains(@type, "ld+json")]'):
        text = (script.text or "").strip()
        if not text:
            continue
        try:
            walk(json.loads(text))
        except ValueError:
            continue
    return found


def _types(node: dict) -> set[str]:
    kind = node.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _names(value) -> list[str]:
    """Names in a JSON-LD person/organisation value (a string, an object or a list)."""
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    if isinstance(value, dict):
        return _names(value.get("name", ""))
    if isinstance(value, str):
        return [squash(value)] if squash(value) else []
    return []


def _metas(tree) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in tree.xpath("//meta[@content]"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = squash(meta.get("content"))
        if name and content and name not in out:
            out[name] = content
    return out


def _domain(url: str) -> str:
    """The site's own part of the URL's host, as a comparison key ("examplenews")."""
    host = urlsplit(url).hostname or "" if url else ""
    parts = [p for p in host.split(".") if p not in ("www", "m", "amp", "edition", "en")]
    if len(parts) >= 3 and parts[-2] in SECOND_LEVEL:
        return key(parts[-3])  # express.co.uk
    return key(parts[-2] if len(parts) >= 2 else (parts[0] if parts else ""))


def _is_site(segment: str, sites: list[str], domain: str) -> bool:
    """``segment`` of a title names the site (its name, domain or both)."""
    k = key(segment)
    if not k:
        return False
    keys = [key(s) for s in sites if key(s)]
    if domain:
        keys.append(domain)
        keys.append(domain + "com")
    for s in keys:
        if k == s or (len(s) >= 4 and (k.startswith(s) or k.endswith(s)) and len(k) - len(s) <= 4):
            return True
        if len(k) >= 4 and s.startswith(k) and len(s) - len(k) <= 8 and k == s[: len(k)]:
            # "Inexhibit" for "Inexhibitmagazine"
            return True
    return False


def strip_site(title: str, sites: list[str], domain: str) -> str:
    """``title`` without a site name hanging on a separator at either end."""
    parts = SEPARATORS.split(title)
    seps = SEPARATORS.findall(title)
    while len(parts) > 1 and _is_site(parts[-1], sites, domain):
        parts, seps = parts[:-1], seps[:-1]
    while len(parts) > 1 and _is_site(parts[0], sites, domain):
        parts, seps = parts[1:], seps[1:]
    out = parts[0]
    for sep, part in zip(seps, parts[1:], strict=False):
        out += sep + part
    return out.strip()


def _overlap(a: str, b: str) -> float:
    """Share of the words of ``a`` found in ``b``."""
    wa = re.findall(r"\w+", a.lower())
    wb = set(re.findall(r"\w+", b.lower()))
    return sum(w in wb for w in wa) / len(wa) if wa else 0.0


def _visible_text(tree) -> str:
    body = tree.find(".//body")
    if body is None:
        return ""
    texts = []
    for node in body.iter():
        if node.tag in ("script", "style", "noscript", "template") or not isinstance(node.tag, str):
            continue
        if node.text:
            texts.append(node.text)
        if node.tail and node.getparent() is not None:
            texts.append(node.tail)
    return squash(" ".join(texts))


def _visible_iter(tree):
    body = tree.find(".//body")
    if body is None:
        return
    for node in body.iter():
        if isinstance(node.tag, str) and node.tag not in ("script", "style", "noscript"):
            yield node


def _title_spelling(handle: str, title_segments: list[str]) -> str:
    """The spelling the page's titles give a squashed name or handle ("@politifact")."""
    k = key(handle)
    for seg in title_segments:
        if len(k) >= 3 and key(seg).startswith(k) and len(seg.split()) <= 5:
            return seg
    return ""


def _outlet_name(raw: str, title_segments: list[str], domain: str) -> str:
    """``raw`` (a site_name or publisher value) as an outlet's name, or '' when it is not one."""
    name = squash(raw)
    if not name:
        return ""
    if re.match(r"^(https?:|www\.)", name, re.I):
        # a URL: the name the page's own title gives the same domain, else nothing
        host = _domain(name if "//" in name else "http://" + name)
        return _title_spelling(host, title_segments) if host and host == domain else ""
    if re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", name):
        # a domain as a name ("Phys.org"): the site's own only when the page is on it
        host = _domain("http://" + name)
        return name if not domain or host == domain else ""
    if name.startswith("@"):
        return _title_spelling(name, title_segments)
    parts = SEPARATORS.split(name)
    name = parts[0].strip()  # "LinkNaija | Nigeria's popular news platform"
    printed = name
    name = name.strip(" _-|:")
    if not name or NOT_A_NAME.search(name) or wire_name(name):
        return ""
    if len(name.split()) > 6 or name.endswith((".", "!", "?")):
        return ""  # a tagline or a sentence, not a name
    lower = [w for w in name.split()[1:] if w.islower() and w not in NAME_SMALL_WORDS]
    first = key(name.split()[0])
    if lower and not (len(first) >= 3 and domain.startswith(first)):
        # a tagline ("Expert how-to for English Riders"), unless the domain spells the
        # name's first word ("Kabar tentang Dunia Islam" on kabarislamia.com)
        return ""
    if " " not in name and printed != name or re.search(r"[a-z][A-Z][a-z]+[A-Z]", name):
        # a handle or squashed form ("Wday_", "SputnikInt"): the title's spelling or nothing
        return _title_spelling(name, title_segments)
    return name


def _home_link_names(tree, url: str) -> list[str]:
    """What the links to the site's home page say (their text, their logo's alt text): the
    site's name as the page prints it, used only to tell a title that is the site's name."""
    parts = urlsplit(url) if url else None
    homes = {"/", ""}
    if parts and parts.hostname:
        homes |= {f"{parts.scheme}://{parts.hostname}", f"{parts.scheme}://{parts.hostname}/"}
        homes |= {f"//{parts.hostname}", f"//{parts.hostname}/"}
    names = []
    for a in tree.iter("a"):
        if (a.get("href") or "").strip() not in homes - {""}:
            continue
        texts = [squash(a.text_content()), *(squash(i.get("alt")) for i in a.iter("img"))]
        names.extend(t for t in texts if t and len(t.split()) <= 6 and key(t) not in HOME_WORDS)
        if len(names) > 20:
            break
    return names


def _names_the_site(name: str, segment_keys: set[str], domain: str) -> bool:
    """``name`` is spelt by the page's domain or printed as a segment of its title."""
    k = key(name)
    if k in segment_keys:
        return True
    if not domain or len(k) < 3:
        return False
    return k == domain or (
        min(len(k), len(domain)) >= 4 and (k.startswith(domain) or domain.startswith(k))
    )


def _outlet_from_titles(titles: list[str], domain: str) -> str:
    """A title's first or last segment that spells the page's domain ("… | Ascom" on
    ascom.com): the site naming itself."""
    if len(domain) < 3:
        return ""
    for title in titles:
        parts = SEPARATORS.split(title)
        if len(parts) < 2:
            continue
        for seg in (parts[-1], parts[0]):
            k = key(seg)
            spelt = k == domain or (len(domain) >= 5 and k.startswith(domain))
            if spelt and len(seg.split()) <= 4 and not NOT_A_NAME.search(seg):
                return seg
    return ""


def read_page(html: str, url: str = "") -> PageMeta:
    """Read the page's own account of its story (see the module docstring)."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, TypeError, lxml.etree.ParserError):
        return PageMeta()
    metas = _metas(tree)
    nodes = _json_ld(tree)
    articles = [n for n in nodes if _types(n) & ARTICLE_TYPES and n.get("headline")]
    if not articles:
        articles = [n for n in nodes if _types(n) & ARTICLE_TYPES]
    article = articles[0] if articles else {}
    url = url or metas.get("og:url", "")
    if not url:
        canonical = tree.xpath('//link[@rel="canonical"]/@href')
        url = canonical[0] if canonical else ""
    domain = _domain(url)

    publishers = _names(article.get("publisher"))
    for node in nodes:
        if not publishers and _types(node) & {"organization", "newsmediaorganization"}:
            publishers = _names(node)[:1]
    sites = [
        s
        for s in [metas.get("og:site_name", ""), metas.get("application-name", ""), *publishers]
        if s and len(s.split()) <= 6
    ]
    titles = [
        squash(t)
        for t in [
            metas.get("og:title"),
            article.get("headline") if isinstance(article.get("headline"), str) else "",
            metas.get("twitter:title"),
            (tree.findtext(".//title") or ""),
        ]
        if squash(t)
    ]
    title_segments = [seg for t in titles for seg in SEPARATORS.split(t)]
    meta = PageMeta(site_names=sites)

    # outlet: the site's own name for itself
    sources = [metas.get("og:site_name", ""), *publishers, metas.get("application-name", "")]
    wire = next((wire_name(raw) for raw in sources if wire_name(raw)), "")
    segment_keys = {key(seg) for seg in title_segments}
    for n, raw in enumerate(sources):
        name = _outlet_name(raw, title_segments, domain)
        if name and n and not _names_the_site(name, segment_keys, domain):
            # a publisher or application name must also be the site's: its domain or a
            # title segment (a syndicated page names the parent company or the agency)
            continue
        if name:
            meta.outlet = name
            break
    meta.outlet = meta.outlet or _outlet_from_titles(titles, domain)

    # headline: the h1 the titles agree with, else a title without the site name
    names = [*sites, meta.outlet, *_home_link_names(tree, url)]
    stripped = [strip_site(t, names, domain) for t in titles]
    stripped = [t for t in stripped if not _is_site(t, names, domain)]
    h1s = [squash(h.text_content()) for h in tree.iter("h1")]
    h1s = [h for h in h1s if h and not _is_site(h, names, domain)]
    best, score = "", 0.0
    for h in h1s:
        for t in stripped:
            s = min(_overlap(h, t), _overlap(t, h) + 0.2)
            if s > score:
                best, score = h, s
    if best and score >= 0.75:
        meta.headline = best
    elif stripped:
        meta.headline = stripped[0]
    elif h1s:
        meta.headline = h1s[0]

    # authors and wire
    visible = _visible_text(tree).lower()
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    org_keys = {key(n) for n in [*sites, meta.outlet] if key(n)}
    names = []
    for value in (article.get("author"), article.get("creator")):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "@id" in item and "name" not in item:
                item = by_id.get(item["@id"], item)
            if isinstance(item, dict) and _types(item) & {"organization", "newsmediaorganization"}:
                wire = wire or wire_name(squash(item.get("name")))
                continue
            names.extend(_names(item))
    for tag in (
        "author",
        "article:author",
        "dc.creator",
        "sailthru.author",
        "byl",
        "parsely-author",
    ):
        value = re.sub(r"^by\s+", "", metas.get(tag, ""), flags=re.I)
        names.extend(n.strip() for n in re.split(r"\s*(?:;|\band\b|&)\s*", value) if n.strip())
    authors: list[str] = []
    for raw in names:
        wire = wire or wire_name(raw)
        name = person_name(raw)
        if not name or key(name) in org_keys or name.lower() not in visible:
            continue  # an organisation, or a name only in the metadata: not a byline
        if name not in authors:
            authors.append(name)
    if not authors:
        for node in _visible_iter(tree):
            text = squash(" ".join(node.itertext())) if len(node) < 6 else ""
            if not text or len(text) > 160:
                continue
            if _in_menu(node, text):
                continue  # a menu entry ("By Any Means Necessary", a show's name)
            m = BYLINE_START.match(text)
            if not m and ROLE_BYLINE.match(text):
                authors, credit = byline_names(text)
                wire = wire or credit
                break
            if not m or not text[m.end() : m.end() + 1].isupper():
                continue
            # the first byline of the page is the story's (later ones credit other items);
            # one in capitals throughout is a house credit or a label, not read
            if not text.isupper():
                found, credit = byline_names(text)
                wire = wire or credit
                authors = [n for n in found if key(n) not in org_keys]
            break
    meta.authors = authors
    meta.wire = wire
    meta.description = next(
        (
            metas[k]
            for k in ("og:description", "description", "twitter:description")
            if metas.get(k)
        ),
        squash(article.get("description")) if isinstance(article.get("description"), str) else "",
    )
    if key(meta.description) == key(meta.headline):
        meta.description = ""  # the headline again, not a summary
    meta.titles = {key(t) for t in [*titles, *stripped, meta.headline] if key(t)}
    meta.tree = tree  # dek_of looks for the element that prints the description
    return meta


def _in_menu(node, text: str) -> bool:
    """``node`` is a link or sits in a menu, footer or sidebar: not the story's byline
    (a byline links the name, never the "By")."""
    if node.tag == "a" or any(key(a.text_content()) == key(text) for a in node.iter("a")):
        return True
    return any(
        a.tag in ("nav", "footer", "aside", "menu") or a.get("role") == "navigation"
        for a in node.iterancestors()
    )


def person_name(raw: str) -> str:
    """A byline value as a person's name: role and credentials dropped, capitals title-cased;
    '' for a desk, a house account or an agency."""
    raw = squash(raw)
    if wire_name(raw):
        return ""
    name = ROLE.sub("", raw).strip(" ,")
    name = re.split(r",\s*", name)[0]
    if name.isupper():
        name = name.title()
    if not name or NOT_A_NAME.search(name) or not NAME.match(name):
        return ""
    if any(w.lower() in ORG_WORDS for w in name.split()) or len(name.split()[-1]) < 2:
        return ""  # an organisation ("Science X"), not a person
    return name


def byline_names(text: str) -> tuple[list[str], str]:
    """The names of a byline line ("By X and Y", "Written by X, MS, RD on May 2") and the
    agency it credits ("By X, Associated Press"); ([], '') for any other line."""
    m = BYLINE_START.match(text)
    if not m:
        m = ROLE_BYLINE.match(text)  # "Tom Krisher, AP Auto Writer"
        if not m:
            return [], ""
        name = person_name(m.group(1))
        return ([name] if name else []), wire_name(m.group(2) or "")
    rest = BYLINE_END.split(text[m.end() :])[0]
    names, wire = [], ""
    for part in re.split(r"\s*(?:,|\band\b|&)\s*", rest):
        if not part:
            continue
        agency = wire_name(part) or wire_name(AGENCY_ROLE.sub("", part))
        if agency:
            wire = wire or agency  # "Associated Press", "AP Auto Writer"
            continue
        name = person_name(part)
        if not name:
            if names:
                break  # a role or credential after the names ("MS, RD")
            return [], ""
        names.append(name)
    return names, wire


DEK_CLASS = re.compile(r"dek|standfirst|sub-?title|subhead|summary|excerpt|teaser|desc", re.I)


def dek_of(meta: PageMeta, first_paragraph: str, *, in_body: bool = False) -> str:
    """The meta description when the page prints it as its own element (a dek) after the
    headline, and it is not only the opening of the first paragraph; else ''.

    ``in_body``: the extractor took the description as the body's first paragraph; it is
    a dek only when its element says so (not a plain paragraph)."""
    tree = meta.tree
    description = meta.description
    if tree is None or not description or description.endswith(("...", "…")):
        return ""
    label = re.match(r"^[\w’' -]{2,30}:\s+(?=[A-Z“‘\"])", description)
    if label and len(label.group(0).split()) <= 3:
        # "Editorial: The authorities' repression ...": a label the page does not print
        bare = replace(meta, description=description[label.end() :])
        bare = dek_of(bare, first_paragraph, in_body=in_body)
        if bare:
            return bare
    k = key(description)
    if len(description.split()) < 4 or not k:
        return ""
    if first_paragraph and key(first_paragraph).startswith(k):
        return ""  # the opening of the first paragraph
    headline = key(meta.headline)
    seen_headline = not any(key(h.text_content()) == headline for h in tree.iter("h1"))
    for node in _visible_iter(tree):
        if node.tag == "h1" and key(node.text_content()) == headline:
            seen_headline = True
        if node.tag in ("body", "html", "article", "main", "section", "header"):
            continue
        text = node.text_content()
        if not len(description) // 2 <= len(text) <= 2 * len(description) + 200:
            continue  # (a cheap test first: most elements are far longer or shorter)
        if key(text) != k:
            continue
        if not seen_headline:
            continue  # before the story's headline: a teaser of another story
        marked = DEK_CLASS.search(node.get("class", "") + " " + node.getparent().get("class", ""))
        if node.tag == "p" and not marked:
            # a paragraph of the story; a dek is an element of its own
            sibling = node.getnext()
            if in_body or (sibling is not None and sibling.tag == "p"):
                return ""
        return description
    return ""


def wire_from_text(paragraphs: list[str]) -> str:
    """An agency credited by a dateline in the first paragraphs or a closing credit line."""
    for paragraph in paragraphs[:2]:
        m = DATELINE.match(paragraph)
        if m:
            return wire_name(m.group(1))
    for paragraph in paragraphs[-2:]:
        m = CLOSING_CREDIT.match(paragraph.strip())
        if m:
            return wire_name(m.group(1))
    return ""


SECTION_MIN_WORDS = 30  # a further section holds at least this many words of paragraphs


def later_sections(meta: PageMeta, paragraphs: list[str]) -> list[str]:
    """Paragraphs of the story's further sections that the extraction left out.

    A long story is often printed in several sibling containers of the same kind (the
    same tag and class), one per section; a precision-first extractor may keep only the
    first. The containers after the one holding the last extracted paragraph, of the same
    tag and class, are read for their paragraphs (``p`` elements), in order."""
    tree = meta.tree
    if tree is None or not paragraphs:
        return []
    last = key(paragraphs[-1])
    if not last:
        return []
    node = next(
        (p for p in tree.iter("p") if key(p.text_content()) == last),
        None,
    )
    if node is None:
        return []
    have = {key(p) for p in paragraphs}
    for container in list(node.iterancestors())[:4]:
        cls = container.get("class", "").strip()
        parent = container.getparent()
        if not cls or parent is None:
            continue
        siblings = [
            s
            for s in container.itersiblings()
            if s.tag == container.tag and s.get("class", "").strip() == cls
        ]
        if not siblings:
            continue
        found = []
        for sibling in siblings:
            texts = [squash(p.text_content()) for p in sibling.iter("p")]
            texts = [t for t in texts if t and key(t) not in have]
            if sum(len(t.split()) for t in texts) < SECTION_MIN_WORDS:
                break  # not a section of the story: the run of sections ends here
            found.extend(texts)
        return found
    return []

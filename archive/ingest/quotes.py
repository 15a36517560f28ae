"""Direct quotations and their speakers.

Quotation marks: curly double (“ ”), curly single (‘ ’), straight double ("), and
the typewriter forms '' and `` (as in New York Times copy). A ’ or ' between letters
(Macron’s, won’t) is an apostrophe, not a closing mark; single marks inside a double
quotation (and the reverse) are nested quotes and stay inside the outer quotation.
A quotation left open at the end of a paragraph continues when the next paragraph
opens with a quote mark (the convention for quotations over several paragraphs);
otherwise it ends with its paragraph. Quotations under six words are fragments.

Speakers, in order of preference for each quotation:

A. after it in the same sentence: ``‘…,’ Putin said`` / ``said Mr Macron`` /
   ``he added`` / ``according to X`` / ``…, the Kremlin said.`` at the sentence end;
B. before it in the same sentence: the subject of the first reporting verb
   (``X said:``, ``X told reporters that``, ``X, the EU's chief, said``, ``…, who said``);
   a participle (``…, saying: ‘…’``) takes the subject of its sentence;
C. a sentence ending with a colon just before a quotation paragraph;
D. the speaker of the previous quotation in the same paragraph or of the quotation this
   one continues.

A speaker phrase naming a person of the story links to that person (under their fullest
name); a pronoun (he, she) goes to the last person who spoke or began a sentence; "it"
and "they" go to the last speaker that is not a person. Other phrases ("the Kremlin",
"a senior Government source", "No 10", "one source close to Mr Macron") are kept as the
label with no person.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .people import PersonMention, surface_forms

FRAGMENT_WORDS = 6
MASK = "\x00"
NON_SPACE = re.compile(r"\S")

FINITE = (
    r"said|says|say|told|tells|tell|added|adds|asked|asks|stated|states|wrote|writes|tweeted|"
    r"posted|explained|explains|insisted|insists|warned|warns|declared|declares|noted|notes|"
    r"argued|argues|replied|replies|claimed|claims|continued|continues|confirmed|promised|"
    r"described|describes|called|calls|commended|praised|admitted|admits|acknowledged|"
    r"announced|suggested|suggests|urged|urges|vowed|vows|recalled|recalls|boasted|joked|"
    r"predicted|conceded|stressed|emphasised|emphasized|remarked|responded|answered|"
    r"countered|testified|pledged|quipped|wondered|complained|lamented|observed|concluded|"
    r"cautioned|mused|shouted|yelled|exclaimed|whispered|reiterated|maintained|contended|"
    r"charged|blasted|slammed|thundered|proclaimed|announces|predicts|recounted"
)
PARTICIPLE = (
    r"saying|adding|telling|noting|warning|calling|describing|arguing|insisting|explaining|"
    r"declaring|stating|writing|asking|claiming|stressing|tweeting|recalling|urging"
)
AUX = (
    r"(?:\s+(?:has|had|have|also|previously|later|reportedly|then|would|will|once|again|"
    r"repeatedly|recently|earlier|just|further|simply|quickly|publicly|privately|"
    r"told\s+\w+|went as far as to|was|is|being|been|could|can|did|does|do|not|never|"
    r"\w+ly))*$"
)
VERB_RE = re.compile(rf"\b(?:(?P<finite>{FINITE})|(?P<part>{PARTICIPLE})|(?P<acc>according to))\b")
SUBORDINATE = {
    "when", "if", "as", "after", "before", "while", "following", "last", "including", "though",
    "although", "because", "since", "until", "once", "whether", "what", "how", "why", "where",
    "to", "of", "for", "by", "with", "from", "about", "into", "than", "that", "which",
}  # fmt: skip
PRONOUNS = {"he": "person", "she": "person", "him": "person", "her": "person",
            "it": "thing", "they": "thing", "we": "thing", "i": "self"}  # fmt: skip
LEADING = re.compile(
    r"^(?:(?:but|and|so|then|also|meanwhile|however|still|yet|now|later|earlier|instead|"
    r"indeed|separately|similarly|in|on|at)\b,?\s+)+",
    re.I,
)
INDEFINITE = re.compile(
    r"^(?:a|an|one|another|some|two|three|several|many|other|senior|unnamed|anonymous)\b", re.I
)
ABBR_WORDS = r"(?:Sen|Rep|Gov|Mr|Mrs|Ms|Dr|Gen|Lt|Col|St)"
ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Capt|Prof|Rev|St|Jr|Sr|No|Vs|vs|etc|Inc|Co)"
    r"|\b[A-Z](?:\.[A-Z])*)$"
)


@dataclass
class QuoteRef:
    """A quotation: its words, who said it (a Person's name, or a label), where it is."""

    text: str
    speaker: str | None
    speaker_label: str
    paragraph: int
    is_fragment: bool
    end_paragraph: int | None = None
    start: int = 0  # offset of the quotation's first character in its first paragraph
    end: int = 0  # offset just past its last character in its last paragraph


def _normalise_marks(text: str) -> str:
    """Typewriter quotes '' and `` become a straight double quote, keeping every offset."""
    text = text.replace("``", ' "')

    def repl(m):
        before = text[m.start() - 1] if m.start() else " "
        return ' "' if before.isspace() or before in "([—–-" else '" '

    return re.sub(r"''", repl, text)


def _is_open_context(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in '([{—–-/:;,“‘"' or i == 0) and not after.isspace()


def scan(text: str, carry: str | None = None):
    """Quotation spans in one paragraph: (start, end, kind, closed, opens_paragraph).

    ``start``/``end`` delimit the words inside the marks. ``carry`` is the kind of a
    quotation left open at the end of the previous paragraph.
    """
    spans = []
    kind = None
    start = 0
    depth = inner = 0
    n = len(text)
    for i, ch in enumerate(text):
        if kind is None:
            if ch == "“" or (ch == '"' and _is_open_context(text, i)):
                kind, start, depth, inner = "double", i + 1, 0, 0
            elif ch in "‘'" and _is_open_context(text, i):
                nxt = text[i + 1] if i + 1 < n else " "
                if nxt.isalnum() or nxt in "[(….$£€":
                    kind, start, depth = "single", i + 1, 0
        elif kind == "double":
            # “A ‘B “C” B’ A”: a double quotation nests only inside a single one opened
            # within this one (``inner`` counts those); any other ” closes the quotation.
            if ch == "‘" and _is_open_context(text, i):
                inner += 1
            elif ch == "’" and inner and not text[i + 1 : i + 2].isalnum():
                inner -= 1
            elif ch == "“" and inner and _is_open_context(text, i):
                depth += 1
            elif ch == "”" or (ch == '"' and not _is_open_context(text, i)):
                if depth:
                    depth -= 1
                else:
                    spans.append((start, i, kind, True))
                    kind = None
        else:  # single
            nxt = text[i + 1] if i + 1 < n else " "
            prev = text[i - 1] if i else " "
            if ch == "‘" or (ch == "'" and _is_open_context(text, i) and nxt.isalpha()):
                depth += 1
            elif ch in "’'" and not nxt.isalnum() and not prev.isspace():
                if depth:
                    depth -= 1
                else:
                    spans.append((start, i, kind, True))
                    kind = None
    if kind is not None:
        spans.append((start, n, kind, False))
    return spans


def _mask(text: str, spans) -> str:
    chars = list(text)
    for start, end, _kind, closed in spans:
        lo = max(0, start - 1)
        hi = min(len(text), end + (1 if closed else 0))
        for k in range(lo, hi):
            chars[k] = MASK
    return "".join(chars)


def _sentences(masked: str, spans, text: str) -> list[tuple[int, int]]:
    """Sentence boundaries in a masked paragraph (quotations count as words)."""
    bounds = [0]
    n = len(masked)
    # Each test looks only near ``i`` (no slicing of the whole paragraph), so a very long
    # paragraph takes linear time.
    for i, ch in enumerate(masked):
        if i + 1 >= n:
            break
        if (ch not in ".!?" and ch != MASK) or not masked[i + 1].isspace():
            continue
        nxt = NON_SPACE.search(masked, i + 1)
        if not nxt:
            continue
        head = nxt.group()
        if (
            ch in ".!?"
            and (head.isupper() or head == MASK)
            and not ABBREV.search(masked, max(0, i - 64), i)
        ):
            bounds.append(i + 1)
        elif ch == MASK and (head.isupper() or head == MASK):
            # a quotation that ends its sentence: ‘… it plays out.’ Some troops …
            j = i
            while j and text[j - 1] in "’”\"' ":
                j -= 1
            if j and text[j - 1] in ".!?…":
                bounds.append(i + 1)
    bounds.append(n)
    return [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1) if bounds[k] < bounds[k + 1]]


class _Context:
    """What the attribution rules know while walking through the story."""

    def __init__(self, people: list[PersonMention]):
        self.forms = surface_forms(people)
        keys = sorted(self.forms, key=len, reverse=True)
        alternatives = "|".join(re.escape(k) for k in keys if k)
        self.pattern = re.compile(rf"\b(?:{alternatives})\b") if alternatives else None
        self.last_person: str | None = None
        self.last_thing: str | None = None

    def persons_in(self, phrase: str) -> list[tuple[int, str, bool]]:
        """(offset, person name, possessive) for each person named in ``phrase``."""
        if not self.pattern:
            return []
        folded = phrase.lower().replace("’", "'")
        found = []
        for m in self.pattern.finditer(_fold(folded)):
            possessive = (
                folded[m.end() : m.end() + 2] in ("'s",) or folded[m.end() : m.end() + 1] == "'"
            )
            found.append((m.start(), self.forms[m.group(0)], possessive))
        return found


def _fold(text: str) -> str:
    """Lower-case letters kept at their offsets, everything else a space (for name matching)."""
    return "".join(ch if ch.isalnum() else " " for ch in text)


def _clean_np(np: str) -> str:
    np = np.strip(" ,;:—–-\t" + MASK)
    np = LEADING.sub("", np).strip()
    np = re.sub(AUX, "", np).strip(" ,")
    return np


def _resolve(np: str, ctx: _Context) -> tuple[str | None, str]:
    """(person name or None, label) for a speaker phrase."""
    np = _clean_np(np)
    if not np or MASK in np:
        return None, ""
    low = np.lower()
    if low in PRONOUNS:
        if PRONOUNS[low] == "person":
            return (ctx.last_person, ctx.last_person) if ctx.last_person else (None, np)
        if PRONOUNS[low] == "thing":
            return None, ctx.last_thing or np
        return None, np
    if len(np.split()) > 12 or low.split()[0] in SUBORDINATE:
        return None, ""
    persons = [p for p in ctx.persons_in(np) if not p[2]]
    if persons and not INDEFINITE.match(np):
        return persons[0][1], persons[0][1]
    return None, np


def _subject_before(prefix: str, ctx: _Context) -> str:
    """The subject phrase that ends ``prefix`` (the text right before a reporting verb)."""
    prefix = re.sub(AUX, "", prefix.rstrip()).rstrip()
    # "…, who said": the subject is the last person before the relative pronoun.
    rel = re.search(r",?\s*\b(?:who|which)$", prefix)
    if rel:
        head = prefix[: rel.start()]
        persons = ctx.persons_in(head)
        if persons:
            return head[persons[-1][0] :]
        prefix = head
    # "Macron, who is due to …, said": the subject is what comes before the relative clause.
    rel = re.search(r",\s*(?:who|which|whose)\b", prefix)
    if rel:
        prefix = prefix[: rel.start()]
    # "X, the EU's chief, said": drop an appositive unless it is the name itself.
    while prefix.endswith(","):
        body = prefix[:-1]
        cut = max(body.rfind(","), body.rfind(MASK))
        segment = body[cut + 1 :]
        if any(not p[2] for p in ctx.persons_in(segment)) or cut < 0:
            prefix = segment
            break
        prefix = body[:cut].rstrip()
        if not prefix:
            break
    cut = max(prefix.rfind(c) for c in (",", ";", ":", "—", "–", MASK, "("))
    tail = prefix[cut + 1 :]
    found = list(
        re.finditer(r"\b(?:that|and|but|as|while|when|where|after|before|because|if)\s", tail)
    )
    m = found[-1] if found else None
    if m is not None:
        rest = tail[m.end() :]
        if (
            rest.strip()
            and not re.match(r"^(?:and|but)\b", tail[m.start() :])
            or ctx.persons_in(rest)
        ):
            tail = rest
    return tail


def _after(after: str, ctx: _Context):
    """Rule A: an attribution right after the quotation, or at the end of its sentence."""
    m = re.match(
        rf"^[\s,;—–-]*(?P<np>[^,.;:!?{MASK}]{{1,80}}?)\s+(?:\w+ly\s+)?(?:{FINITE})\b", after
    )
    if (
        m
        and len(m.group("np").split()) <= 8
        and not re.match(r"^\s*(?:and|but|or|to|in|of|for|by|with|as)\b", m.group("np"))
    ):
        return _resolve(m.group("np"), ctx)
    m = re.match(
        rf"^[\s,;—–-]*(?P<np>[^,.;:!?{MASK}]{{1,60}}?),[^,.;:!?{MASK}]{{1,100}},\s*"
        rf"(?:\w+ly\s+)?(?:{FINITE})\b",
        after,
    )
    if m and len(m.group("np").split()) <= 5 and ctx.persons_in(m.group("np")):
        return _resolve(m.group("np"), ctx)
    m = re.match(
        rf"^[\s,;—–-]*(?:{FINITE})\s+(?P<np>(?:[A-Z]|(?:the|a|an|one)\s)"
        rf"(?:\b{ABBR_WORDS}\.|[^,.;:!?{MASK}]|\.(?=\S)){{0,80}})",
        after,
    )
    if m:
        return _resolve(m.group("np"), ctx)
    m = re.match(rf"^[\s,;—–-]*according to (?P<np>[^,.;:!?{MASK}]{{1,80}})", after)
    if m:
        return _resolve(m.group("np"), ctx)
    m = re.search(
        rf"[,{MASK}]\s*(?P<np>[^,.;:!?{MASK}]{{1,80}}?)\s+(?:\w+ly\s+)?(?:{FINITE})\b[^,.;:!?{MASK}]{{0,40}}[.!?]?\s*$",
        after,
    )
    if m and len(m.group("np").split()) <= 8:
        return _resolve(m.group("np"), ctx)
    m = re.search(rf",\s*according to (?P<np>[^,.;:!?{MASK}]{{1,80}})[.!?]?\s*$", after)
    if m:
        return _resolve(m.group("np"), ctx)
    return None


def _before(before: str, sentence: str, ctx: _Context):
    """Rule B: the subject of the first reporting verb before the quotation."""
    participle = None
    for m in VERB_RE.finditer(before):
        if m.group("acc"):
            np = re.match(rf"[^,.;:!?{MASK}]{{1,80}}", before[m.end() :])
            if np:
                return _resolve(np.group(0), ctx)
            continue
        if m.group("part"):
            participle = participle or m
            continue
        who = _resolve(_subject_before(before[: m.start()], ctx), ctx)
        if who[0] or who[1]:
            return who
    if participle is not None:
        persons = [p for p in ctx.persons_in(before[: participle.start()]) if not p[2]]
        if persons:
            return persons[0][1], persons[0][1]
        return _resolve(_subject_before(before[: participle.start()].split(",")[0], ctx), ctx)
    return None


def find_quotes(paragraphs: list[str], people: list[PersonMention] | None = None) -> list[QuoteRef]:
    """Quotations in ``paragraphs`` with their speakers (see the module's rules)."""
    ctx = _Context(people or [])
    quotes: list[QuoteRef] = []
    carry: QuoteRef | None = None  # a quotation open at the end of the previous paragraph
    prev_text = ""
    for index, original in enumerate(paragraphs):
        text = _normalise_marks(original)
        spans = scan(text)
        if carry is not None:
            first = spans[0] if spans else None
            if first and first[0] == 1 and text[0] in "“‘\"'":
                carry.text += "\n\n" + original[first[0] : first[1]].strip()
                carry.end_paragraph = index
                carry.end = first[1]
                spans = spans[1:]
                if not first[3]:
                    prev_text = text
                    continue
                masked_from = first[1] + 1
            else:
                masked_from = 0
            carry = None
        else:
            masked_from = 0
        masked = _mask(text, spans)
        if masked_from:
            masked = MASK * masked_from + masked[masked_from:]
        sentences = _sentences(masked, spans, text)
        # Sentence-initial people are antecedents for later pronouns.
        events = []
        for s0, s1 in sentences:
            sent = masked[s0:s1]
            persons = [p for p in ctx.persons_in(sent) if not p[2]]
            if persons and len(sent[: persons[0][0]].split()) <= 8:
                events.append((s0 + persons[0][0], persons[0][1]))
        last_in_paragraph = None
        # Spans, events and sentences are all in text order: look them up by bisection, not
        # by a scan per quotation (a paragraph of thousands of quotations took minutes).
        event_positions = [pos for pos, _name in events]
        sentence_starts = [a for a, _b in sentences]
        for start, end, _kind, closed in spans:
            passed = bisect.bisect_left(event_positions, start)
            if passed:
                ctx.last_person = events[passed - 1][1]
            k = bisect.bisect_right(sentence_starts, start - 1) - 1
            if k >= 0 and sentences[k][0] <= start - 1 < sentences[k][1]:
                s0, s1 = sentences[k]
            else:
                s0, s1 = 0, len(text)
            before = masked[s0 : max(s0, start - 1)]
            after = masked[min(end + 1, s1) : s1] if closed else ""
            who = _after(after, ctx) if after else None
            if not who or not (who[0] or who[1]):
                who = _before(before, masked[s0:s1], ctx)
            if (
                (not who or not (who[0] or who[1]))
                and start == 1
                and prev_text.rstrip().endswith(":")
            ):
                pm = _mask(prev_text, scan(prev_text))
                psent = _sentences(pm, scan(prev_text), prev_text)
                if psent:
                    who = _before(pm[psent[-1][0] :].rstrip(":") + " ", pm[psent[-1][0] :], ctx)
            if (not who or not (who[0] or who[1])) and last_in_paragraph is not None:
                who = (last_in_paragraph.speaker, last_in_paragraph.speaker_label)
            speaker, label = who if who else (None, "")
            words = original[start:end].strip()
            quote = QuoteRef(
                text=words,
                speaker=speaker,
                speaker_label=label or "",
                paragraph=index,
                is_fragment=len(words.split()) < FRAGMENT_WORDS,
                start=start,
                end=end,
            )
            if not words:
                continue
            quotes.append(quote)
            last_in_paragraph = quote
            if speaker:
                ctx.last_person = speaker
            elif label:
                ctx.last_thing = label
            if not closed:
                carry = quote
        for _pos, name in events:
            if not spans or _pos > spans[-1][1]:
                ctx.last_person = name
        prev_text = text
    for quote in quotes:
        quote.is_fragment = len(quote.text.split()) < FRAGMENT_WORDS
    return quotes

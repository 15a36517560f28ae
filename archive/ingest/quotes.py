"""Direct quotations and their speakers.

Quotation marks: curly double (“ ”), curly single (‘ ’), straight double ("), and
the typewriter forms '' and `` (as in New York Times copy). A ’ or ' between letters
(Macron’s, won’t) is an apostrophe, not a closing mark; single marks inside a double
quotation (and the reverse) are nested quotes and stay inside the outer quotation.
A quotation left open at the end of a paragraph continues when the next paragraph
opens with a quote mark (the convention for quotations over several paragraphs);
otherwise it ends with its paragraph. Quotations under six words are fragments.

Speakers, in order of preference for each quotation (abbreviation stops such as Mr.,
Sen., U.S. and Mich., and party tags such as "(R-Tex.)", are hidden first):

A. after it in the same sentence: ``‘…,’ Putin said`` / ``said Mr. Macron`` / ``said
   undecided voter Jane Hooton`` / ``he added`` / ``Dawson shouted`` / ``agrees Michelle
   Stevens`` / ``according to X`` / ``― Karen Bobadilla`` / ``…” about the decision, said
   X`` / ``said the bureau's director, James B. Comey,`` (the name in apposition wins) /
   ``…, the Kremlin said.`` at the sentence end; when the mark ends the sentence
   (``…, OK?” Trump said.``) the next sentence counts if it is just the attribution;
B. before it in the same sentence: the subject of the first reporting verb
   (``X said:``, ``X told reporters that``, ``X, the EU's chief, said``, ``X, 31, a
   photographer, said``, ``…, who said``, ``Bannon, who Beck called``); a participle
   (``…, saying: ‘…’``) takes the subject of its sentence;
C. a sentence ending with a colon just before a quotation paragraph;
E. the subject of its sentence when no verb of speech is there: the person named
   nearest the quotation at the start of a clause, not after a preposition or a verb
   (``In an August speech, Trump attacked “…”``, ``After X criticized Y, Hillary shot
   back, “…”``), a pronoun subject, or a possessive kept as a label (``Rubio’s campaign``);
D. the speaker of the previous quotation in the same paragraph or of the quotation this
   one continues;
F. a quotation that opens its sentence with nothing to attribute it: the subject of the
   reporting verb in the sentence before; at the start of a paragraph, the speaker of the
   previous paragraph's last quotation, else whom that paragraph reported.

A speaker phrase naming a person of the story links to that person (under their fullest
name, or a given name alone when one person of the story has it); a role noun ("the
Vermont senator") goes to the person last mentioned with that title; "he" and "she" go
to the last person who spoke or began a sentence before the pronoun and who can be that
gender (from the given name or a title; unknown fits both); "it" and "they" go to the
last speaker that is not a person. Other phrases ("the Kremlin", "a senior Government
source", "No 10", "one source close to Mr Macron") are kept as the label with no person
when they read as a noun phrase. Every rule reads at most ``WINDOW`` characters around a
quotation and every pass over a paragraph is linear, so a paragraph of a megabyte takes
about a second.

One module: finding the quotations (marks, masking, sentences) and attributing them share
the masked paragraph, its sentence offsets and the abbreviation and verb patterns, and
the speaker rules (``SPEAKER_RULES``, ``AFTER_RULES``) read each other's helpers; split
apart, each half would import most of the other.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .names import (
    DEMONYMS,
    FEMALE_GIVEN_NAMES,
    FEMALE_TITLES,
    GIVEN_NAMES,
    HONORIFICS,
    MALE_TITLES,
    ROLE_WORDS,
    STOP,
    UNISEX_GIVEN_NAMES,
)
from .people import SENTENCE_END, TITLE_SMALL, TITLE_WORD, PersonMention, name_key, surface_forms

FRAGMENT_WORDS = 6
# Capitalised words of a label that are not names ("The", "President", "Mr")
LABEL_NOT_NAMES = frozenset(
    {w for w in STOP | HONORIFICS | ROLE_WORDS | DEMONYMS} | {"he", "she", "they", "it", "we", "i"}
)
MASK = "\x00"
NON_SPACE = re.compile(r"\S")

FINITE = (
    r"said|says|say|told|tells|tell|added|adds|asked|asks|stated|states|wrote|writes|tweeted|"
    r"posted|explained|explains|insisted|insists|warned|warns|declared|declares|noted|notes|"
    r"argued|argues|replied|replies|claimed|claims|continued|continues|confirmed|promised|"
    r"described|describes|called|calls|commended|praised|admitted|admits|acknowledged|"
    r"announced|suggested|suggests|urged|urges|vowed|vows|recalled|recalls|boasted|joked|"
    r"predicted|conceded|stressed|emphasised|emphasized|remarked|responded|answered|countered|"
    r"testified|pledged|quipped|wondered|complained|lamented|observed|concluded|cautioned|"
    r"mused|shouted|yelled|exclaimed|whispered|reiterated|maintained|contended|charged|"
    r"blasted|slammed|thundered|proclaimed|announces|predicts|recounted|reported|reports|"
    r"agreed|agrees|responds|proclaims|asserted|asserts|questioned|offered|sniped|beamed|"
    r"screamed|chanted|cried|retorted|interjected|scoffed|snapped|demanded|demands|"
    r"pointed out|points out|went on|texted|emailed|concludes|counters|opined|acknowledges|"
    r"cautions|jokes|mocked|teased|cheered|bragged|griped|fumed|hinted|concedes|observes|"
    r"remarks|laments|complains|wonders|put it|puts it"
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

DOT = "\x01"  # an abbreviation's full stop, hidden from the sentence and phrase rules
WINDOW = 600  # characters on each side of a quotation that the rules read
TITLE_ABBR = {
    "Mr", "Mrs", "Ms", "Dr", "Sen", "Sens", "Rep", "Reps", "Gov", "Govs", "Gen", "Lt", "Col",
    "Capt", "Prof", "Rev", "St", "Jr", "Sr", "Pres", "Adm", "Sgt", "Ft", "Mt", "Messrs", "Inc",
    "Corp", "Co", "Ltd", "No", "vs", "Jan", "Feb", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec",
}  # fmt: skip
STATE_ABBR = {
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Ky",
    "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa",
    "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo",
}  # fmt: skip
# A short word before a full stop: a candidate abbreviation, checked against the lists above.
ABBR_WORD = re.compile(r"(?:[A-Z][A-Za-z]{0,5}|vs)\Z")
ABBR_LONGEST = 6  # letters
INITIAL_NEXT = re.compile(r"[A-Z]\.|\s+[A-Za-z]|[,;)’”\"'-]")
QUOTE_CHAR = re.compile("[“”‘’\"']")
TOKEN = re.compile(r"[^\W_]+")
BREAK = re.compile(rf"([.!?{MASK}])\s+(\S)")
NON_ALNUM = re.compile(r"[^\w]|_")
AUX_RE = re.compile(AUX)
ADVERBIAL = re.compile(
    r"^(?:(?:on\s+|last\s+|this\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?:\s+(?:morning|afternoon|evening|night))?|today|tonight|yesterday|recently|later|earlier|"
    r"this\s+week|last\s+(?:week|month|year)|(?:in|at|on|during|after|before|via)\s+(?:a|an|the|"
    r"his|her|their|its)\s+[\w-]+(?:\s+[\w-]+)?)\b[\s,]*",
    re.I,
)
NAME_WORD_RE = r"(?:[A-Z][\w’'-]*|[A-Z][a-z]*\x01)"
NAME_NP = re.compile(rf"^{NAME_WORD_RE}(?:\s+{NAME_WORD_RE}){{0,4}}$")
CAPITALISED = re.compile(r"\b[A-Z][a-z]")
ROLE_NOUNS = {
    "sen": "senator", "gov": "governor", "rep": "representative", "congressman": "representative",
    "congresswoman": "representative", "pres": "president", "secretary": "secretary",
    "gen": "general", "spokeswoman": "spokesman", "spokesperson": "spokesman",
    "mayor": "mayor", "nominee": "candidate", "candidate": "candidate",
}  # fmt: skip
ROLE_NP = re.compile(
    r"^the\s+(?:[\w-]+\s+){0,3}?(?P<role>senator|governor|congressman|congresswoman|"
    r"representative|president|secretary|mayor|spokesman|spokeswoman|general|nominee|candidate|"
    r"chairman|chairwoman|speaker|leader|ambassador|director|judge|attorney)$",
    re.I,
)
RELATIVE_END = re.compile(r",?\s*\b(?:who|which)$")
RELATIVE = re.compile(r",\s*(?:who|which|whose)\b")
# An appositive ("X, a Sanders superdelegate from …, said") that names someone else.
APPOSITIVE = re.compile(r"^\s*(?:a|an|the|his|her|their|its|one|another|who|whose|\d+)\b", re.I)
CLAUSE_WORD = re.compile(r"\b(?:that|and|but|as|while|when|where|after|before|because|if)\s")
NOT_SUBJECT = re.compile(r"^\s*(?:and|but|or|to|in|of|for|by|with|as)\b")
_NP = rf"[^,.;:!?{MASK}]"
A_NP_VERB = re.compile(rf"^[\s,;—–-]*(?P<np>(?=\S){_NP}{{1,80}}?)\s+(?:\w+ly\s+)?(?:{FINITE})\b")
A_NP_APPOSITIVE_VERB = re.compile(
    rf"^[\s,;—–-]*(?P<np>(?=\S){_NP}{{1,80}}?),(?P<app>{_NP}{{1,200}}),\s*(?:\w+ly\s+)?(?:{FINITE})\b"
)
# "said X" (after "told", X is who was told).
A_VERB_NP = re.compile(
    rf"^[\s,;—–-]*(?:\w+ly\s+)?(?!told\b|tells?\b)(?:{FINITE})\s+(?P<np>{_NP}{{1,80}})"
)
# "‘…,’ Dawson shouted" / "…,” agrees Michelle Stevens": any verb, with a name or he/she.
A_NAME_ANY_VERB = re.compile(
    rf"^[\s,;—–-]*(?P<np>he|she|(?:the\s+)?{NAME_WORD_RE}(?:\s+{NAME_WORD_RE}){{0,3}})"
    rf"\s+(?:\w+ly\s+)?(?P<verb>[a-z]{{3,}}(?:ed|es|s))\b(?=[\s,.;:!?]|$)"
)
A_ANY_VERB_NAME = re.compile(
    rf"^[\s,;—–-]*(?P<verb>[a-z]{{3,}}(?:ed|es|s))\s+"
    rf"(?P<np>{NAME_WORD_RE}(?:\s+{NAME_WORD_RE}){{0,3}})\s*(?:[,.;:!?]|$)"
)
NOT_SPEECH = {
    "was", "has", "does", "goes", "is", "this", "his", "hers", "its", "yes", "less", "unless",
    "plus", "thus", "news", "wants", "needs", "seems", "means", "gets", "makes", "takes",
    "comes", "used", "based", "need", "released", "signed", "published", "printed", "painted",
    "named", "titled", "dubbed", "headlined", "captioned", "launched", "opened", "closed",
}  # fmt: skip
A_ACCORDING = re.compile(rf"^[\s,;—–-]*according to (?P<np>{_NP}{{1,80}})")
A_DASH = re.compile(
    rf"^\s*[―—–]{{1,2}}\s*(?P<np>{NAME_WORD_RE}(?:\s+{NAME_WORD_RE}){{0,4}})\s*(?:[,.]|$)"
)
A_END_NP_VERB = re.compile(
    rf"[,{MASK}]\s*(?P<np>{_NP}{{1,80}}?)\s+(?:\w+ly\s+)?(?:{FINITE})\b{_NP}{{0,40}}[.!?]?\s*$"
)
A_END_VERB_NP = re.compile(
    rf",\s*(?:\w+ly\s+)?(?!told\b|tells?\b)(?:{FINITE})\s+(?P<np>{_NP}{{1,80}})"
)
A_END_ACCORDING = re.compile(rf",\s*according to (?P<np>{_NP}{{1,80}})[.!?]?\s*$")
NEXT_NP_VERB = re.compile(
    rf"^\s*(?P<np>{_NP}{{1,60}}?)\s+(?:\w+ly\s+)?(?:{FINITE})\b(?={_NP}{{0,150}}(?:[.!?,]|$))"
)
# "The star then recalled an incident …": a new statement, not an attribution.
NARRATIVE_OBJECT = re.compile(r"\s+(?:that|how|why|what|whether|an?|the|his|her|their|its)\b")
NEXT_VERB_NP = re.compile(
    rf"^\s*(?:{FINITE})\s+(?P<np>{NAME_WORD_RE}(?:\s+{NAME_WORD_RE}){{0,4}})\s*(?:[.,]|$)"
)
PHRASE = re.compile(rf"{_NP}{{1,80}}")
PRONOUN_WORD = re.compile(r"\b(?:[Hh]e|[Ss]he)\b")
DETERMINED = re.compile(r"\s*(?:the|a|an|one)\s")
APPOSED = re.compile(rf",\s*(?P<np>{_NP}{{1,60}})(?:,|[.!?]?\s*$)")
PRONOUN_SUBJECT = re.compile(
    r"^\W*(?:(?:but|and|so|then|still|yet|now|later|instead)\s+)?(?P<pronoun>he|she)\s+"
    r"(?!(?:said|says|told|and)\b)[a-z]",
    re.I,
)
PREPOSITIONS = {
    "of", "to", "for", "by", "with", "from", "about", "against", "on", "at", "in", "into",
    "than", "like", "as", "between", "among", "over", "under", "toward", "towards", "and", "or",
    "whom", "versus", "vs", "including", "called", "named", "told", "asked", "that",
}  # fmt: skip
POSSESSIVE_NP = re.compile(r"[\w’'.-]+(?:\s+[\w’'.-]+)?[’']s?\s+[a-z][\w-]*")
REPORTING = re.compile(rf"\b(?:{FINITE})\b")
# A label worth keeping starts like a noun phrase: "the Kremlin", "a senior source", "No 10".
GOOD_LABEL = re.compile(
    r"^(?:(?:the|a|an|one|two|three|several|some|many|another|his|her|their|its)\b|[A-Z]|\d+\s+[a-z]"
    r"|(?:[a-z][\w-]*\s+){1,4}[A-Z][\w’'-]+(?:\s+[A-Z][\w’'.\x01-]*)*$)"
)
# First words of a clause that is not a speaker: "Despite what he (wrote)", "Will the self-".
NOT_LABEL_START = {
    "despite", "will", "would", "could", "should", "can", "may", "might", "did", "does", "do",
    "is", "are", "was", "were", "has", "have", "had", "in", "on", "at", "for", "with", "from",
    "during", "under", "over", "without", "after", "before", "since", "while", "when", "if",
    "although", "though", "because", "unlike", "like", "once", "until", "what", "how", "why",
}  # fmt: skip
# Words after which a person is the object of a clause, not its subject.
NOT_BEFORE_SUBJECT = {"whether", "that", "if", "whom", "than"}
# "(R-Tex.)", "(D)": party tags after a name, blanked out (offsets kept).
PARTY = re.compile(r"\((?:[DRI]|[DRI]-[A-Za-z. \x01]{1,14})\)")
COMMON_WORDS = {"will", "mark", "rich", "grant", "faith", "hope", "joy", "may", "bill", "rose"}
SUBORDINATORS = {
    "after", "when", "while", "as", "before", "if", "although", "though", "because", "since",
    "until", "once", "whether", "where", "unless", "whereas", "which", "who", "that",
}  # fmt: skip


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
    if "''" not in text and "``" not in text:
        return text
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
    for m in QUOTE_CHAR.finditer(text):  # only the marks change the state
        i, ch = m.start(), m.group()
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
    """``text`` with each quotation, marks included, replaced by ``MASK`` characters."""
    if not spans:
        return text
    pieces, pos = [], 0
    for start, end, _kind, closed in spans:
        lo = max(pos, start - 1)
        hi = min(len(text), end + (1 if closed else 0))
        if hi > lo:
            pieces.append(text[pos:lo])
            pieces.append(MASK * (hi - lo))
            pos = hi
    pieces.append(text[pos:])
    return "".join(pieces)


def _hide_abbreviation_dots(masked: str) -> str:
    """Abbreviation full stops (Mr., Sen., U.S., Mich.,) become ``DOT``, keeping offsets.

    A candidate is a full stop right after a whole word of one to six ASCII letters, the
    first upper case, or "vs" (``ABBR_WORD``). The stops are found with ``str.find`` and
    the word before each is read backwards: a regular expression tried at every offset
    of the paragraph cost three times as much."""
    at = masked.find(".")
    if at < 0:
        return masked
    pieces, pos = [], 0
    while at >= 0:
        start = at
        while start > 0 and at - start <= ABBR_LONGEST and _is_word_char(masked[start - 1]):
            start -= 1
        # at most ABBR_LONGEST characters back, the walk stopped at the word's start
        if (
            0 < at - start <= ABBR_LONGEST
            and ABBR_WORD.match(masked, start, at)
            and _abbreviation(masked, start, at)
        ):
            pieces.append(masked[pos:at])
            pieces.append(DOT)
            pos = at + 1
        at = masked.find(".", at + 1)
    if not pieces:
        return masked
    pieces.append(masked[pos:])
    return "".join(pieces)


def _is_word_char(ch: str) -> bool:
    """What ``\\w`` matches in a pattern on ``str``."""
    return ch.isalnum() or ch == "_"


def _abbreviation(text: str, start: int, stop: int) -> bool:
    """Whether the full stop at ``stop`` after the word ``text[start:stop]`` ends an
    abbreviation rather than a sentence."""
    word, end = text[start:stop], stop + 1
    nxt = text[end : end + 1]
    if word in TITLE_ABBR:
        return nxt != "" and (nxt in ",;)’”\"'-" or nxt.isspace())
    if word in STATE_ABBR:
        return nxt in (",", ")")
    if len(word) == 1:
        return bool(INITIAL_NEXT.match(text, end))
    return False


def _sentences(masked: str, spans, text: str) -> list[tuple[int, int]]:
    """Sentence boundaries in a masked paragraph (quotations count as words). Linear time."""
    bounds = [0]
    n = len(masked)
    for m in BREAK.finditer(masked):
        i, ch, head = m.start(), m.group(1), m.group(2)
        if not (head.isupper() or head == MASK):
            continue
        if ch != MASK:
            if not ABBREV.search(masked, max(0, i - 12), i):
                bounds.append(i + 1)
        else:
            # a quotation that ends its sentence: ‘… it plays out.’ Some troops …
            inner = text[max(0, i - 6) : i].rstrip("’”\"' ")
            if inner.endswith((".", "!", "?", "…")):
                bounds.append(i + 1)
    bounds.append(n)
    return [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1) if bounds[k] < bounds[k + 1]]


class _Context:
    """What the attribution rules know while walking through the story."""

    def __init__(self, people: list[PersonMention]):
        self.forms = surface_forms(people)
        # A given name used alone ("Hillary shot back") when one person of the story has it.
        given: dict[str, set[str]] = {}
        for person in people:
            words = person.name.split()
            if len(words) > 1 and len(words[0]) > 2 and words[0][0].isupper():
                given.setdefault(_fold(words[0].lower()).strip(), set()).add(person.name)
        for word, names in given.items():
            if len(names) == 1 and word not in self.forms and word not in COMMON_WORDS:
                self.forms[word] = next(iter(names))
        # Forms are matched word by word: the first word, then up to the longest form.
        self.first_words = {k.split()[0] for k in self.forms if k}
        self.max_words = max((len(k.split()) for k in self.forms if k), default=0)
        self.last_person: str | None = None
        self.last_he: str | None = None  # the last person who may be "he"
        self.last_she: str | None = None  # the last person who may be "she"
        self.gender = {person.name: _gender(person) for person in people}
        self.last_thing: str | None = None
        # Role words of each person ("senator" for "Sen. Ted Cruz"), for "the senator said".
        self.roles: dict[str, set[str]] = {}
        for person in people:
            words = set()
            for role in person.roles:
                for word in re.findall(r"[a-z]+", role.lower()):
                    words.add(ROLE_NOUNS.get(word, word))
            if words:
                self.roles[person.name] = words
        self.seen: dict[str, int] = {}  # person name -> order of their latest mention
        self.clock = 0

    def set_last(self, name: str) -> None:
        """``name`` is now the antecedent for he/she (as their gender allows)."""
        self.last_person = name
        gender = self.gender.get(name)
        if gender != "f":
            self.last_he = name
        if gender != "m":
            self.last_she = name

    def pronoun(self, word: str) -> str | None:
        """The person "he" or "she" stands for: the last one named who can be that, never
        one the story shows to be of the other gender (a title, a given name, or the other
        pronoun taken for them before); None when nobody fits, and the quotation keeps the
        pronoun as its label. A person of unknown gender taken for "he" is "he" from then
        on (and no longer "she"), and the other way round."""
        if word in ("he", "him"):
            person, gender = self.last_he, "m"
        elif word in ("she", "her"):
            person, gender = self.last_she, "f"
        else:
            return self.last_person
        if person in self.gender and self.gender[person] is None:
            self.gender[person] = gender
            if gender == "m" and self.last_she == person:
                self.last_she = None
            elif gender == "f" and self.last_he == person:
                self.last_he = None
        return person

    def mention(self, name: str) -> None:
        self.clock += 1
        self.seen[name] = self.clock

    def persons_in(self, phrase: str) -> list[tuple[int, str, bool]]:
        """(offset, person name, possessive) for each person named in ``phrase``."""
        if not self.max_words:
            return []
        folded = phrase.lower()
        found = []
        resume = 0
        for start in self._starts(folded):
            if start < resume:
                continue  # inside the name just found
            m = TOKEN.match(folded, start)
            words, ends, pos = [m.group()], [m.end()], m.end()
            while len(words) < self.max_words:
                nxt = TOKEN.search(folded, pos)
                if not nxt:
                    break
                words.append(nxt.group())
                ends.append(nxt.end())
                pos = nxt.end()
            for size in range(len(words), 0, -1):
                name = self.forms.get(" ".join(words[:size]))
                if name:
                    end = resume = ends[size - 1]
                    tail = folded[end : end + 2]
                    possessive = tail in ("'s", "’s") or tail[:1] in ("'", "’")
                    found.append((start, name, possessive))
                    break
        return found

    def _starts(self, folded: str) -> list[int]:
        """Offsets where a first word of a name stands as a whole word (``str.find`` scans)."""
        starts = []
        n = len(folded)
        for word in self.first_words:
            at = folded.find(word)
            while at >= 0:
                end = at + len(word)
                if (at == 0 or not folded[at - 1].isalnum()) and (
                    end == n or not folded[end].isalnum()
                ):
                    starts.append(at)
                at = folded.find(word, end)
        starts.sort()
        return starts

    def by_role(self, noun: str) -> str | None:
        """The person last mentioned who holds the role ``noun`` ("senator", "governor")."""
        noun = ROLE_NOUNS.get(noun, noun)
        holders = [name for name, words in self.roles.items() if noun in words]
        if not holders:
            return None
        return max(holders, key=lambda name: self.seen.get(name, 0))


def _gender(person: PersonMention) -> str | None:
    """ "f", "m" or None (not known) from a person's titles or given name; titles of both
    kinds (a "Mr." given to a woman of the same surname) say nothing."""
    words = {word for role in person.roles for word in name_key(role).split()}
    female, male = bool(words & FEMALE_TITLES), bool(words & MALE_TITLES)
    if female != male:
        return "f" if female else "m"
    given = name_key(person.name.split()[0]) if person.name.split() else ""
    if given in FEMALE_GIVEN_NAMES:
        return "f"
    if given in GIVEN_NAMES and given not in UNISEX_GIVEN_NAMES and " " in person.name:
        return "m"
    return None


def _fold(text: str) -> str:
    """Lower-case letters kept at their offsets, everything else a space (for name matching)."""
    return NON_ALNUM.sub(" ", text)


def _clean_np(np: str) -> str:
    np = np.strip(" ,;:—–-\t" + MASK)
    np = LEADING.sub("", np).strip()
    np = ADVERBIAL.sub("", np).strip(" ,")
    np = AUX_RE.sub("", np).strip(" ,")
    return np


def _label(np: str) -> str:
    return np.replace(DOT, ".")


def _resolve(np: str, ctx: _Context) -> tuple[str | None, str]:
    """(person name or None, label) for a speaker phrase."""
    np = _clean_np(np)
    if not np or MASK in np:
        return None, ""
    low = np.lower()
    if low in PRONOUNS:
        if PRONOUNS[low] == "person":
            person = ctx.pronoun(low)
            return (person, person) if person else (None, np)
        if PRONOUNS[low] == "thing":
            return None, ctx.last_thing or np
        return None, np
    if len(np.split()) > 12 or low.split()[0] in SUBORDINATE:
        return None, ""
    persons = [p for p in ctx.persons_in(np) if not p[2]]
    if persons and not INDEFINITE.match(np):
        return persons[0][1], persons[0][1]
    role = ROLE_NP.match(np)
    if role and not persons:
        holder = ctx.by_role(role.group("role").lower())
        if holder:
            return holder, holder
    label = _label(np)
    first = low.split()[0]
    if first in NOT_LABEL_START or (first.endswith("ing") and first not in ("king",)):
        return None, ""  # "Despite what he", "Speaking to MSNBC’s Morning Joe"
    return (None, label) if GOOD_LABEL.match(label) else (None, "")


def _subject_before(prefix: str, ctx: _Context) -> str:
    """The subject phrase that ends ``prefix`` (the text right before a reporting verb)."""
    prefix = AUX_RE.sub("", prefix.rstrip()).rstrip()
    # "…, who said": the subject is the last person before the relative pronoun.
    rel = RELATIVE_END.search(prefix)
    if rel:
        head = prefix[: rel.start()]
        persons = ctx.persons_in(head)
        if persons:
            return head[persons[-1][0] :]
        prefix = head
    # "Macron, who is due to …, said": the subject is what comes before the relative clause.
    rel = RELATIVE.search(prefix)
    if rel:
        inner = prefix[rel.end() :]
        persons = [p for p in ctx.persons_in(inner) if not p[2]]
        if persons and not inner[: persons[0][0]].strip():
            return inner  # "Bannon, who Beck on Wednesday called": Beck
        prefix = prefix[: rel.start()]
    # "X, the EU's chief, said": drop an appositive unless it is the name itself.
    while prefix.endswith(","):
        body = prefix[:-1]
        cut = max(body.rfind(","), body.rfind(MASK))
        segment = body[cut + 1 :]
        if cut < 0 or (
            any(not p[2] for p in ctx.persons_in(segment)) and not APPOSITIVE.match(segment)
        ):
            prefix = segment
            break
        prefix = body[:cut].rstrip()
        if not prefix:
            break
    cut = max(prefix.rfind(c) for c in (",", ";", ":", "—", "–", MASK, "("))
    tail = prefix[cut + 1 :]
    found = list(CLAUSE_WORD.finditer(tail))
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


def _name_like(np: str) -> bool:
    return bool(NAME_NP.match(_clean_np(np)))


def _after(after: str, ctx: _Context):
    """Rule A: an attribution right after the quotation, or at the end of its sentence."""
    for rule in AFTER_RULES:
        who = rule(after, ctx)
        if who and (who[0] or who[1]):
            return who
    return None


def _a_np_verb(after, ctx):
    m = A_NP_VERB.match(after)
    if m and len(m.group("np").split()) <= 8 and not NOT_SUBJECT.match(m.group("np")):
        return _resolve(m.group("np"), ctx)
    m = A_NP_APPOSITIVE_VERB.match(after)
    if m:
        # "…,” Ms. Merkel's spokesman, Steffen Seibert, wrote: the name in apposition.
        named = [p for p in ctx.persons_in(m.group("np")) if not p[2]]
        if not named and len(m.group("app").split()) <= 5:
            persons = [p for p in ctx.persons_in(m.group("app")) if not p[2]]
            if persons and not APPOSITIVE.match(m.group("app")):
                return persons[0][1], persons[0][1]
        if len(m.group("np").split()) <= 5 and _name_like(m.group("np")):
            return _resolve(m.group("np"), ctx)
    return None


def _a_verb_np(after, ctx):
    m = A_VERB_NP.match(after)
    if m:
        return _resolve_apposed(after, m, ctx)
    return None


def _a_any_verb(after, ctx):
    m = A_NAME_ANY_VERB.match(after)
    if m and m.group("verb") not in NOT_SPEECH:
        return _resolve(m.group("np"), ctx)
    m = A_ANY_VERB_NAME.match(after)
    if m and m.group("verb") not in NOT_SPEECH and ctx.persons_in(m.group("np")):
        return _resolve(m.group("np"), ctx)
    return None


def _a_according_or_dash(after, ctx):
    m = A_ACCORDING.match(after) or A_DASH.match(after)
    return _resolve(m.group("np"), ctx) if m else None


def _a_sentence_end(after, ctx):
    m = A_END_NP_VERB.search(after)
    if m and len(m.group("np").split()) <= 8:
        who = _resolve(m.group("np"), ctx)
        if who[0] or who[1]:
            return who
    m = A_END_VERB_NP.search(after)
    if m:
        who = _resolve_apposed(after, m, ctx)
        if who[0] or who[1]:
            return who
    m = A_END_ACCORDING.search(after)
    return _resolve(m.group("np"), ctx) if m else None


AFTER_RULES = (_a_np_verb, _a_verb_np, _a_any_verb, _a_according_or_dash, _a_sentence_end)


def _resolve_apposed(after: str, m: re.Match, ctx: _Context):
    """``said X``: X when it names someone (``said Sen. Brian Schatz``), else the name in
    apposition (``said the bureau's director, James B. Comey, on Monday``), else X as a label
    (``said a senior official``)."""
    np = m.group("np")
    named = np[0].isupper() or _has_name(np, ctx)
    who = _resolve(np, ctx) if named else (None, "")
    if not who[0]:
        nxt = APPOSED.match(after, m.end())
        if nxt and ctx.persons_in(nxt.group("np")):
            person = _resolve(nxt.group("np"), ctx)
            if person[0]:
                return person
    if not named and DETERMINED.match(np):
        return _resolve(np, ctx)  # "said a senior Government source"
    return who


def _after_next(sentence: str, ctx: _Context):
    """Rule A across a sentence break: ``“… OK?” Trump said.`` (the mark ended the sentence)."""
    m = NEXT_NP_VERB.match(sentence)
    if (
        m
        and len(m.group("np").split()) <= 6
        and not NOT_SUBJECT.match(m.group("np"))
        and not NARRATIVE_OBJECT.match(sentence, m.end())
    ):
        return _resolve(m.group("np"), ctx)
    m = NEXT_VERB_NP.match(sentence)
    if m and (m.group("np")[0].isupper() or _has_name(m.group("np"), ctx)):
        return _resolve(m.group("np"), ctx)
    return None


def _has_name(np: str, ctx: _Context) -> bool:
    return bool(ctx.persons_in(np)) or bool(CAPITALISED.search(np))


def _before(before: str, sentence: str, ctx: _Context):
    """Rule B: the subject of the first reporting verb before the quotation."""
    participle = None
    for m in VERB_RE.finditer(before):
        if m.group("acc"):
            np = PHRASE.match(before, m.end())
            if np:
                return _resolve(np.group(0), ctx)
            continue
        if m.group("part"):
            participle = participle or m
            continue
        who = _resolve(_subject_before(before[: m.start()], ctx), ctx)
        if not (who[0] or who[1]):
            # "Ramil Carr, 31, a photographer, said": no phrase worth keeping before the
            # verb, so the person who is the clause's subject.
            subject = _subject(before[: m.start()], ctx)
            if subject and subject[0]:
                return subject
        if who[0] or who[1]:
            return who
    if participle is not None:
        persons = [p for p in ctx.persons_in(before[: participle.start()]) if not p[2]]
        if persons:
            return persons[0][1], persons[0][1]
        return _resolve(_subject_before(before[: participle.start()].split(",")[0], ctx), ctx)
    return None


def _subject(before: str, ctx: _Context):
    """Rule E: the person (or he/she) who is the subject of the quotation's sentence.

    ``In an August speech, Trump attacked “the hateful ideology …”``: the first person named
    near the start of the sentence or of a clause after a comma, not after a preposition.
    A possessive (``Rubio’s campaign``) is kept as a label.
    """
    m = PRONOUN_SUBJECT.match(before)
    if m:
        return _resolve(m.group("pronoun"), ctx)
    found = None
    for offset, name, possessive in ctx.persons_in(before):
        lead = before[:offset]
        clause = lead[max(lead.rfind(","), lead.rfind(MASK), lead.rfind(";")) + 1 :]
        words = clause.split()
        last = words[-1].lower() if words else ""
        if len(words) > 4 or last in PREPOSITIONS or last in NOT_BEFORE_SUBJECT:
            continue
        if last.endswith("ed") or REPORTING.fullmatch(last):
            continue  # "thanked Obama for “…”": the object
        if words and words[0].lower() in SUBORDINATORS and before.find(",", offset) >= 0:
            continue  # "After Gov. Jerry Brown criticized him, Hillary shot back, “…”"
        if possessive:
            owner = POSSESSIVE_NP.match(before, offset)
            found = (None, _label(owner.group(0))) if owner else found
        else:
            found = (name, name)
    if found:
        # The subject nearest the quotation: "Christie refers to him as …, while Trump
        # refers to the governor as “Chris.”"
        return found
    if before.rstrip().endswith(":"):
        # "More from Blumenthal and Cohen: “…”"
        persons = [p for p in ctx.persons_in(before) if not p[2]]
        if persons:
            return persons[-1][1], persons[-1][1]
    return None


def _events(masked: str, sentences, ctx: _Context):
    """Sentence-initial people (antecedents for he/she) and every person named, by offset."""
    persons = ctx.persons_in(masked)
    mentions = [(offset, name) for offset, name, _possessive in persons]
    starts = []
    k = -1
    for offset, name, possessive in persons:
        if possessive:
            continue
        current = bisect.bisect_right(sentences, (offset, len(masked) + 1)) - 1
        if current == k:
            continue  # only the first person of a sentence
        k = current
        s0 = sentences[k][0] if k >= 0 else 0
        if len(masked[s0:offset].split()) <= 8:
            starts.append((offset, name))
    return starts, mentions


@dataclass
class _Spot:
    """A quotation where it stands, as the speaker rules read it: its paragraph (masked),
    its sentence (``k``, from ``masked[s0:s1]``), the text before and after it in that
    sentence (``WINDOW`` characters at most), and what the paragraphs before it left."""

    ctx: _Context
    masked: str
    sentences: list[tuple[int, int]]
    k: int
    start: int
    closed: bool
    before: str
    after: str
    sentence: str
    last_in_paragraph: QuoteRef | None  # the paragraph's quotation before this one
    para_subject: str | None  # the last sentence-initial person of the paragraph so far
    prev_text: str  # the previous paragraph
    prev_last: QuoteRef | None  # its last quotation
    prev_masked: str  # it, masked
    prev_tail: str  # its last sentence
    prev_subject: str | None  # its last sentence-initial person


def _rule_after(spot: _Spot):
    """A: an attribution after the quotation in its sentence."""
    return _after(spot.after, spot.ctx) if spot.after.strip(" \t") else None


def _rule_after_next(spot: _Spot):
    """A, when the mark ended the sentence: the next sentence if it is the attribution."""
    if spot.closed and not spot.after.strip() and spot.k + 1 < len(spot.sentences):
        n0, n1 = spot.sentences[spot.k + 1]
        return _after_next(spot.masked[n0 : min(n1, n0 + WINDOW)], spot.ctx)
    return None


def _rule_before(spot: _Spot):
    """B: the subject of the first reporting verb before it in its sentence."""
    return _before(spot.before, spot.sentence, spot.ctx)


def _rule_colon(spot: _Spot):
    """C: a paragraph opening with it after one ending with a colon: that sentence's
    reporting verb, or its subject."""
    if spot.start == 1 and spot.prev_text.rstrip().endswith(":"):
        prev_text = spot.prev_text
        pm = _hide_abbreviation_dots(_mask(prev_text, scan(prev_text)))
        psent = _sentences(pm, None, prev_text)
        if psent:
            tail = pm[psent[-1][0] :][-WINDOW:]
            return _before(tail.rstrip(":") + " ", tail, spot.ctx) or _subject(tail, spot.ctx)
    return None


def _rule_subject(spot: _Spot):
    """E: the subject of its sentence, when no verb of speech is there."""
    return _subject(spot.before, spot.ctx) if spot.before.strip() else None


def _rule_same_paragraph(spot: _Spot):
    """D: the speaker of the paragraph's quotation before it."""
    last = spot.last_in_paragraph
    return (last.speaker, last.speaker_label) if last is not None else None


def _rule_sentence_before(spot: _Spot):
    """F: a quotation opening a sentence (not the paragraph) with nothing before it."""
    if spot.start > 1 and not spot.before.strip() and spot.k > 0:
        # "Or maybe Jeb Bush, consultant Phil Musser says. “Several surveys …”": the
        # subject of the sentence before goes on speaking; else the person this
        # paragraph reported ("Sami recalled how … trees. “And I was like, …”").
        p0, p1 = spot.sentences[spot.k - 1]
        who = _before(spot.masked[max(p0, p1 - WINDOW) : p1], "", spot.ctx)
        if not who and spot.para_subject and REPORTING.search(spot.masked, 0, spot.start):
            who = (spot.para_subject, spot.para_subject)
        return who
    return None


def _rule_paragraph_before(spot: _Spot):
    """F: a paragraph that opens with a quotation and names nobody: the speaker of the
    paragraph before goes on, or the person that paragraph reported."""
    if spot.start == 1 and not spot.before.strip():
        last = spot.prev_last
        if last is not None and _found((last.speaker, last.speaker_label)):
            return last.speaker, last.speaker_label
        if REPORTING.search(spot.prev_masked):
            who = _before(spot.prev_tail, "", spot.ctx)
            if not _found(who) and spot.prev_subject:
                who = (spot.prev_subject, spot.prev_subject)
            return who
    return None


# The speaker rules in order of preference (see the module's docstring): the first that
# finds a person or a label gives the quotation's speaker.
SPEAKER_RULES = (
    _rule_after,
    _rule_after_next,
    _rule_before,
    _rule_colon,
    _rule_subject,
    _rule_same_paragraph,
    _rule_sentence_before,
    _rule_paragraph_before,
)


def _speaker(spot: _Spot):
    """(person name or None, label) of the first rule that finds either, else None."""
    for rule in SPEAKER_RULES:
        who = rule(spot)
        if _found(who):
            return who
    return None


def find_quotes(paragraphs: list[str], people: list[PersonMention] | None = None) -> list[QuoteRef]:
    """Quotations in ``paragraphs`` with their speakers (see the module's rules)."""
    ctx = _Context(people or [])
    quotes: list[QuoteRef] = []
    carry: QuoteRef | None = None  # a quotation open at the end of the previous paragraph
    prev_text = ""
    prev_last: QuoteRef | None = None  # the last quotation of the previous paragraph
    prev_subject: str | None = None  # the last sentence-initial person of the previous one
    prev_masked = ""  # the previous paragraph, masked
    prev_tail = ""  # the last sentence of the previous paragraph
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
        masked = _hide_abbreviation_dots(_mask(text, spans))
        if "(" in masked:
            masked = PARTY.sub(lambda m: " " * len(m.group(0)), masked)
        if masked_from:
            masked = MASK * masked_from + masked[masked_from:]
        sentences = _sentences(masked, spans, text)
        sentence_starts = [a for a, _b in sentences]
        starts, mentions = _events(masked, sentences, ctx)
        e_start = e_mention = 0
        last_in_paragraph = None
        para_subject = None
        for start, end, _kind, closed in spans:
            k = max(0, bisect.bisect_right(sentence_starts, start - 1) - 1)
            s0, s1 = sentences[k] if sentences else (0, len(text))
            # Antecedents for he/she: people named before the pronoun of this sentence, if
            # it has one before the quotation ("She says Trump represents “…”": not Trump).
            pronoun = PRONOUN_WORD.search(masked, s0, max(s0, start - 1))
            limit = pronoun.start() if pronoun else start
            while e_start < len(starts) and starts[e_start][0] < limit:
                para_subject = starts[e_start][1]
                ctx.set_last(para_subject)
                e_start += 1
            while e_mention < len(mentions) and mentions[e_mention][0] < start:
                ctx.mention(mentions[e_mention][1])
                e_mention += 1
            spot = _Spot(
                ctx=ctx,
                masked=masked,
                sentences=sentences,
                k=k,
                start=start,
                closed=closed,
                before=masked[max(s0, start - 1 - WINDOW) : max(s0, start - 1)],
                after=masked[min(end + 1, s1) : min(s1, end + 1 + WINDOW)] if closed else "",
                sentence=masked[s0:s1],
                last_in_paragraph=last_in_paragraph,
                para_subject=para_subject,
                prev_text=prev_text,
                prev_last=prev_last,
                prev_masked=prev_masked,
                prev_tail=prev_tail,
                prev_subject=prev_subject,
            )
            speaker, label = _speaker(spot) or (None, "")
            words = original[start:end].strip()
            if not words:
                continue
            quote = QuoteRef(
                text=words,
                speaker=speaker,
                speaker_label=label or "",
                paragraph=index,
                is_fragment=len(words.split()) < FRAGMENT_WORDS,
                start=start,
                end=end,
            )
            quotes.append(quote)
            last_in_paragraph = quote
            if speaker:
                ctx.set_last(speaker)
                ctx.mention(speaker)
            elif label:
                ctx.last_thing = label
            if not closed:
                carry = quote
        last_span_end = spans[-1][1] if spans else -1
        for pos, name in starts[e_start:]:
            if pos > last_span_end:
                ctx.set_last(name)
        for _pos, name in mentions[e_mention:]:
            ctx.mention(name)
        prev_last = last_in_paragraph
        prev_subject = starts[-1][1] if starts else None
        prev_masked = masked
        prev_tail = masked[sentences[-1][0] :][-WINDOW:] if sentences else ""
        prev_text = text
    forms = {p.name: {w for f in [p.name, *p.aliases] for w in name_key(f).split()} for p in people}
    for quote in quotes:
        # A title in quotation marks ("President's Roadmap to Empower Veterans and End a
        # National Tragedy of Suicide") names a work, report or slogan: kept with its
        # speaker, shown like a fragment, not as anyone's words.
        quote.is_fragment = len(quote.text.split()) < FRAGMENT_WORDS or is_work_title(quote.text)
        if quote.speaker is not None and not _agrees(quote.speaker_label, forms.get(quote.speaker)):
            # A name that is none of the story's people (a surname two of them share), or a
            # label naming someone else: the label stays, the link goes.
            quote.speaker_label = quote.speaker_label or quote.speaker
            quote.speaker = None
    return quotes


TITLE_MIN_WORDS = 4  # capitalised words (small words aside) a quoted title has at least
SPEECH_WORDS = frozenset({"i", "i'm", "i’m", "we", "we're", "we’re", "you", "my", "our", "me"})


def is_work_title(text: str) -> bool:
    """A quotation that is the title of a work, show, report or slogan ("Crippled America:
    How to Make America Great Again", "The Late Show With Stephen Colbert"): every word
    capitalised but the small ones (of, the, and ...), at least ``TITLE_MIN_WORDS`` of them,
    no sentence end inside or at its end, and no word of speech (I, we, you: "Yes, I Support
    Ted Cruz" is someone's words)."""
    text = text.rstrip(",;:").strip()
    if SENTENCE_END.search(text) or re.search(r"[.!?]\s", text):
        return False
    words = [w for w in TITLE_WORD.findall(text) if w.lower() not in TITLE_SMALL]
    if len(words) < TITLE_MIN_WORDS or any(w.lower() in SPEECH_WORDS for w in words):
        return False
    return all(not w[0].islower() for w in words)


LABEL_NAME_WORD = re.compile(r"\b[A-Z][\w’'-]+")


def _agrees(label: str, words: set[str] | None) -> bool:
    """Whether a speaker label can name the person whose name words are ``words``: it has
    no name of its own ("he", "the senator") or shares a name word with theirs."""
    if words is None:
        return False
    named = {
        name_key(w)
        for w in LABEL_NAME_WORD.findall(label or "")
        if name_key(w) not in LABEL_NOT_NAMES
    }
    return not named or bool(named & words)


def _found(who) -> bool:
    return bool(who and (who[0] or who[1]))

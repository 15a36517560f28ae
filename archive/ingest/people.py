"""People mentioned in a story: names found, honorifics and roles stripped, variants grouped.

How a capitalised run of words becomes a person:

1. Leading sentence words ("During", "But"), honorifics (Mr, Sen.), role words
   (President, Foreign Minister), nationality words (French, US) and places (Kyiv) are
   stripped; a stripped honorific or role is evidence of a person.
2. A run containing an organisation or place word (News, Street, Palace, Republic,
   Sea ...) is not a person.
3. A name of two to four words is a person when there is evidence: a known given name
   first, a stripped honorific or role, a speech verb right after ("X said"), the
   surname used alone elsewhere in the story, or the archive already knowing the name.
4. A single word is a person when an honorific or role stands before it ("Mr Putin",
   "President Macron"), when it is the surname (or a close variant) of a full name in the
   story, when a speech verb follows it ("Peskov said"), or when the archive knows it.
5. Forms of one person are grouped: the same surname with a similar given name
   (Antony / Anthony), the same given name with a surname one or two letters off
   (Macon / Macron, Zelensky / Zelenskyy), surname-only forms. The group is named by the
   fullest form used most often.

How names are compared (keys, close spellings, the names the archive knows) is in
``namekeys``. The rest stays one module: the candidate runs, their evidence and the
grouping of a story's forms are one procedure whose steps read the same patterns and word
tests (``_word``, ``_is_given``, ``RUN``).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from .namekeys import (
    SUFFIXES,
    KnownNames,
    middles_differ,
    name_key,
    name_parts,
    name_restart,
    plural_key,
    same_person,
    similar_surname,
)
from .names import (
    DEMONYMS,
    FEMALE_GIVEN_NAMES,
    FEMALE_TITLES,
    GIVEN_NAMES,
    HONORIFICS,
    MALE_TITLES,
    ORG_WORDS,
    PLACES,
    ROLE_WORDS,
    STOP,
    UNISEX_GIVEN_NAMES,
)

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zà-öø-ÿ"
NAME_WORD = (
    r"(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Capt|Prof|Rev|St|Jr|Sr|Pres|Adm|Sgt)\.(?=\s)"
    rf"|[{_UP}][{_LOW}]?[{_UP}][{_LOW}]+"  # McCrory, DeMoro, LeBron: before the plain form
    rf"|[{_UP}][’'][{_UP}][{_LOW}]+"  # O’Donnell, D'Angelo
    rf"|[{_UP}][{_LOW}]+(?:-[{_UP}]?[{_LOW}]+|[’'][{_UP}][{_LOW}]+)*"
    rf"|(?:al|el|bin|ibn|abu|abd|ul|ud)-[{_UP}][{_LOW}]+"  # al-Assad
    rf"|[{_UP}]\.(?:[{_UP}]\.)*|[{_UP}]{{2,4}}\b)"
)
MIDDLE_INITIAL = rf"[{_UP}](?=\s+[{_UP}][{_LOW}])"  # "George W Bush", inside a run only
PARTICLE = r"(?:von der|van der|van den|de la|von|van|de|del|della|di|da|du|bin|ibn|al-|el-)"
RUN = re.compile(
    rf"(?<![\w’'-])(?:{NAME_WORD})(?:\s+(?:{PARTICLE}\s+)?(?:{NAME_WORD}|{MIDDLE_INITIAL}))*"
    rf"(?P<poss>[’']s?(?![\w]))?"
)
SPEECH_AFTER = re.compile(
    r"^(?:[’']s?\s*)?,?\s*(?:\([^)]*\)\s*)?(?:said|says|told|added|adds|tweeted|wrote|"
    r"asked|argued|insisted|warned|stated|declared|explained|noted|replied|claimed|"
    r"continued|has said|had said|also said|later said|who)\b"
)


SENTENCE_END_MARKS = ".!?:“‘\"'(—–-"  # a run after one of these (and spaces) starts a sentence
NOT_A_NAME = frozenset(PLACES | DEMONYMS | STOP)  # a run of these words only names nobody


@dataclass
class PersonMention:
    """A person as a story names them: fullest name, other forms used, how often."""

    name: str
    aliases: set[str] = field(default_factory=set)
    count: int = 0
    roles: set[str] = field(default_factory=set)

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


@functools.lru_cache(maxsize=65536)
def _word(token: str) -> str:
    """A token's key in the word lists: lower case, no final stop, straight apostrophe."""
    return token.lower().rstrip(".").replace("’", "'")


@dataclass
class _Candidate:
    words: list[str]
    start: int
    evidence: bool
    role: str
    sentence_start: bool
    end: int = 0  # offset just past the run in its text
    apposed: bool = False  # an apposition follows: the run is one name, whatever starts it


COMPOUND_ENDINGS = ("-based", "-born", "-led", "-backed", "-style", "-era", "-made", "-owned")
# What joins the names of a list ("Rafael Nadal, Novak Djokovic and Andy Murray").
LIST_JOIN = re.compile(r"^(?:,\s+(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)$")


def _listed_with_names(found: list[_Candidate], text: str) -> None:
    """A two- or three-word run listed right beside a full name with evidence is a name
    too: the given names the lists lack (Novak Djokovic) are found in such lists. The
    evidence runs both ways along a list ("A B, C D and E F" with E F known)."""
    while _listed_once(found, text):
        pass


def _listed_once(found: list[_Candidate], text: str) -> bool:
    changed = False
    for i, c in enumerate(found):
        if c.evidence or not 1 < len(c.words) <= 3:
            continue
        for j in (i - 1, i + 1):
            if not 0 <= j < len(found):
                continue
            other = found[j]
            if not (other.evidence and len(other.words) > 1):
                continue
            gap = text[other.end : c.start] if j < i else text[c.end : other.start]
            if LIST_JOIN.match(gap):
                c.evidence = changed = True
                break
    return changed


# A team line-up: a paragraph of player entries, each an initial (or two) and a surname
# ("G Thomas (capt); H Luscombe, T Shanklin, ... D Peel; G Jenkins"), separated by commas
# and semicolons. The entries are people, and so are the full names listed among them.
LINEUP_ENTRY = re.compile(
    rf"^(?:[{_UP}]{{1,2}}|[{_UP}]\.)\s+(?:(?:de|del|dal|da|di|van|von|le|la|lo)\s+)?"
    rf"[{_UP}][{_LOW}][\w’'-]*(?:\s+[{_UP}][{_LOW}][\w’'-]*)?$"
)
LINEUP_HEAD = re.compile(r"^[^:;,]{1,40}:\s+")  # the team's name before its players
LINEUP_NOTE = re.compile(r"\s*\([^)]*\)\s*$")  # "(capt)"
LINEUP_SPLIT = re.compile(r"[;,]")  # between entries
LINEUP_MIN = 5  # entries a paragraph needs to be a line-up
LINEUP_SHARE = 0.6  # of its entries that are an initial and a surname


def _lineup_entry(entry: str) -> bool:
    """An initial and a surname ("D Peel", "A Lo Cicero"), not "US Open", "UK Athletics"."""
    return (
        bool(LINEUP_ENTRY.match(entry))
        and not any(
            _word(w) in NOT_A_NAME or _word(w) in ORG_WORDS
            for w in entry.split()[1:]
            if _word(w) not in PARTICLE_WORDS
        )
        and _word(entry.split()[0]) not in ORG_WORDS
    )


def _lineup(text: str) -> list[_Candidate] | None:
    """The players of a line-up paragraph, or None when ``text`` is not one."""
    if text.count(",") + text.count(";") + 1 < LINEUP_MIN:
        return None  # fewer entries than a line-up has, whatever the head
    head = LINEUP_HEAD.match(text)
    body = text[head.end() :] if head else text  # "Wales: G Thomas (capt); ..."
    entries = [e.strip() for e in LINEUP_SPLIT.split(body.strip().rstrip("."))]
    entries = [LINEUP_NOTE.sub("", e) for e in entries if e]
    if len(entries) < LINEUP_MIN:
        return None
    initialled = [e for e in entries if _lineup_entry(e)]
    if len(initialled) < LINEUP_SHARE * len(entries):
        return None
    found, pos = [], head.end() if head else 0
    for entry in entries:
        start = text.find(entry, pos)
        pos = start + len(entry)
        words = entry.split()
        full = 1 < len(words) <= 3 and all(w[:1].isupper() and not w.isupper() for w in words)
        if _lineup_entry(entry) or (
            full and not any(_word(w) in NOT_A_NAME | ORG_WORDS for w in words)
        ):
            found.append(_Candidate(words, start, True, "", False, pos))
    return found


def _ends_affiliation(word: str) -> bool:
    """An organisation or place word, or an acronym (DJ, NFL), ending a name's role."""
    w = _word(word)
    return (
        w in ORG_WORDS
        or w in PLACES
        or (2 <= len(word) <= 4 and word.isupper() and w not in SUFFIXES)
    )


# A match result of sets ("defeated Taylor Fritz 7-6 (6), 6-3"): the players beside it.
SET_SCORE = r"\d{1,2}-\d{1,2}(?:\s*\(\d+\))?,\s*\d{1,2}-\d{1,2}"
SCORED = re.compile(rf"^\s+{SET_SCORE}")
BEAT = re.compile(
    r"^\s+(?:defeated|beat|edged|topped|downed|ousted|outlasted|overcame|upset|"
    r"cruised past|eased past|swept)\s+[^.;]{1,60}?\s" + SET_SCORE
)


CHARACTER_BEFORE = re.compile(r"\b(?:roles?|character|part)\s+(?:as|of)\s+$")


def _in_result(text: str, end: int) -> bool:
    """A name right before a score of sets, or the subject of a win with one."""
    after = text[end : end + 100]
    return bool(SCORED.match(after) or BEAT.match(after))


# The signature of an embedded post: "— Robert Maguire (@RobertMaguire_) November 18, 2019".
SIGNED = re.compile(rf"(?:^|[—–]\s*)((?:{NAME_WORD})(?:\s+(?:{NAME_WORD})){{1,2}})\s+\(@\w+\)")


def _signed(text: str) -> list[_Candidate]:
    """The author of an embedded post signed in a title-case line, when a given name
    opens the name (an account of an organisation is not a person)."""
    found = []
    for m in SIGNED.finditer(text):
        words = m.group(1).split()
        lowered = [_word(w) for w in words]
        if _is_given(words[0]) and not any(w in ORG_WORDS or w in STOP for w in lowered):
            found.append(_Candidate(words, m.start(1), True, "", False, m.end(1)))
    return found


@functools.lru_cache(maxsize=65536)
def _is_given(word: str) -> bool:
    w = _word(word).split("-")[0]
    return w in GIVEN_NAMES or w in FEMALE_GIVEN_NAMES


@functools.lru_cache(maxsize=65536)
def _is_title(word: str) -> bool:
    w = _word(word)
    return w in HONORIFICS or w in ROLE_WORDS


# Lower-case words that a title-case line capitalises and a sentence does not.
TITLE_SMALL = frozenset({"a", "an", "the", "and", "or", "nor", "but", "of", "in", "on", "at",
                         "to", "for", "by", "with", "from", "as", "vs", "via", "into", "over"})  # fmt: skip
TITLE_WORD = re.compile(rf"[{_UP}{_LOW}][\w’'-]*")
TITLE_CASE_SHARE = 0.75  # of a line's words (small words aside) capitalised: a title-case line
TITLE_CASE_MIN = 4  # words (small words aside) a line needs to be judged title case
TITLE_CASE_MAX = 30  # words: a longer line is a paragraph
TITLE_CASE_COMMON = 2  # capitalised common words that make a line title case
SENTENCE_END = re.compile(r"[.!?][’”\"')]*\s*$")


def is_title_case(text: str, vocabulary: frozenset[str] | set[str] = frozenset()) -> bool:
    """A headline or title-case line ("Poll Gives Hillary Clinton the Lead"): most of its
    words capitalised, so capitals there say nothing about where a name ends.

    A line ending like a sentence is title case only when at least two of its capitalised
    words are words the story writes in lower case elsewhere (``vocabulary``: "Was",
    "Headed"): a sentence full of names is not.
    """
    words = [w for w in TITLE_WORD.findall(text) if w.lower() not in TITLE_SMALL]
    if not TITLE_CASE_MIN <= len(words) <= TITLE_CASE_MAX:
        return False
    capitals = [w for w in words if not w[0].islower()]
    if len(capitals) < TITLE_CASE_SHARE * len(words):
        return False
    if not SENTENCE_END.search(text):
        return True
    common = sum(1 for w in capitals[1:] if w.lower() in vocabulary)
    return common >= TITLE_CASE_COMMON


LOWER_WORD = re.compile(rf"(?<![\w’'-])[{_LOW}][{_LOW}’'-]+")


def lower_case_words(paragraphs) -> set[str]:
    """The words written in lower case in ``paragraphs``."""
    # (one search over the lines joined: a line break bounds a word as a line's end does)
    return set(LOWER_WORD.findall("\n".join(paragraphs)))


class _LowerCaseWords:
    """``lower_case_words(paragraphs)``, found at the first look-up: most stories never
    look one up (a title-case line ending like a sentence, a description before a given
    name), and finding them is a search through the whole story."""

    __slots__ = ("_paragraphs", "_words")

    def __init__(self, paragraphs):
        self._paragraphs = paragraphs
        self._words: set[str] | None = None

    def __contains__(self, word: str) -> bool:
        if self._words is None:
            self._words = lower_case_words(self._paragraphs)
        return word in self._words


# Last words that make a run a group of people, not one ("Native Americans", "the Tories",
# "Iowans", "Secretaries"): checked only when no known given name starts the run.
PLURAL_ENDINGS = ("ans", "ers", "ites", "ies", "ists", "ics", "ians", "ards", "ots", "ees")


def _plural_group(lowered: list[str], text: str, start: int) -> bool:
    last = lowered[-1]
    if len(last) < 4 or not last.endswith("s") or last.endswith(("ss", "us", "is")):
        return False
    if text[max(0, start - 4) : start].lower() == "the " or text[start : start + 4] == "The ":
        return True  # "the Lakers", "the Clintons", "The Trumps" (a run the "The" opens)
    return len(lowered) > 1 and last.endswith(PLURAL_ENDINGS)


DESCRIPTIVE_ENDINGS = ("aire", "er", "ist", "ian", "ant", "ent", "or", "ee", "ive", "ic")


def _descriptive(word: str, vocabulary) -> bool:
    """A capitalised word that describes rather than names: the story writes it in lower
    case elsewhere, or it ends like a noun of occupation (billionaire, challenger)."""
    return word in vocabulary or word.endswith(DESCRIPTIVE_ENDINGS)


# Chinese and Korean surnames that are also English words a sentence starts with.
SURNAMES_LIKE_WORDS = frozenset({"He", "Xi", "Yu", "Ma", "Wang", "Hu", "Lee", "Moon", "Park"})


@functools.lru_cache(maxsize=65536)
def _acronym(word: str) -> bool:
    """An acronym (NATO, OSCE, RAF), not an initial (J.) or a suffix (III)."""
    return (
        1 < len(word) <= 4 and word.isupper() and "." not in word and word.lower() not in SUFFIXES
    )


def sentence_start_word(word: str) -> bool:
    """A word that is not a name: a stop word, title or role word."""
    w = _word(word)
    return w in STOP or w in HONORIFICS or w in ROLE_WORDS or w in ORG_WORDS


def _candidates(text: str, vocabulary=frozenset()):
    """Capitalised runs in ``text`` trimmed to name words, with the evidence found for each."""
    for m in RUN.finditer(text):
        raw = m.group(0)
        start, run_end = m.span()
        poss = m.group("poss")
        if poss:
            raw = raw[: m.start("poss") - start]
        words = raw.split()
        if not poss and text[run_end : run_end + 2] in ("’t", "'t"):
            words = words[:-1]  # "Bernie Sanders Isn’t"
        if not words or (len(words) == 1 and _word(words[0]) in STOP):
            continue  # "The", "But": nothing left once the stop word goes
        before = text[max(0, start - 3) : start].rstrip()
        sentence_start = not before or before[-1] in SENTENCE_END_MARKS
        evidence = False
        role = []
        if (
            len(words) == 2
            and words[0] in SURNAMES_LIKE_WORDS
            and not sentence_start_word(words[1])
            and SPEECH_AFTER.match(text[run_end : run_end + 40])
        ):
            # "He Jianxiong said": a surname that is also an English word, not a pronoun.
            yield _Candidate(words, start, True, "", False, run_end)
            continue
        while words:
            w = _word(words[0])
            if w in HONORIFICS and len(words) > 1:
                evidence = True
                role.append(words.pop(0))
            elif w in STOP or (
                sentence_start and w.endswith(("ing", "ly", "ed")) and w not in GIVEN_NAMES
            ):
                words.pop(0)
                role = []
            elif w in HONORIFICS or w in ROLE_WORDS:
                evidence = True
                role.append(words.pop(0))
            elif (w in DEMONYMS and len(words) > 1) or (
                w in PLACES and (len(words) > 2 or (len(words) > 1 and _is_title(words[1])))
            ):
                # "French President ...", "Illinois Sen. ...", "Kyiv Mayor Vitali
                # Klitschko"; not "Virginia Giuffre", "Paris Hilton"
                role.append(words.pop(0))
            elif w == "of" and role:
                words.pop(0)
            else:
                break
        # "Pope Francis", "Queen Elizabeth", "Lord Kinnock": the title is part of the name
        # when one word (and a regnal number) follows it.
        if (
            role
            and _word(role[-1]) in STYLED
            and (len(words) == 1 or (1 < len(words) <= 3 and name_key(words[-1]) in SUFFIXES))
        ):
            words = [role.pop(), *words]
        # "Secretary of State Antony Blinken": a role phrase split by "of" ends up in the run.
        words = [w for w in words if _word(w) != "of"]
        # "Virgin Radio DJ Pete Mitchell", "European Union Gordon Sondland": an
        # organisation, a place or an acronym running straight into a given name and a
        # surname; the name is what follows, the rest is the role.
        for i in range(1, len(words) - 1):
            if _ends_affiliation(words[i - 1]) and _is_given(words[i]):
                tail = [_word(w) for w in words[i:]]
                if len(tail) <= 3 and not any(
                    w in ORG_WORDS or w in STOP or w in PLACES for w in tail
                ):
                    role = [*role, *words[:i]]
                    words = words[i:]
                break
        # A title or role inside the run ("Vermont Sen. Bernie Sanders", "U.N. Ambassador
        # John Bolton"): what stands before it and the title itself are the role, when a
        # given name follows it or no given name comes before it.
        for i in range(len(words) - 2, 0, -1):
            if _is_title(words[i]) and (
                _is_given(words[i + 1]) or not any(map(_is_given, words[:i]))
            ):
                evidence = True
                role = [*role, *words[: i + 1]]
                words = words[i + 1 :]
                break
        # Words before a given name that read as a description ("Billionaire Sheldon
        # Adelson", "McCain Challenger Kelli Ward"), not a first given name of the person
        # ("Michaela Angela Davis"): the description goes to the role.
        if len(words) > 2 and not _is_given(words[0]):
            for i in range(1, len(words) - 1):
                if (
                    _is_given(words[i])
                    and _word(words[i - 1]) not in PARTICLE_WORDS
                    and _descriptive(_word(words[i - 1]), vocabulary)
                ):
                    role = [*role, *words[:i]]
                    words = words[i:]
                    break
        if len(words) > 1 and _word(words[0]) in PARTICLE_WORDS:
            words = [w for w in words if _word(w) not in PARTICLE_WORDS]  # "Bin Laden": a surname
            words = words[-1:]
        if len(words) == 2 and INITIAL.match(words[0]):
            words = words[1:]  # "W. Bush": not enough of a name to link
        if name_restart(words):
            words = words[: name_restart(words)]  # "Joe Biden Joe Biden": the name once
        if not words:
            continue
        if len(words) > 4:
            continue
        lowered = [_word(w) for w in words]
        if "-" in raw and any(w.endswith(COMPOUND_ENDINGS) for w in lowered):
            continue  # "New York City-based": a description
        if not STOP.isdisjoint(lowered[1:]):
            continue  # "Neocons For Hillary": a title, not a name
        if len(words) > 1 and lowered[-1] in ROLE_WORDS and not _is_given(words[0]):
            continue  # "Promotions Coordinator"
        named = lowered[:-1] if len(words) > 1 and lowered[-1] in SUFFIXES else lowered
        if len(named) == 2 and named[1] in SURNAME_WORDS and _is_given(words[0]):
            named = named[:1]  # "Jennifer Green", "Jack White": a surname, not a party
        if not ORG_WORDS.isdisjoint(named[1:]) or (
            lowered[0] in ORG_WORDS and lowered[0] not in GIVEN_NAMES
        ):
            continue
        if NOT_A_NAME.issuperset(lowered):
            continue
        if len(words) > 1 and lowered[-1] in PLACES and lowered[0] not in GIVEN_NAMES:
            continue
        if any(map(_acronym, words)):
            continue  # acronyms: NATO, OSCE, RAF
        if lowered[0] not in GIVEN_NAMES and _plural_group(lowered, text, start):
            continue
        if CHARACTER_BEFORE.search(text[max(0, start - 30) : start]):
            continue  # "her roles as Maritza Ramos": a character played, not a person
        after = text[run_end : run_end + 40]
        if SPEECH_AFTER.match(after):
            evidence = True
        if 1 < len(words) <= 3 and _in_result(text, run_end):
            evidence = True
        if len(words) > 1 and _is_given(words[0]):
            evidence = True
        if 1 < len(words) <= 3 and not evidence and _described(text, start, run_end):
            evidence = True
        end = m.start("poss") if poss else run_end
        apposed = 1 < len(words) <= 3 and _apposed(text, run_end)
        evidence = evidence or apposed
        yield _Candidate(
            words, start, evidence, " ".join(role), sentence_start and not role, end, apposed
        )


# A name's evidence from its context, for given names the lists do not know: a lower-case
# description before it ("said economist Milton Berg") or an apposition after it ("Hala
# Agha, 31,", "Adriaan Schout, who").
# Lower-case nouns of a person's occupation or part ("said economist Milton Berg",
# "running back Trey Edmunds", "the company's chief executive").
PERSON_NOUNS = (
    r"spokesman|spokeswoman|spokesperson|director|"
    r"president|chairman|chairwoman|professor|secretary|senator|minister|leader|coach|manager|"
    r"striker|midfielder|defender|goalkeeper|player|actor|actress|singer|author|writer|artist|"
    r"economist|analyst|expert|official|lawyer|attorney|founder|executive|chief|head|"
    r"candidate|rival|opponent|wife|husband|son|daughter|mother|father|brother|sister|friend|"
    r"colleague|teammate|partner|resident|student|voter|owner|researcher|scientist|"
    r"strategist|adviser|advisor|aide|pollster|consultant|organizer|organiser|activist|"
    r"reporter|journalist|anchor|commentator|historian|designer|"
    r"photographer|judge|sheriff|officer|detective|"
    r"teacher|nurse|doctor|surgeon|farmer|pastor|priest|chef|presenter|producer|filmmaker|"
    r"comedian|musician|rapper|guitarist|drummer|novelist|poet|playwright|broadcaster|"
    r"editor|columnist|publisher|entrepreneur|investor|banker|engineer|diplomat|"
    r"quarterback|linebacker|receiver|cornerback|running back|tight end|center|centre|"
    r"winger|flanker|scrum-half|fly-half|pitcher|outfielder|shortstop|jockey|trainer|"
    r"captain|skipper|rookie|veteran|legend|sweetheart|star|widow|widower|cousin|"
    r"grandmother|grandfather|niece|nephew|uncle|aunt|girlfriend|boyfriend|fiancée|fiance"
)
# After a name, "center" is a place ("Fort Worth, the city's center").
APPOSITION_NOUNS = PERSON_NOUNS.replace("|center|centre|", "|")
DESCRIBED_BEFORE = re.compile(
    rf"(?:[0-9]+-year-old|\b(?:said|says|told|according to|{PERSON_NOUNS}),?)\s+$"
)
DESCRIBED_AFTER = re.compile(
    r"^(?:[’']s?)?,\s+(?:who|whose|[0-9]{1,3},|aged\s+[0-9]"
    rf"|(?:a|an|the|his|her|their|its)\s+(?:[\w’'-]+\s+){{0,3}}?(?:{APPOSITION_NOUNS})\b)"
)


ROLE_OF = re.compile(r"^,\s+([\w.-]+)\s+(?:of|at)\s")  # "Strauss Zelnick, CEO of Take-Two"


def _apposed(text: str, end: int) -> bool:
    """An apposition naming a role follows: ", the company's chief executive", ", CEO of"."""
    after = text[end : end + 60]
    role_of = ROLE_OF.match(after)
    return bool(
        (role_of and _word(role_of.group(1)) in ROLE_WORDS)
        or (DESCRIBED_AFTER.match(after) and not after.lstrip(",’' ").startswith("who"))
    )


def _described(text: str, start: int, end: int) -> bool:
    return bool(
        DESCRIBED_BEFORE.search(text[max(0, start - 30) : start])
        or DESCRIBED_AFTER.match(text[end : end + 60])
    )


STYLED = frozenset({"pope", "queen", "king", "prince", "princess", "lord", "lady", "baroness",
                    "duke", "duchess", "emperor", "empress", "sheikh", "ayatollah"})  # fmt: skip
# Surnames that are also organisation words (a party, a place): with a given name before
# them, the run is a person.
SURNAME_WORDS = frozenset({"green", "black", "white", "red", "blue", "hall", "church", "law",
                           "day", "fox", "park", "lake", "street", "post", "house", "bridge",
                           "river", "mountain", "bay", "coast", "brown", "young", "king",
                           "price", "rice", "bell", "cup", "tower", "guard", "ward",
                           "summers", "banks", "sterling", "golden", "bush"})  # fmt: skip
PARTICLE_WORDS = frozenset({"von", "van", "de", "del", "della", "di", "da", "du", "bin", "ibn",
                            "der", "den", "la", "le"})  # fmt: skip
INITIAL = re.compile(rf"^(?:[{_UP}]\.)+$")


class _Groups:
    """The people of one story as ``find_people`` groups them: each group's forms with
    their counts, and indexes by name key so that a form is compared only with the groups
    that could hold it (``same_person`` and ``similar_surname`` agree on a key, a first or
    last word's key, or a surname's initial), not with every group of the story."""

    def __init__(self):
        self.people: list[PersonMention] = []
        self.forms: list[dict[str, int]] = []
        self._by_key: dict[str, list[int]] = {}  # key of a form -> groups, in order
        self._by_word: dict[tuple[int, str], list[int]] = {}  # (0 | -1, key of the first
        # or last word of a form of two words or more) -> groups, in order

    @staticmethod
    def _note(index: dict, key, i: int) -> None:
        held = index.setdefault(key, [])
        if i not in held:
            bisect.insort(held, i)

    def new(self, name: str) -> int:
        self.people.append(PersonMention(name=name))
        self.forms.append({})
        return len(self.people) - 1

    def add(self, i: int, form: str, role: str) -> None:
        """Count one use of ``form`` (with ``role``, if any) for group ``i``."""
        seen = self.forms[i]
        if form not in seen:
            seen[form] = 0
            self._note(self._by_key, name_key(form), i)
            words = form.split()
            if len(words) >= 2:
                self._note(self._by_word, (0, name_key(words[0])), i)
                self._note(self._by_word, (-1, name_key(words[-1])), i)
        seen[form] += 1
        self.people[i].count += 1
        if role:
            self.people[i].roles.add(role)

    def with_key(self, key: str) -> list[int]:
        """The groups having a form whose key is ``key``, in order."""
        return self._by_key.get(key, [])

    def group_for(self, name: str) -> int | None:
        """The first group with a form that is a spelling of ``name`` (``same_person``) and
        none whose middle names contradict it (``middles_differ``: George W. and George
        H. W. Bush are two people, whatever bare "George Bush" the group also holds)."""
        fits = self.fitting(name)
        return fits[0] if fits else None

    def fitting(self, name: str) -> list[int]:
        """The groups ``name`` can belong to (see ``group_for``), in order."""
        maybe = set(self.with_key(name_key(name)))
        words = name.split()
        if len(words) >= 2:
            maybe.update(self._by_word.get((0, name_key(words[0])), ()))
            maybe.update(self._by_word.get((-1, name_key(words[-1])), ()))
        return [
            i
            for i in sorted(maybe)
            if any(same_person(name, f) for f in self.forms[i])
            and not any(middles_differ(name, f) for f in self.forms[i])
        ]


def find_people(paragraphs: list[str], known: KnownNames | None = None) -> list[PersonMention]:
    """People named in ``paragraphs``, each once, under their most common full name.

    Title-case lines (headlines) give no names of their own: the names found in the other
    lines are counted where they stand whole in them. A bare surname shared by two people
    of the story goes to the one a courtesy title points to (Mrs / Mr), else to nobody.
    ``known`` is accepted and not read: a story's people never depend on what the archive
    held when it arrived, so that any import order gives the same people.
    """
    vocabulary = _LowerCaseWords(paragraphs)
    plain, titled = [], []
    for text in paragraphs:
        (titled if is_title_case(text, vocabulary) else plain).append(text)
    cands = []
    for text in plain:
        found = _lineup(text)
        if found is not None:
            cands.extend(found)
            continue
        found = list(_candidates(text, vocabulary))
        _listed_with_names(found, text)
        cands.extend(found)
    signed = set()  # (line, offset) of names found in title-case lines, counted once
    for text in titled:
        for c in _signed(text):
            cands.append(c)
            signed.add((text, c.start))
    # A sentence's first word before a surname ("Absent Trump derides ...") is a name's
    # only when a given name, a title or the same full name elsewhere says so.
    inside = {name_key(" ".join(c.words)) for c in cands if not c.sentence_start}
    for c in cands:
        if (
            c.sentence_start
            and len(c.words) == 2
            and not c.role
            and not c.apposed
            and not _is_given(c.words[0])
            and name_key(" ".join(c.words)) not in inside
        ):
            c.words = c.words[1:]
    singles_alone = {
        name_key(c.words[0]) for c in cands if len(c.words) == 1 and not c.sentence_start
    } | {name_key(c.words[0]) for c in cands if len(c.words) == 1 and c.evidence}

    groups = _Groups()
    # Full names first, so that surnames can attach to them.
    for c in cands:
        if len(c.words) < 2:
            continue
        name = " ".join(c.words)
        if not (c.evidence or name_key(c.words[-1]) in singles_alone):
            continue
        fits = groups.fitting(name)
        if len(fits) > 1 and not name_parts(name)[1]:
            continue  # "George Bush" beside George W. and George H. W. Bush: unresolved
        i = fits[0] if fits else groups.new(name)
        groups.add(i, name, c.role)
    # Surnames of the full forms (fixed from here on: only single words are added below),
    # by the initial of their key (``similar_surname`` is false for different initials).
    surnames: dict[str, list[tuple[int, list[str]]]] = {}
    for i, seen in enumerate(groups.forms):
        for initial, words in _by_initial(_surname(f) for f in seen if " " in f).items():
            surnames.setdefault(initial, []).append((i, words))
    surname_groups: dict[str, list[int]] = {}
    people = groups.people
    for c in cands:
        if len(c.words) != 1:
            continue
        word = c.words[0]
        key = name_key(word)
        if word not in surname_groups:
            surname_groups[word] = [
                i
                for i, words in surnames.get(key[:1], ())
                if any(similar_surname(word, surname) for surname in words)
            ]
        match = surname_groups[word] or groups.with_key(key)
        if len(match) > 1 or (c.role and _title_contradicts(match, groups, c.role)):
            match = _by_title(match, groups, c.role)
            if len(match) != 1:
                continue  # Bill or Hillary Clinton: left unresolved; "Mr. Clinton": not her
        if match:
            i = match[0]
        elif c.evidence:
            if key in PLACES or key in DEMONYMS or key in ORG_WORDS or key in STOP:
                continue
            i = next((j for j, g in enumerate(people) if name_key(g.name) == key), None)
            if i is None:
                i = groups.new(word)
        else:
            continue
        groups.add(i, word, c.role)
    if titled and people:
        _count_in_titles(titled, groups, signed)
    for group, seen in zip(groups.people, groups.forms, strict=True):
        group.name = shown_name(seen)
        group.aliases = {f for f in seen if f != group.name}
    # "the Mike Pences and Chris Christies of the world", "the Bidens": a group whose full
    # forms (else all forms) are the plurals of the story's names or surnames is nobody.
    keys = {name_key(f) for seen in groups.forms for f in seen}
    keys |= {name_key(_surname(f)) for seen in groups.forms for f in seen if " " in f}
    people = [
        group
        for group, seen in zip(groups.people, groups.forms, strict=True)
        if not all(plural_key(name_key(f), keys) for f in [f for f in seen if " " in f] or seen)
    ]
    return sorted(people, key=lambda p: (-p.count, p.name))


def shown_name(forms: dict[str, int]) -> str:
    """The name to show for forms used with their counts (in order of first use): the most
    common full form (two words or more), the shorter on a tie ("Donald Trump" before
    "Donald J. Trump"), then the first used; a single word only when no full form is."""
    order = list(forms)
    full = [f for f in order if len(f.split()) > 1] or order
    return min(full, key=lambda f: (-forms[f], len(f.split()), order.index(f)))


def _surname(form: str) -> str:
    """The surname of a full form: its last word, or the one before a suffix (Jr.)."""
    words = form.split()
    if len(words) > 2 and name_key(words[-1]) in SUFFIXES:
        return words[-2]
    return words[-1]


def _by_title(match: list[int], groups: _Groups, role: str) -> list[int]:
    """Of the groups sharing a surname, those a courtesy title (Mrs, Mr) can be."""
    title = {_word(w) for w in role.split()}
    if title & FEMALE_TITLES:
        wanted = True
    elif title & MALE_TITLES:
        wanted = False
    else:
        return match
    fits = []
    for i in match:
        given = name_key(groups.people[i].name).split()[0]
        female = given in FEMALE_GIVEN_NAMES
        male = given in GIVEN_NAMES and not female and given not in UNISEX_GIVEN_NAMES
        if (female and wanted) or (male and not wanted):
            fits.append(i)
    return fits


def _title_contradicts(match: list[int], groups: _Groups, role: str) -> bool:
    """Whether a courtesy title (Mr, Mrs) says the one group of ``match`` is not the person
    ("Mr. Clinton" in a story naming Hillary Clinton only): the given name of the group is
    of the other gender."""
    other = {_word(w) for w in role.split()}
    if other & FEMALE_TITLES:
        other = "Mr"
    elif other & MALE_TITLES:
        other = "Mrs"
    else:
        return False
    return len(match) == 1 and bool(_by_title(match, groups, other))


def _count_in_titles(texts: list[str], groups: _Groups, counted=frozenset()) -> None:
    """Count the full forms found elsewhere where they stand whole in title-case lines
    (not at the ``counted`` (line, offset) places, found and counted already)."""
    # only the forms standing somewhere in the lines: the pattern is smaller (often none)
    joined = "\n".join(texts)
    forms = sorted(
        {f for seen in groups.forms for f in seen if " " in f and f in joined},
        key=len,
        reverse=True,
    )
    if not forms:
        return
    pattern = re.compile(r"(?<![\w’'-])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])")
    owner = {f: i for i, seen in enumerate(groups.forms) for f in seen if " " in f}
    for text in texts:
        for m in pattern.finditer(text):
            if (text, m.start()) in counted:
                continue
            groups.add(owner[m.group(0)], m.group(0), "")


def _by_initial(surnames) -> dict[str, list[str]]:
    """``surnames`` by the first letter of their key ('' for an empty key)."""
    found: dict[str, list[str]] = {}
    for surname in surnames:
        found.setdefault(name_key(surname)[:1], []).append(surname)
    return found


def surface_forms(people: list[PersonMention]) -> dict[str, str]:
    """Every form a story uses for its people (name, aliases, surname) mapped to the name.

    A surname two people of the story share (Bill and Hillary Clinton) maps to itself, a
    name that is none of the story's people: a speaker named by it stays a label.
    """
    owners: dict[str, set[str]] = {}
    surnames: dict[str, set[str]] = {}
    spelt: dict[str, str] = {}
    for person in people:
        for form in [person.name, *person.aliases]:
            owners.setdefault(name_key(form), set()).add(person.name)
            if " " in form.strip():
                surname = _surname(form)
                surnames.setdefault(name_key(surname), set()).add(person.name)
                spelt.setdefault(name_key(surname), surname)
    forms = {key: min(names) for key, names in owners.items() if len(names) == 1}
    for key, names in surnames.items():
        if key not in owners:
            forms[key] = next(iter(names)) if len(names) == 1 else spelt[key]
    forms.pop("", None)
    return forms

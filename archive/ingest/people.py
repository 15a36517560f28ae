"""People mentioned in a story: names found, honorifics stripped, variants grouped."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof", "professor"}
ROLE_WORDS = {
    "president",
    "prime",
    "minister",
    "secretary",
    "chancellor",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "mayor",
    "senator",
    "governor",
    "general",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "judge",
    "foreign",
    "state",
    "defence",
    "defense",
    "chief",
}
NOT_PEOPLE = {
    "kremlin",
    "white house",
    "downing street",
    "nato",
    "elysee palace",
    "european union",
    "united states",
    "united kingdom",
    "russia",
    "ukraine",
    "france",
    "germany",
    "britain",
    "moscow",
    "kyiv",
    "kiev",
    "washington",
    "paris",
    "london",
    "berlin",
    "europe",
    "eu",
    "us",
    "uk",
    "fox news",
    "sky news",
    "abc news",
    "cnn",
    "bbc",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}

NAME_TOKEN = r"[A-Z][a-zà-öø-ÿ'’\-]+(?:-[A-Z][a-zà-öø-ÿ]+)?"
FULL_NAME = re.compile(
    rf"\b({NAME_TOKEN}(?:\s+(?:von der|van der|de|von|van|da|di|le|la)\b)?(?:\s+{NAME_TOKEN}){{1,2}})\b"
)
TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sir|Dame)\.?\s+(" + NAME_TOKEN + r")\b")


def name_key(name: str) -> str:
    """Matching key for a name: accents folded, case and punctuation dropped."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", folded.lower()).strip()


@dataclass
class PersonMention:
    """A person as a story names them: fullest name, other forms used, how often."""

    name: str
    aliases: set[str] = field(default_factory=set)
    count: int = 0


def _strip_titles(name: str) -> str:
    words = name.split()
    while words and (words[0].lower().rstrip(".") in HONORIFICS or words[0].lower() in ROLE_WORDS):
        words = words[1:]
    return " ".join(words)


def find_people(paragraphs: list[str]) -> list[PersonMention]:
    """People named in ``paragraphs``, each once, under the fullest name used."""
    text = "\n".join(paragraphs)
    full: dict[str, PersonMention] = {}
    for m in FULL_NAME.finditer(text):
        name = _strip_titles(m.group(1).replace("’s", "").replace("'s", ""))
        if len(name.split()) < 2 or name_key(name) in NOT_PEOPLE:
            continue
        if any(name_key(w) in NOT_PEOPLE for w in name.split()):
            continue
        key = name_key(name)
        person = full.setdefault(key, PersonMention(name=name))
        person.count += 1
    by_surname: dict[str, PersonMention] = {}
    for person in full.values():
        by_surname.setdefault(name_key(person.name.split()[-1]), person)
    for m in TITLED.finditer(text):
        surname = name_key(m.group(1))
        person = by_surname.get(surname)
        if person:
            person.count += 1
            person.aliases.add(m.group(1))
    return sorted(full.values(), key=lambda p: (-p.count, p.name))

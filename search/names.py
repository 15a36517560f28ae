"""Other spellings of people's names, applied to the query rather than the index.

A person's aliases ("Zelenskyy", "Anthony Blinken", a typo a story made) are the archive's
knowledge, and it grows with every import and every curator's merge. Written into each
article's index document, one new alias would mean rewriting every story about that
person. So the index holds people's canonical names, and a search for an alias also looks
for the name it stands for:

* a phrase or pair of words that is a full alias ("Anthony Blinken") also matches the
  canonical name ("Antony Blinken");
* a single word that is an alias's surname spelt differently from the canonical surname
  ("Zelenskyy", "Macon") also matches the canonical surname ("Zelensky", "Macron").

The table is held per process and reloaded when the aliases change (checked at most every
``REFRESH_SECONDS``, with one indexed query, and loaded in the background).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from django.db import connections

from . import source
from .source import name_key

log = logging.getLogger(__name__)

REFRESH_SECONDS = 30.0


@dataclass
class Spellings:
    full: dict[str, set[str]] = field(default_factory=dict)  # alias key -> canonical names
    surnames: dict[str, set[str]] = field(default_factory=dict)  # alias surname -> surnames

    def expand(self, text: str) -> list[str]:
        """Canonical forms to search besides ``text`` (a word or a phrase)."""
        key = name_key(text)
        if not key:
            return []
        found = set(self.full.get(key, ()))
        if " " not in key:
            found |= self.surnames.get(key, set())
        # A name holding every word of the text ("Vice President" for "president") finds
        # nothing the text does not find already: searching it only adds work (a common
        # word can be the surname alias of a hundred "people").
        words = set(key.split())
        return sorted(f for f in found if not words <= set(name_key(f).split()))


def build(pairs) -> Spellings:
    """``Spellings`` from (alias, canonical name) pairs."""
    spellings = Spellings()
    for alias, name in pairs:
        akey, nkey = name_key(alias), name_key(name)
        if not akey or not nkey or akey == nkey:
            continue
        spellings.full.setdefault(akey, set()).add(name)
        alias_surname, surname = akey.split()[-1], nkey.split()[-1]
        if alias_surname != surname:
            spellings.surnames.setdefault(alias_surname, set()).add(name.split()[-1])
    return spellings


_lock = threading.Lock()
_state: dict = {"spellings": None, "version": None, "checked": 0.0, "reloading": None}


def _version():
    return source.alias_version()


def current() -> Spellings:
    """The archive's spellings, reloaded when aliases were added or removed.

    The first use in a process (and the first after ``forget``) loads the table. After
    that, a change made by another process (an import adding aliases) is looked for at
    most every ``REFRESH_SECONDS`` and loaded in a background thread, the table in hand
    answering meanwhile: at 100,000 stories it takes a second or more to load.
    """
    now = time.monotonic()
    with _lock:
        spellings = _state["spellings"]
        if spellings is not None:
            if now - _state["checked"] >= REFRESH_SECONDS and _state["reloading"] is None:
                _state["checked"] = now
                thread = threading.Thread(target=_reload_in_background, name="names", daemon=True)
                _state["reloading"] = thread
                thread.start()
            return spellings
        return _reload(now)


def _reload(now: float) -> Spellings:
    """Load the table if the aliases changed since it was loaded (under ``_lock``)."""
    version = _version()
    if _state["spellings"] is None or version != _state["version"]:
        _state["spellings"] = build(source.alias_pairs())
        _state["version"] = version
    _state["checked"] = now
    return _state["spellings"]


def _reload_in_background() -> None:
    try:
        version = _version()
        if version != _state["version"]:
            fresh = build(source.alias_pairs())
            with _lock:
                if _state["spellings"] is not None:  # not forgotten meanwhile
                    _state["spellings"], _state["version"] = fresh, version
    except Exception:
        log.exception("reloading the name spellings failed")
    finally:
        connections.close_all()  # this thread's own connections, before it says it is done
        with _lock:
            _state["reloading"] = None


def wait_for_reload(timeout: float = 10.0) -> None:
    """Wait until a background reload, if one runs, has finished and closed its connection."""
    thread = _state["reloading"]
    if thread is not None:
        thread.join(timeout)


def forget() -> None:
    """Reload on next use (after a merge or an alias edit in this process)."""
    with _lock:
        _state["spellings"] = None

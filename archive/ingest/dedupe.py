"""Near-duplicate stories: the same story republished under another header or footer.

Plain functions on strings, no Django. A story's *shingles* are the CRC-32 hashes of every run of
``SHINGLE_WORDS`` consecutive words of its clean text (case, accents of form and punctuation
ignored). Two stories are the same story when their shingle sets overlap enough
(``same_story``): Jaccard similarity at least ``JACCARD_THRESHOLD``, or one contained in the
other at least ``CONTAINMENT_THRESHOLD`` (a copy cut short, or with a long footer added).

Finding candidates must not scan the archive: a *MinHash* signature of ``BANDS * ROWS``
values (one-permutation hashing, densified) is cut into ``BANDS`` bands of ``ROWS`` values,
each hashed to a 63-bit *band key*. Stories sharing any band key are candidates (locality
sensitive hashing); the probability that two stories of Jaccard similarity ``s`` share a key
is ``1 - (1 - s**ROWS) ** BANDS``: 0.93 at s = 0.5, 0.99 at 0.6, 0.9997 at 0.7, 0.02 at 0.1.
Candidates are then checked exactly with ``same_story``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from array import array

SHINGLE_WORDS = 5
BANDS = 20
ROWS = 3
JACCARD_THRESHOLD = 0.5
CONTAINMENT_THRESHOLD = 0.8
MIN_SHINGLES = 20  # shorter texts (a caption, a brief) are too short to call copies

_WORD = re.compile(r"\w+")
_MASK63 = (1 << 63) - 1
_U32 = "I"  # array type of the 32-bit shingle hashes
_EMPTY = 1 << 32  # a bin no shingle fell into (larger than any 32-bit shingle hash)


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded and in one Unicode form; punctuation dropped."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[int]:
    """32-bit hashes (CRC-32: stable across runs, and fast) of every run of ``k`` consecutive
    words of ``text``."""
    return _shingles(words(text), k)


def _shingles(tokens: list[str], k: int = SHINGLE_WORDS) -> set[int]:
    if len(tokens) < k:
        return {zlib.crc32(" ".join(tokens).encode())} if tokens else set()
    crc = zlib.crc32
    return {crc(" ".join(tokens[i : i + k]).encode()) for i in range(len(tokens) - k + 1)}


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def fingerprint(text: str) -> str:
    """32 hex digits, equal for texts with the same words in the same order."""
    return _fingerprint(words(text))


def _fingerprint(tokens: list[str]) -> str:
    return hashlib.md5(" ".join(tokens).encode("utf-8"), usedforsecurity=False).hexdigest()


def minhash(shingle_set: set[int], size: int = BANDS * ROWS) -> tuple[int, ...]:
    """A MinHash signature by one-permutation hashing: each shingle falls into one of ``size``
    bins by its hash, each bin keeps its smallest hash; empty bins borrow from the next full
    bin (densification), so that short texts still give comparable signatures."""
    bins = [_EMPTY] * size
    for h in shingle_set:
        i = h % size
        v = h // size
        if v < bins[i]:
            bins[i] = v
    if _EMPTY in bins and any(b != _EMPTY for b in bins):
        for i in range(size):
            if bins[i] == _EMPTY:
                j, step = i, 0
                while bins[j] == _EMPTY:
                    j = (j + 1) % size
                    step += 1
                # borrowed values are offset by the distance so they stay distinct per bin
                bins[i] = zlib.crc32(f"{bins[j]}:{step}".encode()) // size
    return tuple(bins)


def band_keys(signature: tuple[int, ...], rows: int = ROWS) -> list[int]:
    """One signed 63-bit key per band of ``rows`` values (fits a database BIGINT)."""
    keys = []
    for band in range(len(signature) // rows):
        part = signature[band * rows : (band + 1) * rows]
        raw = _hash64(f"{band}:" + ",".join(map(str, part))) & _MASK63
        keys.append(raw - (1 << 62))
    return keys


def jaccard(a: set[int], b: set[int]) -> float:
    """|a ∩ b| / |a ∪ b|, 0 for two empty sets."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def containment(a: set[int], b: set[int]) -> float:
    """How much of the smaller set lies in the larger one."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def same_story(a: set[int], b: set[int]) -> bool:
    """True when two shingle sets are copies of the same story (see the module docstring)."""
    if len(a) < MIN_SHINGLES or len(b) < MIN_SHINGLES:
        return False
    return _overlap_is_copy(len(a & b), len(a), len(b))


def same_story_packed(a: set[int], data: bytes | memoryview) -> bool:
    """``same_story(a, unpack(data))`` for shingles packed by ``pack``, without building
    the second set: its values are only looked up in ``a`` (a packed set holds each
    value once)."""
    other = array(_U32)
    other.frombytes(data)
    if len(a) < MIN_SHINGLES or len(other) < MIN_SHINGLES:
        return False
    return _overlap_is_copy(len(a.intersection(other)), len(a), len(other))


def _overlap_is_copy(inter: int, na: int, nb: int) -> bool:
    """Whether sets of ``na`` and ``nb`` shingles sharing ``inter`` are the same story:
    Jaccard similarity or containment (of the smaller in the larger) over its threshold."""
    return (
        inter / (na + nb - inter) >= JACCARD_THRESHOLD
        or inter / min(na, nb) >= CONTAINMENT_THRESHOLD
    )


class Signature:
    """What the archive keeps of a story's text to find its copies.

    Pickled with its shingles packed, four bytes each: an import's workers send every
    story's signature to the importing process, which unpacks the shingles only for a
    story that has candidate copies (a set of a few hundred ints costs ten times more to
    unpickle than the same ints packed)."""

    __slots__ = ("_shingles", "_packed", "size", "fingerprint", "band_keys")

    def __init__(self, shingles: set[int], fingerprint: str, band_keys: list[int]):
        self._shingles: set[int] | None = shingles
        self._packed = b""
        self.size = len(shingles)
        self.fingerprint = fingerprint
        self.band_keys = band_keys

    @property
    def shingles(self) -> set[int]:
        if self._shingles is None:
            self._shingles = unpack(self._packed)
            self._packed = b""
        return self._shingles

    @property
    def usable(self) -> bool:
        """False for a text too short to be compared."""
        return self.size >= MIN_SHINGLES

    def packed(self) -> bytes:
        """The shingles, four bytes each (``unpack`` reads them back)."""
        return self._packed if self._shingles is None else pack(self._shingles)

    def __getstate__(self):
        return self.packed(), self.size, self.fingerprint, self.band_keys

    def __setstate__(self, state):
        self._packed, self.size, self.fingerprint, self.band_keys = state
        self._shingles = None

    def __eq__(self, other):
        if not isinstance(other, Signature):
            return NotImplemented
        return (self.fingerprint, self.band_keys, self.shingles) == (
            other.fingerprint,
            other.band_keys,
            other.shingles,
        )

    __hash__ = None

    def __repr__(self):
        return f"Signature({self.size} shingles, {self.fingerprint}, {len(self.band_keys)} keys)"


def pack(shingles: set[int]) -> bytes:
    """Shingles, four bytes each."""
    return array(_U32, shingles).tobytes()


def unpack(data: bytes | memoryview) -> set[int]:
    """Shingles packed by ``pack``."""
    values = array(_U32)
    values.frombytes(data)
    return set(values)


def signature(text: str) -> Signature:
    """Shingles, fingerprint and LSH band keys of a story's clean text."""
    tokens = words(text)
    found = _shingles(tokens)
    keys = band_keys(minhash(found)) if len(found) >= MIN_SHINGLES else []
    return Signature(shingles=found, fingerprint=_fingerprint(tokens), band_keys=keys)

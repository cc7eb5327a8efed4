"""Norwegian text for both channels: one normaliser, one stopword list, one stemmer, one compound splitter."""

# Chosen by measurement (benchmarks/lexical_melo.py; MELO nor_q_no_c_no occupations-only MRR / R@10, then MRR of
# finding each of the 50 NAV ads from its title):
#
#                                            occ MRR  occ R@10  ads MRR
#     BM25 words                              0.0878    0.0489   0.9013
#     BM25 crude stem (old matching/fit.py)   0.0936    0.0592   0.9134
#     BM25 Snowball stem                      0.2089    0.1087   0.8914
#     BM25 light stem (`stem`)                0.4154    0.2543   0.9046   <- word channel
#     BM25 light stem + decompound            0.4245    0.2729   0.8762
#     char_wb (2,4) on `normalise`            0.5401    0.4607   0.8675   <- character channel
#     char_wb (2,4) on `analyse` (decompound) 0.5384    0.4563   0.8388
#     char_wb (2,4) on light stems            0.5303    0.4529   0.8613
#
# Character n-grams already share a compound's parts, so splitting adds nothing there and costs long texts 0.03;
# the index keeps `normalise`. (Stems raise the full-corpus MRR from 0.28 to 0.40, but only through ties: 26 queries
# then equal a relevant label and the verbatim ISCO-group label at once, and the benchmark's tie-break favours the
# occupation.) For words, the light stemmer beats Snowball's and truncation by far; splitting compounds helps short
# labels (+0.01 MRR, +0.02 R@10) and costs long ads (-0.03), so it is used where a word must be found inside a
# compound (term explanations, skills), not for ranking long texts.

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources

# Everything that is not a letter or digit (in any script) separates words; "_" counts as punctuation too.
_SEPARATORS = re.compile(r"[\W_]+")

# Function words (bokmål, nynorsk, English) explain nothing even when they match exactly.
STOPWORDS = frozenset(
    "og i på til med for av en et ei som er den det de at om fra eller ved hos innen under etter å har kan vil du vi "
    "eg ein eit frå vere være blir skal seg sin sitt sine oss dere deg meg han hun ho "
    "and or of the a an in on at to for with by from as is are be you we our your"
    .split()
)
# Noun, adjective and verb endings of bokmål and nynorsk, longest first: lærerne, læreren, lærere -> lærer; a stem keeps
# at least MIN_STEM letters, so short words (kokk, leder) are left whole.
_ENDINGS = sorted(
    "hetene hetens heten heter ernes erens erne eren ere ene ane ende ande ede ert ens ets ers en er ar et as es a e s"
    .split(),
    key=len, reverse=True,
)
MIN_STEM = 4
# A compound's parts are at least this long, so "sal", "bil" or "are" never split a word by accident.
MIN_PART = 4
# Letters Norwegian puts between a compound's parts (sykehus|s|lege, barne|hage), and endings a head may carry.
_LINKS = ("s", "e", "")
_HEAD_ENDINGS = ("", "e", "en", "er", "ere", "ene", "ne", "n", "a", "et", "s")


def normalise(text: str) -> str:
    """Casefold, NFKC, punctuation to spaces, whitespace collapsed; æøå are kept as they are."""
    # NFKC first so compatibility forms (ligatures, full-width letters) casefold like their plain letters;
    # NFKC again after casefold because casefolding can leave text unnormalised.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return _SEPARATORS.sub(" ", folded).strip()


def words(text: str) -> list[str]:
    """The normalised words of a text, in order."""
    normalised = normalise(text)
    return normalised.split(" ") if normalised else []


def content_words(text: str) -> list[str]:
    """The normalised words that carry meaning: no stopwords, no single letters."""
    return [word for word in words(text) if len(word) > 1 and word not in STOPWORDS]


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light Norwegian stemmer: the longest inflection ending that leaves 4 letters (sykepleiere, sykepleieren -> sykeplei)."""
    if word.endswith("erne") and len(word) - 4 < MIN_STEM:  # lærerne -> lærer, not lærern
        return word[:-2]
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def stems(text: str) -> list[str]:
    """The stems of a text's content words, in order."""
    return [stem(word) for word in content_words(text)]


@lru_cache(maxsize=1 << 16)
def decompound(word: str) -> tuple[str, ...]:
    """A compound's parts, fewest first (helsefagarbeider -> helse, fagarbeider); a plain word alone."""
    if len(word) < 2 * MIN_PART:
        return (word,)
    vocabulary = compound_vocabulary()
    best = _split(word, vocabulary)
    return best if best and len(best) > 1 else (word,)


def analyse(text: str) -> str:
    """The lexical channel's text: normalised, each compound followed by its parts (barnehagelærer barnehage lærer)."""
    out: list[str] = []
    for word in words(text):
        out.append(word)
        parts = decompound(word)
        if len(parts) > 1:
            out.extend(parts)
    return " ".join(out)


@cache
def compound_vocabulary() -> frozenset[str]:
    """Words a compound may be made of: words of Norwegian occupation labels (see compound_words.txt's header)."""
    text = resources.files("jobmatch.lexical").joinpath("compound_words.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _split(word: str, vocabulary: frozenset[str]) -> tuple[str, ...] | None:
    """The split into known words with the fewest parts (ties: the longer head), or None."""
    best: tuple[str, ...] | None = None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head = word[cut:]
        if not _is_head(head, vocabulary):
            continue
        modifier = _modifier(word[:cut], vocabulary)
        if modifier is None:
            continue
        candidate = (*modifier, head)
        if best is None or len(candidate) < len(best):
            best = candidate
    return best


def _is_head(part: str, vocabulary: frozenset[str]) -> bool:
    return any(part.endswith(ending) and len(part) - len(ending) >= MIN_PART and part[: len(part) - len(ending)]
               in vocabulary for ending in _HEAD_ENDINGS)


def _modifier(part: str, vocabulary: frozenset[str]) -> tuple[str, ...] | None:
    """A compound's first part(s), a linking s or e dropped: helse, sykehus(s), barne(hage)."""
    for link in _LINKS:
        if link and not part.endswith(link):
            continue
        bare = part[: len(part) - len(link)]
        if len(bare) >= MIN_PART and bare in vocabulary:
            return (bare,)
    if len(part) >= 2 * MIN_PART:
        inner = _split(part, vocabulary)
        if inner is not None:
            return inner
    return None

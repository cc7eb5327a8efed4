"""The part of a seeker's own text that says what work they do and want now: not their earlier work, not what they refuse.

"Jeg jobber i dag som lodder. Før det jobbet jeg ti år som selger. Jeg vil ikke jobbe i butikk igjen." A reader takes the
first sentence as what this person does; the second is history and the third a refusal. Both similarity channels read
every word alike, so the old job's label, or the shop the seeker never wants to see again, could outweigh the work they
do. The matching compares the seeker's present: sentences that place work in the past, or that say what the seeker does
not want, are left out of the text that is compared, unless nothing with content would be left. A seeker who wants
their old work back says so in their wished occupations, which count apart from the text; what they refuse for certain
belongs in "not for me".

Cues are bokmål, nynorsk and English expressions. A sentence about the past that also says *now* (nå, i dag,
currently) stays.
"""

from __future__ import annotations

import re

from jobmatch.lexical.norwegian import content_words

_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")
_EARLIER = re.compile(
    r"\b(?:"
    # bokmål / nynorsk: earlier, before that, once, in my youth, originally, a number of years ago
    r"tidligere|tidlegare|før\s+det(?:te)?|før\s+i\s+tiden?|i\s+sin\s+tid|en\s+gang\s+i\s+tiden|den\s+gang(?:en)?|"
    r"i\s+ungdommen|da\s+jeg\s+var\s+yngre|opprinnelig|opphavleg|forrige\s+jobb(?:en)?|"
    r"for\s+(?:\w+\s+){0,2}år\s+sid[ae]n|"
    r"begynte\s+(?:jeg\s+)?(?:som|i|på)|startet\s+(?:jeg\s+)?(?:som|i|på)|byrja\s+(?:eg\s+)?(?:som|i|på)|"
    r"min\s+første\s+jobb|første\s+jobben\s+min|(?:fram|frem|inntil)\s+til\s+\d{4}|inntil\s+\d{4}|"
    # English
    r"earlier|previously|formerly|before\s+that|before\s+this|in\s+the\s+past|used\s+to|years\s+ago|"
    r"started\s+(?:out\s+)?as|began\s+as|my\s+first\s+job|back\s+then|until\s+\d{4}"
    r")\b",
    re.IGNORECASE,
)
_NOW = re.compile(r"\b(?:nå|no|i\s+dag|for\s+tiden|for\s+tida|currently|now|today|at\s+present)\b", re.IGNORECASE)
_REFUSED = re.compile(
    r"\b(?:"
    # bokmål / nynorsk: I do not want / cannot be bothered / am no longer interested in / want away from
    r"(?:vil|ønsker|ønskjer|ynskjer|orker|gidder)\s+(?:jeg\s+|eg\s+)?(?:helst\s+)?ikk(?:e|je)|"
    r"ikk(?:e|je)\s+(?:lenger\s+|meir\s+)?(?:interessert|aktuelt|aktuell|lyst\s+til)|"
    r"(?:vil|ønsker|ønskjer)\s+(?:jeg\s+|eg\s+)?(?:bort|vekk)\s+fr[aå]|"
    # English
    r"(?:do\s+not|don[’']t|no\s+longer|never)\s+(?:want|wish|like)|not\s+interested|would\s+rather\s+not|no\s+more|"
    r"want\s+to\s+get\s+away\s+from|want\s+to\s+leave"
    r")\b",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCES.split(text) if part.strip()]


def _earlier_cue(sentence: str) -> re.Match[str] | None:
    """Where the sentence places what it says in the past, unless it also speaks of now."""
    return None if _NOW.search(sentence) else _EARLIER.search(sentence)


def about_earlier_work(sentence: str) -> bool:
    """Whether the sentence places what it says in the past (and does not also speak of now)."""
    return _earlier_cue(sentence) is not None


def refuses(sentence: str) -> bool:
    """Whether the sentence says what the seeker does not want."""
    return _REFUSED.search(sentence) is not None


_CLAUSE_END = re.compile(r"(?:,\s*|\s+)(?:og|men|and|but)\s+$|[,;:–]\s*$", re.IGNORECASE)
"""A clause boundary just before a cue: "Jeg er sykepleier, og før det …", "I am a chef, but I don't want …"."""
CLAUSE_END_WINDOW = 16
"""The boundary is looked for in this many characters before the cue."""


def present_part(sentence: str) -> str:
    """What of a sentence speaks of the present: all of it; the clauses before a later clause about earlier or refused
    work ("Jeg er sykepleier, og før det var jeg kokk" keeps "Jeg er sykepleier"); or nothing."""
    cues = [found for found in (_earlier_cue(sentence), _REFUSED.search(sentence)) if found]
    if not cues:
        return sentence
    before = sentence[: min(found.start() for found in cues)]
    tail = max(0, len(before) - CLAUSE_END_WINDOW)  # a bounded search: a long run of spaces must not cost quadratic time
    boundary = _CLAUSE_END.search(before, tail)
    if boundary is not None and content_words(before[: boundary.start()]):
        return before[: boundary.start()].rstrip() + "."
    return ""


def present(text: str) -> str:
    """The text without what it says about earlier work or about what the seeker does not want (whole sentences, or the
    clauses after a boundary); the whole text when nothing with content would be left."""
    kept = [part for part in (present_part(sentence) for sentence in sentences(text)) if part]
    if not any(content_words(part) for part in kept):
        return text
    return " ".join(kept)

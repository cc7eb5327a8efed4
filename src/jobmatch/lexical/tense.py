"""What a seeker does now, apart from what they did before: the sentences of their own text about earlier work.

"Jeg jobber i dag som lodder. Før det jobbet jeg ti år som selger." A reader takes the first sentence as what this
person does and the second as history. Both similarity channels read the whole text alike, and the longer label of an
old job can outweigh the current one. The matching reads the seeker's present: sentences that place work in the past
are left out of the text that is compared, unless nothing else is left. A seeker who wants their old work back says
so in their wished occupations, which count apart from the text.

Cues are bokmål, nynorsk and English time expressions that put a clause in the past; a sentence that also says
*now* (nå, i dag, currently) stays in the present.
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


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCES.split(text) if part.strip()]


def about_earlier_work(sentence: str) -> bool:
    """Whether the sentence places what it says in the past (and does not also speak of now)."""
    return bool(_EARLIER.search(sentence)) and not _NOW.search(sentence)


def present(text: str) -> str:
    """The text without its sentences about earlier work; the whole text when nothing with content would be left."""
    kept = [sentence for sentence in sentences(text) if not about_earlier_work(sentence)]
    if not any(content_words(sentence) for sentence in kept):
        return text
    return " ".join(kept)

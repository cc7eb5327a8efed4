"""Pay as Norwegian ads state it: yearly NOK from yearly, monthly or hourly amounts, ranges, pay grades, vague phrases."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Period = Literal["year", "month", "hour"]

# A full-time year: 37.5 hours a week, 52 weeks (what Norwegian collective agreements divide a yearly wage by).
HOURS_PER_YEAR = 1_950
MONTHS_PER_YEAR = 12
_PER_YEAR: dict[Period, int] = {"year": 1, "month": MONTHS_PER_YEAR, "hour": HOURS_PER_YEAR}
# What each period's pay can plausibly be, in NOK; anything else is a budget, a revenue or a count, not pay.
_PLAUSIBLE: dict[Period, tuple[float, float]] = {"year": (100_000, 10_000_000), "month": (8_000, 800_000), "hour": (100, 5_000)}

# 403 400 | 510.000 | 720,000 | 45 000,- | 230,50 | 1,5 (mill) | 600k. Thousands separators: space, dot, comma.
_NUMBER = re.compile(
    r"(?<![\w,])(?P<digits>\d{1,3}(?:[ .,]\d{3})+(?!\d)|\d+)(?:,(?P<decimals>\d{1,2})(?!\d))?"
    r"(?P<scale>\s?(?:k|mill(?:ioner|ion)?\.?|mrd\.?|milliard(?:er)?|m)\b)?",
    re.IGNORECASE,
)
_RANGE_JOIN = re.compile(r"^\s*(?:kr\.?|nok)?\s*(?:[-–—]|til|to)\s*(?:kr\.?|nok)?\s*$", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(r"(?:\bkr\.?|\bnok|\bkroner)\s*$", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(r"^\s*(?:,-|kr\b|kroner\b|nok\b|,- ?kr)", re.IGNORECASE)
_PAY_WORD = re.compile(
    r"\b(?:lønn|løn|lønna|lønnes|timelønn|timeløn|timesats|månedslønn|månadsløn|årslønn|årsløn|fastlønn|"
    r"startlønn|grunnlønn|bruttolønn|bruttoløn|salary|pay|wage|wages)\b",
    re.IGNORECASE,
)
# An amount directly followed by one of these counts something else: 20 %, 8 års erfaring, 2 måneders prøvetid.
_COUNTS_SOMETHING_ELSE = re.compile(
    r"^\s*(?:%|prosent|percent|år\b|års\b|åra\b|måned|månad|mnd\b|uke|veke|dag|døgn|timer\b|time\b|t\b|"
    r"ansatte|tilsette|stilling|innbyggere|innbyggjarar|medlemmer|kunder|elever|barn\b|m2\b|kvm\b|km\b|kilometer|years?\b|months?\b|weeks?\b|days?\b|hours?\b|employees)",
    re.IGNORECASE,
)
# ... or preceded by one of these: stillingskode 1408, ID 1512, § 19, lønnstrinn 48, nr. 3.
_LABELS_A_CODE = re.compile(
    r"(?:\bkode|\bstillingskode|\bid|\bnr\.?|\bnummer|§|\blønnstrinn|\bltr\.?|\blt\.?|\btrinn|\bkl\.?|\bklokka|\bkl)\s*$",
    re.IGNORECASE,
)
_PERIOD_AFTER: list[tuple[Period, re.Pattern[str]]] = [
    ("hour", re.compile(r"^[\s,-]*(?:kr\.?|nok)?\s*(?:(?:per|pr\.?|i|om|a|à)\s*(?:time|timen|t)\b|/\s*(?:time|t)\b|"
                        r"(?:an|per|a)\s+hour\b|/\s*h\b|hourly)", re.IGNORECASE)),
    ("month", re.compile(r"^[\s,-]*(?:kr\.?|nok)?\s*(?:(?:per|pr\.?|i|om|a|à)\s*(?:måned|måneden|månad|mnd)\.?|"
                         r"/\s*(?:mnd|md|måned)\b|månedlig|(?:a|per)\s+month\b|monthly)", re.IGNORECASE)),
    ("year", re.compile(r"^[\s,-]*(?:kr\.?|nok)?\s*(?:brutto\s*)?(?:(?:per|pr\.?|i|om|a|à)\s*(?:år|året)\b|/\s*år\b|"
                        r"årlig|(?:a|per)\s+year\b|annually|yearly)", re.IGNORECASE)),
]
_PERIOD_BEFORE: list[tuple[Period, re.Pattern[str]]] = [
    ("hour", re.compile(r"\b(?:timelønn|timeløn|timesats|hourly)\b[^.;\n\d]*$", re.IGNORECASE)),
    ("month", re.compile(r"\b(?:månedslønn|månadsløn|monthly)\b[^.;\n\d]*$", re.IGNORECASE)),
    ("year", re.compile(r"\b(?:årslønn|årsløn|annual|yearly)\b[^.;\n\d]*$", re.IGNORECASE)),
]
_PAY_GRADE = re.compile(r"\b(?:lønnstrinn|lønnsstige\s+trinn|ltr\.?|lt\.)\s*(\d{1,3})\b", re.IGNORECASE)
_VAGUE = re.compile(
    r"etter avtale|etter nærmere avtale|etter tariff|tariffavtale|hovudtariffavtale|hovedtariffavtale|"
    r"konkurransedyktig|god lønn|god løn|god timelønn|gode betingelser|gode lønns|etter kvalifikasjoner|"
    r"etter ansiennitet|competitive|negotiable|by agreement|according to",
    re.IGNORECASE,
)
_CONTEXT = 40
_SALARY_FIELD_LENGTH = 80


@dataclass(frozen=True, slots=True)
class Salary:
    """Stated pay: a yearly NOK range (low = high for one amount), a pay grade, or only words ("etter avtale")."""

    low_nok: float | None
    high_nok: float | None
    period: Period | None
    pay_grade: int | None = None
    vague: bool = False

    @property
    def yearly_nok(self) -> float | None:
        """The top of the stated range, per year; None when no amount is stated (a pay grade or vague words)."""
        return self.high_nok


@dataclass(frozen=True, slots=True)
class _Amount:
    value: float
    start: int
    end: int
    currency: bool


def parse_salary(text: str | None) -> Salary | None:
    """What an ad says about pay, yearly in NOK with the period it was stated in; None when it says nothing."""
    if not text or not text.strip():
        return None
    clean = _clean(text)
    amounts = _pay_amounts(clean)
    grade_match = _PAY_GRADE.search(clean)
    grade = int(grade_match.group(1)) if grade_match else None
    if amounts:
        low, high, period = amounts
        return Salary(low_nok=low, high_nok=high, period=period, pay_grade=grade)
    if grade is not None:
        return Salary(low_nok=None, high_nok=None, period=None, pay_grade=grade)
    if _VAGUE.search(clean):
        return Salary(low_nok=None, high_nok=None, period=None, vague=True)
    return None


def yearly_salary_nok(text: str | None) -> tuple[float, Period] | None:
    """The top of the stated pay per year in NOK and the period it was stated in; None when no amount is stated."""
    salary = parse_salary(text)
    if salary is None or salary.high_nok is None or salary.period is None:
        return None
    return salary.high_nok, salary.period


def _clean(text: str) -> str:
    # NFKC turns no-break and thin spaces into plain ones (and full-width digits into ASCII).
    folded = unicodedata.normalize("NFKC", text).replace("\u2009", " ").replace("\u202f", " ")
    return re.sub(r"[ \t]+", " ", folded)


def _pay_amounts(text: str) -> tuple[float, float, Period] | None:
    """The first stated pay (one amount or a range), converted to yearly NOK."""
    candidates = [amount for amount in _amounts(text) if amount is not None]
    for index, amount in enumerate(candidates):
        period, explicit = _period(text, amount)
        low = high = amount
        following = candidates[index + 1] if index + 1 < len(candidates) else None
        if following is not None and _RANGE_JOIN.match(text[amount.end : following.start]):
            high = following
            later_period, later_explicit = _period(text, following)
            if later_explicit and not explicit:
                period, explicit = later_period, True
        cued = explicit or amount.currency or high.currency or _has_pay_word_before(text, amount.start)
        # A short text that is nothing but numbers ("550 000 – 650 000") is a salary field; in a long text a bare
        # number needs a cue (kr, a pay word, a period), or it could be a count, a budget or a postal code.
        if not cued and len(text) > _SALARY_FIELD_LENGTH:
            continue
        if not explicit:
            period = _period_by_size(high.value)
        if period is None:
            continue
        low_value, high_value = sorted((low.value, high.value))
        floor, ceiling = _PLAUSIBLE[period]
        if floor <= low_value and high_value <= ceiling:
            factor = _PER_YEAR[period]
            return low_value * factor, high_value * factor, period
    return None


def _amounts(text: str) -> list[_Amount | None]:
    """Every number that could be an amount of money; counts, codes, years and percentages are None."""
    found: list[_Amount | None] = []
    for match in _NUMBER.finditer(text):
        before, after = text[max(0, match.start() - _CONTEXT) : match.start()], text[match.end() : match.end() + _CONTEXT]
        value = float(re.sub(r"[ .,]", "", match.group("digits")) + "." + (match.group("decimals") or "0"))
        scale = (match.group("scale") or "").strip().casefold().rstrip(".")
        value *= 1_000 if scale == "k" else 1_000_000_000 if scale.startswith(("mrd", "milliard")) else 1_000_000 if scale else 1
        currency = bool(_CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.match(after))
        year_like = not currency and not match.group("decimals") and 1900 <= value <= 2100 and "." not in match.group("digits")
        if _COUNTS_SOMETHING_ELSE.match(after) and not _rate_follows(after) or _LABELS_A_CODE.search(before) or year_like:
            found.append(None)
            continue
        found.append(_Amount(value, match.start(), match.end(), currency))
    return found


def _rate_follows(after: str) -> bool:
    return any(pattern.match(after) for _, pattern in _PERIOD_AFTER)


def _period(text: str, amount: _Amount) -> tuple[Period | None, bool]:
    """The period written right after the amount, else a period word (timelønn) before it in the same sentence."""
    after = text[amount.end : amount.end + _CONTEXT]
    for period, pattern in _PERIOD_AFTER:
        if pattern.match(after):
            return period, True
    before = text[max(0, amount.start - _CONTEXT) : amount.start]
    for period, pattern in _PERIOD_BEFORE:
        if pattern.search(before):
            return period, True
    return None, False


def _period_by_size(value: float) -> Period | None:
    """Unstated period: six figures are yearly, five monthly, three hourly; four figures say nothing for sure."""
    if value >= 100_000:
        return "year"
    if 10_000 <= value < 100_000:
        return "month"
    if 100 <= value < 1_000:
        return "hour"
    return None


def _has_pay_word_before(text: str, start: int) -> bool:
    sentence_start = max(text.rfind(mark, 0, start) for mark in (".\n", ". ", "\n", ";", "•"))
    return bool(_PAY_WORD.search(text[max(0, sentence_start, start - 80) : start]))

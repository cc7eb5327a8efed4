"""Pay as ads state it: yearly NOK and the period it was stated in, pay grades and vague phrases apart."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobmatch.postings.salary import HOURS_PER_YEAR, Salary, parse_salary, yearly_salary_nok
from tests.conftest import SHARED_DATA


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("600 000 kr, full time", (600_000, "year")),
        ("2 måneders prøvetid, lønn 520 000", (520_000, "year")),
        ("Timelønn 230 kr", (230 * HOURS_PER_YEAR, "hour")),
        ("kr 45 000 per måned", (540_000, "month")),
        ("45.000,- pr. mnd", (540_000, "month")),
        ("kr 230,50 per time", (230.5 * HOURS_PER_YEAR, "hour")),
        ("Lønn: 48 000 i måneden", (576_000, "month")),
        ("Årslønn 612 300", (612_300, "year")),
        ("600k", (600_000, "year")),
        ("NOK 720,000 per year", (720_000, "year")),
    ],
)
def test_amounts_become_yearly_pay_with_their_period(text: str, expected: tuple[float, str] | None) -> None:
    assert yearly_salary_nok(text) == expected


def test_a_range_keeps_both_ends_and_the_top_is_the_yearly_pay() -> None:
    salary = parse_salary("550 000 – 650 000")
    assert salary == Salary(low_nok=550_000, high_nok=650_000, period="year")
    assert salary.yearly_nok == 650_000


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("Stillingen lønnes som førstekonsulent i kode 1408, kr 403 400 – kr.449 400,- brutto pr. år", 403_400, 449_400),
        ("Lønn som fagarbeider (kode 5111), kr 476 778 - 517 778, avhengig av kvalifikasjoner. Fra lønnen trekkes 2%",
         476_778, 517_778),
        ("Bruttoløn mellom kr 510.000 – 600.000. For særskilt godt kvalifiserte søkjarar", 510_000, 600_000),
        ("Timelønn fra 210 til 260 kr", 210 * HOURS_PER_YEAR, 260 * HOURS_PER_YEAR),
    ],
)
def test_ranges_as_real_ads_write_them(text: str, low: float, high: float) -> None:
    salary = parse_salary(text)
    assert salary is not None
    assert (salary.low_nok, salary.high_nok) == (low, high)


def test_a_pay_grade_is_stated_pay_without_an_amount() -> None:
    assert parse_salary("lønnstrinn 48") == Salary(low_nok=None, high_nok=None, period=None, pay_grade=48)
    assert yearly_salary_nok("Lønn etter ltr. 52") is None


@pytest.mark.parametrize("text", ["etter avtale", "Lønn etter avtale", "Konkurransedyktige betingelser", "Lønn etter tariff"])
def test_vague_pay_is_said_to_be_vague(text: str) -> None:
    assert parse_salary(text) == Salary(low_nok=None, high_nok=None, period=None, vague=True)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Fast stilling, 100 %, tiltredelse 2018",
        "den økonomiske rammen for 2017 var på om lag NOK 1,5 milliarder",
        "Selskapet vil omsette for om lag 55 Mill NOK",
        "ID 1512 – 100 % fast stilling som regnskapskonsulent",
        "Startlønn som ved 8 års ansiennitet",
        "Kommunen har 12 000 innbyggere og ligger ved 2226 Kongsvinger",
    ],
)
def test_numbers_that_are_not_pay_are_not_read_as_pay(text: str) -> None:
    assert yearly_salary_nok(text) is None


def test_the_nav_ads_that_state_pay_are_read_and_no_other() -> None:
    ads_file = SHARED_DATA / "nav-ads" / "ads.jsonl"
    if not ads_file.exists():
        pytest.skip(f"{ads_file} not found")
    with ads_file.open(encoding="utf-8") as handle:
        ads = [json.loads(line) for line in handle if line.strip()]
    stated = {ad["id"]: yearly_salary_nok(ad["text"]) for ad in ads}
    assert {ad_id: pay for ad_id, pay in stated.items() if pay} == {
        "10527": (449_400, "year"), "10666": (517_778, "year"), "10679": (600_000, "year"), "10680": (600_000, "year"),
    }


def _grouped(amount: int, separator: str) -> str:
    digits = str(amount)
    groups = [digits[max(0, end - 3) : end] for end in range(len(digits), 0, -3)][::-1]
    return separator.join(groups)


separators = st.sampled_from([" ", "\u00a0", "\u202f", ".", ",", ""])
yearly_amounts = st.integers(min_value=100_000, max_value=3_000_000)


@given(
    amount=yearly_amounts,
    separator=separators,
    template=st.sampled_from(["{n}", "kr {n}", "kr. {n}", "{n} kr", "NOK {n}", "{n},-", "kr {n},-", "{n} kroner"]),
    lead=st.sampled_from(["", "Lønn ", "Lønn: ", "Årslønn ", "Vi tilbyr lønn ", "Brutto "]),
    tail=st.sampled_from(["", " per år", " pr. år", " i året", " brutto pr. år", ", full time", ", 100 % stilling"]),
)
def test_formatting_a_yearly_amount_never_changes_it(amount: int, separator: str, template: str, lead: str, tail: str) -> None:
    text = lead + template.format(n=_grouped(amount, separator)) + tail
    assert yearly_salary_nok(text) == (amount, "year")


@given(amount=st.integers(min_value=15_000, max_value=99_999), separator=separators,
       tail=st.sampled_from([" per måned", " pr. mnd", " pr mnd.", "/mnd", " i måneden", " a month"]))
def test_a_monthly_amount_is_twelve_times_a_year(amount: int, separator: str, tail: str) -> None:
    assert yearly_salary_nok(f"kr {_grouped(amount, separator)}{tail}") == (amount * 12, "month")


@given(amount=st.integers(min_value=150, max_value=999),
       text=st.sampled_from(["Timelønn {n} kr", "kr {n} per time", "{n} kr/t", "{n},- pr. time", "kr {n} i timen"]))
def test_an_hourly_amount_is_a_full_time_year(amount: int, text: str) -> None:
    assert yearly_salary_nok(text.format(n=amount)) == (amount * HOURS_PER_YEAR, "hour")


@given(
    count=st.integers(min_value=1, max_value=99),
    context=st.sampled_from(["{c} måneders prøvetid", "{c} års erfaring", "{c} % stilling", "{c} prosent", "{c} uker ferie",
                             "{c} timer per uke", "stillingskode {c}", "lønnstrinn {c}", "{c} ansatte"]),
    amount=yearly_amounts,
    order=st.booleans(),
)
def test_years_percents_and_durations_beside_pay_are_not_pay(count: int, context: str, amount: int, order: bool) -> None:
    noise = context.format(c=count)
    assert yearly_salary_nok(noise) is None
    pay = f"lønn kr {_grouped(amount, ' ')}"
    text = f"{noise}, {pay}" if order else f"{pay}, {noise}"
    assert yearly_salary_nok(text) == (amount, "year")


@given(year=st.integers(min_value=1950, max_value=2099))
def test_a_year_is_not_pay(year: int) -> None:
    assert yearly_salary_nok(f"Tiltredelse januar {year}") is None
    assert yearly_salary_nok(f"Lønn fra {year}") is None

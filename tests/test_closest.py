"""The occupations of the postings that fit a seeker best lift every posting of those occupations, however it is worded."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jobmatch.embedding.sentence import load_embedder
from jobmatch.embedding.texts import seeker_text
from jobmatch.matching.formula import scored
from jobmatch.matching.measure import Context, context, measure
from jobmatch.matching.weights import fit_model
from jobmatch.relevance import train as training
from jobmatch.search.corpus import Corpus
from jobmatch.seekers.schemas import SeekerIn
from tests.factories import posting_body, seeker_body

NURSE = [{"system": "STYRK08", "code": "2223", "label": "Sykepleiere"}, {"system": "ESCO", "code": "esco:nurse", "label": "sykepleier"}]
ANAESTHESIA = [{"system": "STYRK08", "code": "2223", "label": "Sykepleiere"},
               {"system": "ESCO", "code": "esco:anaesthesia", "label": "anestesisykepleier"}]
MIDWIFE = [{"system": "STYRK08", "code": "2222", "label": "Jordmødre"}]
ELECTRICIAN = [{"system": "STYRK08", "code": "7411", "label": "Elektrikere"}]
POSTINGS: list[tuple[str, str, str, list[dict[str, str]]]] = [
    *[(f"nurse-{town}", f"Sykepleier i {town}", "pasienter, medisiner og pleie på sengepost", NURSE)
      for town in ("Bergen", "Oslo", "Bodø")],
    ("anaesthesia", "Spesialist til operasjonsstua", "narkose og overvåking under inngrep", ANAESTHESIA),
    ("midwife", "Jordmor", "fødsler, svangerskap og barseltid", MIDWIFE),
    *[(f"electrician-{town}", f"Elektriker i {town}", "kabler, sikringsskap og installasjon", ELECTRICIAN) for town in ("Bergen", "Oslo")],
    ("uncoded", "Sommervikar", "litt av hvert", []),
]


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Corpus, dict[str, int]]:
    lines: list[dict[str, Any]] = [{"record": "meta", "format": "jobmatch-relevance-judgments", "version": 1, "source": "test"}]
    for key, title, work, occupations in POSTINGS:
        body = posting_body(key, title=title, description=f"Vi søker deg. Arbeidet: {work}.", skills=[], occupations=occupations)
        body.pop("expires_at")
        lines.append({"record": "posting", "key": key, "posting": body})
    path = tmp_path / "judgments.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    with path.open(encoding="utf-8") as opened:
        judgments = training.read_judgments(opened)
    built = training.judged_corpus(judgments, load_embedder("hashing"))
    built.warm()
    return built, {key: number for number, (key, *_) in enumerate(POSTINGS, 1)}


def _context(corpus: Corpus, **profile: Any) -> Context:
    seeker = SeekerIn.model_validate(seeker_body(**{"skills": [], "wishes": {"occupations": []}, "not_for_me": {}, "stay_factors": {},
                                                    "experience": [], "education": [], **profile}))
    vector = load_embedder("hashing").encode([seeker_text(seeker)], kind="query")[0]
    return context(corpus, training.judged_query(seeker, vector), model=fit_model(), now=time.time())


def _terms(ctx: Context, row_of: dict[str, int]) -> dict[str, tuple[float, float]]:
    rows = np.arange(ctx.n, dtype=np.int64)
    measured = measure(ctx, rows)
    ids = ctx.corpus.column("ids", ctx.n)
    return {key: (float(measured.raw["closest_occupation"][int(np.flatnonzero(ids == number)[0])]),
                  float(measured.raw["closest_group"][int(np.flatnonzero(ids == number)[0])])) for key, number in row_of.items()}


def test_a_nurse_lifts_every_nurse_posting_and_her_minor_group_but_no_other_field(corpus: tuple[Corpus, dict[str, int]]) -> None:
    served, row_of = corpus
    ctx = _context(served, summary="Jeg er sykepleier og jobber med pasienter, medisiner og pleie på sengepost.")
    assert ctx.closest is not None
    assert math.isclose(sum(share for key, share in ctx.closest.occupations.items() if key.startswith("STYRK08:")), 1.0, abs_tol=1e-5)
    terms = _terms(ctx, row_of)
    nurse, anaesthesia, midwife, electrician = terms["nurse-Bergen"], terms["anaesthesia"], terms["midwife"], terms["electrician-Oslo"]
    assert nurse[0] > 0.5  # most of her best postings are nurse ads
    assert anaesthesia[0] > electrician[0] == 0.0  # a nurse posting that shares none of her words still gains: its unit group
    assert anaesthesia[1] > 0.5
    assert midwife[1] > 0.0
    assert midwife[0] < anaesthesia[0]
    assert electrician[1] == 0.0
    assert all(math.isnan(value) for value in terms["uncoded"])  # no occupation: nothing to compare


def test_the_terms_are_explained_and_lift_the_fit_exactly_by_weight_times_share(corpus: tuple[Corpus, dict[str, int]]) -> None:
    served, row_of = corpus
    ctx = _context(served, summary="Jeg er sykepleier og jobber med pasienter, medisiner og pleie på sengepost.")
    rows = np.arange(ctx.n, dtype=np.int64)
    measured = measure(ctx, rows)
    at = int(np.flatnonzero(served.column("ids", ctx.n) == row_of["anaesthesia"])[0])
    item = scored(ctx, measured, at, strong=False)
    share = dict(zip(item.names, item.raws, strict=True))["closest_occupation"]
    assert share is not None
    assert share > 0
    lift = dict(zip(item.names, item.contributions, strict=True))["closest_occupation"]
    assert math.isclose(lift, fit_model().weights["closest_occupation"] * share, rel_tol=1e-6)
    words = item.words("closest_occupation")
    assert "av annonsene som passer deg best" in words.why_no
    assert "of the ads that fit you best" in words.why_en
    assert "anestesisykepleier" in words.why_no or "Sykepleiere" in words.why_no


def test_a_profile_without_text_has_no_closest_postings(corpus: tuple[Corpus, dict[str, int]]) -> None:
    served, row_of = corpus
    ctx = _context(served, summary="")
    assert ctx.closest is None
    assert all(math.isnan(value) for pair in _terms(ctx, row_of).values() for value in pair)


def test_postings_that_arrive_after_the_version_do_not_change_the_shares(corpus: tuple[Corpus, dict[str, int]]) -> None:
    """The pool is the version's: a seeker's own list and a caseworker's candidate search read the same shares."""
    served, _ = corpus
    summary = "Jeg er sykepleier og jobber med pasienter, medisiner og pleie på sengepost."
    before = _context(served, summary=summary).closest
    late = posting_body("late-nurse", title="Sykepleier på sengepost", description="Pasienter, medisiner og pleie på sengepost.",
                        occupations=MIDWIFE)
    late.pop("expires_at")
    with_late = training.read_judgments([json.dumps({"record": "posting", "key": "late", "posting": late})]).postings[1]
    facts = training.judged_facts([with_late.model_copy(update={"id": 999})])
    served.apply(facts, {999: load_embedder("hashing").encode([summary], kind="passage")[0]})
    assert _context(served, summary=summary).closest == before


def test_a_posting_that_arrives_after_the_version_reads_its_occupations_like_a_folded_one(corpus: tuple[Corpus, dict[str, int]]) -> None:
    """Every row's occupation features are gathered per distinct set of occupations: a row the change feed appended gets
    the same values as a folded row with the same occupations, and an uncoded one none."""
    served, row_of = corpus
    summary = "Jeg er sykepleier og jobber med pasienter, medisiner og pleie på sengepost."
    late = [posting_body(f"late-{key}", title=title, description="Pasienter og pleie.", occupations=occupations)
            for key, title, occupations in (("nurse", "Sykepleier", NURSE), ("uncoded", "Vikar", []),
                                            ("new-code", "Radiograf", [{"system": "STYRK08", "code": "3211", "label": "Radiografer"}]))]
    for body in late:
        body.pop("expires_at")
    judged = training.read_judgments([json.dumps({"record": "posting", "key": body["external_id"], "posting": body}) for body in late])
    facts = training.judged_facts([posting.model_copy(update={"id": 900 + number})
                                   for number, posting in enumerate(judged.postings.values())])
    vectors = load_embedder("hashing").encode(["Pasienter og pleie."] * 3, kind="passage")
    served.apply(facts, {900 + number: vector for number, vector in enumerate(vectors)})
    ctx = _context(served, summary=summary, wishes={"occupations": [{"system": "STYRK08", "code": "2223"}]})
    ids = served.column("ids", ctx.n)
    row = {key: int(np.flatnonzero(ids == number)[-1]) for key, number in {**row_of, "late-nurse": 900, "late-uncoded": 901,
                                                                          "late-new-code": 902}.items()}
    assert row["late-nurse"] >= served.sparse["occupation_rows"].n_folded
    for values in (ctx.occupation, ctx.described, ctx.described_group, ctx.closest_occupation, ctx.closest_group):
        assert values[row["late-nurse"]] == values[row["nurse-Bergen"]]
        assert not np.isnan(values[row["late-nurse"]])
    assert ctx.occupation[row["late-nurse"]] == 1.0
    assert ctx.occupation[row["late-uncoded"]] == 0.0
    assert ctx.occupation[row["late-new-code"]] == 0.0
    assert np.isnan(ctx.described[row["late-uncoded"]])
    assert np.isnan(ctx.closest_occupation[row["late-uncoded"]])
    assert ctx.closest_occupation[row["late-new-code"]] == 0.0

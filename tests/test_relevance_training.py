"""`jobmatch relevance train`: the fit model learned from judgments on train, chosen on dev, reported on test."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from jobmatch.embedding.base import Kind
from jobmatch.embedding.sentence import load_embedder
from jobmatch.matching.weights import FIT_FEATURES, FitModel, fit_model
from jobmatch.relevance import train as training
from tests.factories import posting_body, seeker_body

# (STYRK-08 code, label, a title, words of the work); postings and seekers of one occupation share the words, not the text.
OCCUPATIONS = [
    ("2223", "Sykepleiere", "Sykepleier", ["pasienter", "medisiner", "sengepost", "pleie", "turnus"]),
    ("7411", "Elektrikere", "Elektriker", ["kabler", "sikringsskap", "installasjon", "strøm", "anlegg"]),
    ("5120", "Kokker", "Kokk", ["kjøkken", "matlaging", "meny", "råvarer", "servering"]),
    ("2512", "Programvareutviklere", "Utvikler", ["Python", "kode", "databaser", "systemer", "programmering"]),
    ("8322", "Bilførere", "Sjåfør", ["førerkort", "kjøring", "ruter", "kjøretøy", "levering"]),
    ("2342", "Førskolelærere", "Barnehagelærer", ["barn", "lek", "pedagogikk", "foreldre", "barnehage"]),
]
TOWNS = ["Bergen", "Oslo", "Tromsø", "Stavanger"]


def _judgments(path: Path) -> None:
    lines: list[dict[str, Any]] = [{"record": "meta", "format": "jobmatch-relevance-judgments", "version": 1, "source": "test"}]
    for code, label, title, words in OCCUPATIONS:
        for number, town in enumerate(TOWNS):
            body = posting_body(f"{code}-{number}", title=f"{title} i {town}",
                                description=f"Vi søker {title.lower()} i {town}. Arbeidet: {', '.join(words[number:] + words[:number])}.",
                                employer={"name": f"{town} {label} AS"}, skills=words[:2],
                                occupations=[{"system": "STYRK08", "code": code, "label": label}])
            body.pop("expires_at")
            lines.append({"record": "posting", "key": f"{code}-{number}", "posting": body})
    for split, turn in (("train", 0), ("dev", 1), ("test", 2)):
        for code, _, title, words in OCCUPATIONS:
            key = f"{split}-{code}"
            profile = seeker_body(summary=f"Jeg har jobbet med {words[turn]} og {words[turn + 2]} i mange år, og liker {words[turn + 1]}.",
                                  experience=[{"title": title, "description": "", "years": 3 + turn}],
                                  skills=[{"name": words[turn], "level": 4, "wants_to_use": True}],
                                  wishes={"occupations": []}, not_for_me={}, stay_factors={})
            lines.append({"record": "seeker", "key": key, "split": split, "profile": profile})
            lines += [{"record": "judgment", "seeker": key, "posting": f"{code}-{number}", "grade": 2, "aspect": "fit", "split": split}
                      for number in range(len(TOWNS))]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")


class CountingEmbedder:
    """The hashing embedder, counting the texts it is asked to encode."""

    def __init__(self) -> None:
        self.inner = load_embedder("hashing")
        self.model_id, self.dim = self.inner.model_id, self.inner.dim
        self.encoded = 0

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> npt.NDArray[np.float32]:
        self.encoded += len(texts)
        return self.inner.encode(texts, kind=kind)


@pytest.fixture
def judgments(tmp_path: Path) -> training.Judgments:
    path = tmp_path / "judgments.jsonl"
    _judgments(path)
    with path.open(encoding="utf-8") as lines:
        return training.read_judgments(lines)


def test_training_learns_every_weight_chooses_floor_on_dev_and_reports_each_split_and_ablation(
    judgments: training.Judgments, tmp_path: Path,
) -> None:
    embedder = CountingEmbedder()
    model, report = training.train(judgments, training.CachedEmbedder(embedder, tmp_path / "vectors"), base=fit_model())
    assert set(model.weights) == set(FIT_FEATURES)
    assert model.floor in training.FLOOR_CANDIDATES
    assert model.strong >= model.floor
    assert set(report) >= {"train", "dev", "test", "baseline_before_training", "ablations"}
    assert set(report["ablations"]) == set(FIT_FEATURES)
    assert report["test"]["ndcg_at_10"] > 0.6  # the seekers' own words find their occupation's ads
    assert report["dev"]["floor_keeps_relevant"] >= training.FLOOR_KEEPS
    written = tmp_path / "fit_model.json"
    training.write(model, written)
    again = FitModel.from_json(json.loads(written.read_text()))
    assert again.weights == model.weights
    assert again.trained_on["queries"] == {"train": 6, "dev": 6, "test": 6}


def test_kept_vectors_are_not_encoded_again(judgments: training.Judgments, tmp_path: Path) -> None:
    first, second = CountingEmbedder(), CountingEmbedder()
    corpus_first = training.judged_corpus(judgments, training.CachedEmbedder(first, tmp_path / "vectors"))
    corpus_second = training.judged_corpus(judgments, training.CachedEmbedder(second, tmp_path / "vectors"))
    assert first.encoded == len(judgments.postings)
    assert second.encoded == 0
    np.testing.assert_array_equal(corpus_first.dense.vectors.view(), corpus_second.dense.vectors.view())


def test_coordinate_ascent_never_ends_below_where_it_started(judgments: training.Judgments, tmp_path: Path) -> None:
    embedder = training.CachedEmbedder(CountingEmbedder(), tmp_path / "vectors")
    corpus = training.judged_corpus(judgments, embedder)
    train = [found for key, found in training.features(judgments, corpus, embedder, fit_model()) if judgments.split_of[key] == "train"]
    start = np.asarray([fit_model().weights[name] for name in FIT_FEATURES], dtype=np.float32)
    ascended = training.ascend(train, start)
    assert training.mean_ndcg(ascended, train) >= training.mean_ndcg(start, train)
    frozen = training.ascend(train, start, frozen=frozenset({0}))
    assert frozen[0] == start[0]

"""`jobmatch relevance train`: learn the fit model from graded judgments (see docs/relevance-data.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

relevance_app = typer.Typer(help="Relevance: learn the fit model's weights from judgments.", no_args_is_help=True)


@relevance_app.callback()
def relevance() -> None:
    """Relevance: learn the fit model's weights from judgments."""


@relevance_app.command("train")
def train(
    judgments: Annotated[Path, typer.Option(help="JSONL judgments with train, dev and test splits.", exists=True, dir_okay=False)],
    out: Annotated[Path, typer.Option(help="Where to write the model (the served one is src/jobmatch/matching/fit_model.json).")],
    embedding_model: Annotated[str | None, typer.Option(help="Embedder (default: the configured one).")] = None,
    vector_cache: Annotated[Path | None, typer.Option(help="Keep the judged texts' vectors here, so a re-run does not re-encode.")] = None,
) -> None:
    """Fit on train, choose regularisation and the fit floor on dev, report every split (test is never tuned on)."""
    from jobmatch.commands import load_settings
    from jobmatch.embedding.sentence import load_embedder
    from jobmatch.matching.weights import fit_model
    from jobmatch.relevance import train as training

    settings = load_settings()
    embedder = load_embedder(embedding_model or settings.embedding_model, query_prefix=settings.embedding_query_prefix,
                             passage_prefix=settings.embedding_passage_prefix)
    with judgments.open(encoding="utf-8") as lines:
        read = training.read_judgments(lines)
    if vector_cache is not None:
        embedder = training.CachedEmbedder(embedder, vector_cache)
    model, report = training.train(read, embedder, base=fit_model())
    training.write(model, out)
    typer.echo(json.dumps({"model": model.to_json(), "report": report}, indent=2, ensure_ascii=False))

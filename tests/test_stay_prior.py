"""The stay prior's arithmetic and its batch command: outcomes, shrinkage strength, and k-anonymous publication."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from jobmatch.cli import app as cli
from jobmatch.stay_prior.estimate import DEFAULT_STRENGTH, MAX_STRENGTH, Outcome, estimate, outcome, parent_key, strength
from jobmatch.stay_prior.keys import Level, PriorKeys

K = 5


def keys(occupation: str | None, region: str | None = None, employer: str | None = None) -> PriorKeys:
    return PriorKeys(occupation, occupation, region, region, employer, employer)


def test_the_latest_follow_up_decides() -> None:
    assert outcome({}) is None
    assert outcome({3: True}) is True  # until the 12-month answer replaces it
    assert outcome({3: True, 6: False}) is False
    assert outcome({3: True, 6: True, 12: True}) is True
    assert outcome({12: False}) is False


def test_strength_follows_the_spread_between_cells() -> None:
    assert strength([(10, 5, 0.5), (10, 5, 0.5)]) == DEFAULT_STRENGTH  # too few cells to tell
    assert strength([(10, 5, 0.5)] * 4) == MAX_STRENGTH  # no more spread than chance
    spread = strength([(20, 20, 0.5), (20, 0, 0.5), (20, 19, 0.5), (20, 1, 0.5)])
    mild = strength([(20, 12, 0.5), (20, 8, 0.5), (20, 13, 0.5), (20, 7, 0.5)])
    assert spread < mild < MAX_STRENGTH


def test_each_level_shrinks_towards_the_one_above() -> None:
    items = [Outcome(keys("2223", "4601", "a"), True) for _ in range(6)]
    items += [Outcome(keys("2223", "4601", "b"), n < 1) for n in range(6)]
    items += [Outcome(keys("8332", "0301", "c"), n < 2) for n in range(8)]
    cells = {(cell.level, cell.employer_key or cell.occupation_code): cell for cell in estimate(items, k=K).cells}
    overall = cells[(Level.ALL, "")].rate
    assert overall == 9 / 20
    nurses = cells[(Level.OCCUPATION, "2223")]
    assert overall < nurses.rate < 7 / 12
    employer_a = cells[(Level.EMPLOYER, "a")]
    region = cells[(Level.OCCUPATION_REGION, "2223")]
    assert employer_a.rate == (6 + employer_a.strength * region.rate) / (6 + employer_a.strength)
    assert region.rate < employer_a.rate < 1.0


outcomes = st.lists(
    st.builds(
        Outcome,
        keys=st.builds(keys, st.sampled_from(["2223", "5321", None]), st.sampled_from(["4601", "0301", None]),
                       st.sampled_from(["a", "b", "c", None])),
        stayed=st.booleans(),
    ),
    max_size=80,
)


NEXT = {Level.ALL: Level.OCCUPATION, Level.OCCUPATION: Level.OCCUPATION_REGION, Level.OCCUPATION_REGION: Level.EMPLOYER}
PREVIOUS = {narrow: broad for broad, narrow in NEXT.items()}


@settings(max_examples=200, deadline=None)
@given(outcomes)
def test_no_published_number_or_difference_rests_on_fewer_than_k(items: list[Outcome]) -> None:
    published = {(cell.level, (cell.occupation_code, cell.region_code, cell.employer_key)): cell for cell in estimate(items, k=K).cells}
    for (level, key), cell in published.items():
        assert cell.placements >= K
        assert 0.0 <= cell.rate <= 1.0
        if level in PREVIOUS:
            assert (PREVIOUS[level], parent_key(level, key)) in published  # a cell is published only under its parent
        if level in NEXT:
            children = [child for (child_level, child_key), child in published.items()
                        if child_level is NEXT[level] and parent_key(child_level, child_key) == key]
            residual = cell.placements - sum(child.placements for child in children)
            assert residual == 0 or residual >= K  # parent minus its published parts: nobody, or at least k people


def test_refresh_command_and_the_nightly_reindex_refresh_the_table(database_url: str, engine: Engine, tmp_path: Path) -> None:
    env = {"JOBMATCH_DATABASE_URL": database_url, "JOBMATCH_ENVIRONMENT": "test", "JOBMATCH_DATA_DIR": str(tmp_path),
           "JOBMATCH_EMBEDDING_MODEL": "hashing", "JOBMATCH_STAY_PRIOR_MIN_PLACEMENTS": "3"}
    runner = CliRunner(env=env)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO stay_priors VALUES ('all', '', '', '', 9, 9, 1.0, 0, NULL, NULL, NULL, now())"))
    result = runner.invoke(cli, ["stay-prior", "refresh"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["placements_counted"] == 0
    assert json.loads(result.stdout)["min_placements"] == 3
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM stay_priors")) == 0  # replaced by what placements say: nothing
    reindexed = runner.invoke(cli, ["reindex"])
    assert reindexed.exit_code == 0, reindexed.output
    summary = json.loads(reindexed.stdout)
    assert summary["stay_prior"]["published"] == {"all": 0, "occupation": 0, "occupation_region": 0, "employer": 0}

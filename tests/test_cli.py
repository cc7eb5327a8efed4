"""The `jobmatch` command line, run in-process against the test database."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from jobmatch.cli import app
from tests.factories import posting_body

NAV_FEED = Path(__file__).parent / "fixtures" / "nav_feed.ndjson"
Invoke = Callable[..., Result]


@pytest.fixture
def run(database_url: str, engine: Engine) -> Iterator[Invoke]:
    """Invoke the CLI with the test database configured; `engine` makes sure the schema exists."""
    runner = CliRunner(env={"JOBMATCH_DATABASE_URL": database_url, "JOBMATCH_ENVIRONMENT": "test"})
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level

    def invoke(*args: str, stdin: bytes | None = None) -> Result:
        return runner.invoke(app, list(args), input=stdin)

    yield invoke
    # The CLI configures logging for a process of its own; give pytest its handlers back.
    root.handlers[:] = handlers
    root.setLevel(level)


def write_ndjson(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def report_of(result: Result) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def posting_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(text("SELECT count(*) FROM postings")) or 0)


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "db", "import", "demo"):
        assert command in result.stdout


def test_import_of_a_clean_file_prints_the_report_and_exits_0(run: Invoke, engine: Engine, tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "postings.ndjson", [json.dumps(posting_body(f"ad-{i}")) for i in range(3)])

    result = run("import", str(path))

    assert result.exit_code == 0, result.output
    assert report_of(result) == {
        "created": 3, "updated": 0, "unchanged": 0, "rejected": 0, "rejected_lines": [],
        "rejected_lines_truncated": False,
    }
    assert posting_count(engine) == 3

    again = run("import", str(path))
    assert again.exit_code == 0, again.output
    assert (report_of(again)["created"], report_of(again)["unchanged"]) == (0, 3)


def test_import_with_rejected_lines_keeps_the_good_ones_and_exits_1(
    run: Invoke, engine: Engine, tmp_path: Path,
) -> None:
    path = write_ndjson(tmp_path / "postings.ndjson", [
        json.dumps(posting_body("ad-1")),
        '{"external_id": "ad-2", "title": ',
        json.dumps(posting_body("ad-3", workload_percent=150)),
        json.dumps(posting_body("ad-4")),
    ])

    result = run("import", str(path))

    assert result.exit_code == 1
    report = report_of(result)
    assert (report["created"], report["rejected"]) == (2, 2)
    assert [rejection["line"] for rejection in report["rejected_lines"]] == [2, 3]
    assert "Invalid JSON" in report["rejected_lines"][0]["reason"]
    assert report["rejected_lines"][1]["reason"].startswith("workload_percent:")
    assert posting_count(engine) == 2


def test_import_reads_standard_input(run: Invoke, engine: Engine) -> None:
    result = run("import", "-", stdin=(json.dumps(posting_body("ad-1")) + "\n").encode())
    assert result.exit_code == 0, result.output
    assert report_of(result)["created"] == 1
    assert posting_count(engine) == 1


def test_import_of_nav_feed_ads(run: Invoke, engine: Engine, tmp_path: Path) -> None:
    lines = NAV_FEED.read_text(encoding="utf-8").splitlines()
    with_uuid = [line for line in lines if "uuid" in json.loads(line).get("ad_content", json.loads(line))]
    clean = write_ndjson(tmp_path / "clean.ndjson", with_uuid)

    result = run("import", "--format", "nav", str(clean))

    assert result.exit_code == 0, result.output
    assert (report_of(result)["created"], report_of(result)["rejected"]) == (9, 0)

    with_broken_ad = run("import", "--format", "nav", str(NAV_FEED))
    assert with_broken_ad.exit_code == 1
    report = report_of(with_broken_ad)
    assert (report["unchanged"], report["rejected"]) == (9, 1)
    assert report["rejected_lines"] == [{"line": 7, "reason": "uuid is required"}]
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM postings WHERE source = 'nav'")) == 9


def test_db_current_reports_an_up_to_date_schema(run: Invoke) -> None:
    result = run("db", "current")
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert status["up_to_date"] is True
    assert status["current"] == status["head"]


@pytest.mark.parametrize(("env", "named"), [
    ({"JOBMATCH_STATEMENT_TIMEOUT_MS": "SECRET-TAIL-abc"}, "JOBMATCH_STATEMENT_TIMEOUT_MS: Input should be a valid integer"),
    ({"JOBMATCH_TRUSTED_ISSUERS": '[{"issuer": "SECRET-TAIL"'}, 'field "trusted_issuers"'),
    ({"JOBMATCH_ENVIRONMENT": "production", "JOBMATCH_PSEUDONYM_SECRET": "changeme-SECRET-TAIL"},
     "JOBMATCH_PSEUDONYM_SECRET is a placeholder"),
    ({"JOBMATCH_MAX_IMPORT_LINE_BYTES": "0"}, "JOBMATCH_MAX_IMPORT_LINE_BYTES: Input should be greater than or equal to 1"),
])
def test_a_configuration_error_names_the_setting_and_rule_never_the_value(
    database_url: str, env: dict[str, str], named: str,
) -> None:
    runner = CliRunner(env={"JOBMATCH_DATABASE_URL": database_url, **env})
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 78
    assert named in result.output
    assert "SECRET-TAIL" not in result.output
    assert "Traceback" not in result.output


def test_token_and_help_start_without_the_full_settings(tmp_path: Path) -> None:
    """Quick commands stay quick: neither loads pydantic-settings, the database layer or the model."""
    script = (
        "import sys\nfrom jobmatch.cli import app\n"
        "for args in (['token', '--role', 'admin'], ['--help']):\n"
        "    sys.argv = ['jobmatch', *args]\n"
        "    try:\n        app()\n    except SystemExit as exit:\n        assert not exit.code, exit.code\n"
        "heavy = {'pydantic_settings', 'sqlalchemy', 'numpy', 'jobmatch.settings'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "JOBMATCH_DATA_DIR": str(tmp_path), "JOBMATCH_ENVIRONMENT": "development"}
    env.pop("JOBMATCH_DEV_TOKENS", None)
    finished = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    assert finished.returncode == 0, finished.stderr

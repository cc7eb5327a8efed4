"""`jobmatch serve` and `--help` as a new user meets them: a taken port fails at once, the data folder is named."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from jobmatch.cli import app


def test_a_taken_port_is_refused_before_anything_loads() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = CliRunner().invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.output
    assert "PORT=" in result.output
    assert time.monotonic() - started < 5


def test_help_names_the_data_folder_and_how_to_start_afresh(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "jobmatch", "--help"], capture_output=True, text=True, check=True,
                            env={"JOBMATCH_DATA_DIR": str(tmp_path / "here"), "PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert str(tmp_path / "here") in result.stdout
    assert "delete that folder" in result.stdout

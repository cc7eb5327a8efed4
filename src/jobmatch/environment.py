"""The settings a quick command reads straight from the environment, and the rules `Settings` shares with it.

`jobmatch token` and `--help` read these instead of building `Settings`, so they do not import pydantic-settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import platformdirs

PREFIX = "JOBMATCH_"
# pydantic's words for booleans, which `Settings` accepts.
TRUE_WORDS = frozenset({"1", "on", "t", "true", "y", "yes"})
FALSE_WORDS = frozenset({"0", "off", "f", "false", "n", "no"})


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("jobmatch"))


def dev_tokens_enabled(environment: Environment, dev_tokens: bool | None) -> bool:
    """Development tokens are on, unless set otherwise, everywhere but in production."""
    return environment is not Environment.PRODUCTION if dev_tokens is None else dev_tokens


@dataclass(frozen=True)
class DevTokenSettings:
    enabled: bool  # never in production, whatever JOBMATCH_DEV_TOKENS says
    data_dir: Path


def dev_token_settings(environ: Mapping[str, str] = os.environ) -> DevTokenSettings | None:
    """What `jobmatch token` needs, read as `Settings` reads it (names in any case); None when a value needs `Settings`."""
    values = {name.lower(): value for name, value in environ.items() if name.upper().startswith(PREFIX)}
    environment_value = values.get("jobmatch_environment", Environment.DEVELOPMENT.value)
    dev_tokens_value = values.get("jobmatch_dev_tokens")
    if environment_value not in set(Environment):
        return None
    dev_tokens = None if dev_tokens_value is None else _boolean(dev_tokens_value)
    if dev_tokens_value is not None and dev_tokens is None:
        return None
    environment, data_dir = Environment(environment_value), values.get("jobmatch_data_dir")
    return DevTokenSettings(enabled=environment is not Environment.PRODUCTION and dev_tokens_enabled(environment, dev_tokens),
                            data_dir=Path(data_dir) if data_dir else default_data_dir())


def _boolean(value: str) -> bool | None:
    word = value.lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None

"""The API contract as YAML, rendered from the app itself."""

from __future__ import annotations

import yaml

from jobmatch.app import create_app
from jobmatch.settings import Environment, Settings


def render_openapi() -> str:
    app = create_app(Settings(environment=Environment.DEVELOPMENT, database_url=None))
    return yaml.safe_dump(app.openapi(), sort_keys=False, allow_unicode=True, width=120)

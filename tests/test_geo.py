"""Postal codes to points on real PostgreSQL: loading GeoNames data, lookups, distances, resolutions, the CLI."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from statistics import mean
from typing import Any

import pytest
import typer
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from jobmatch.geo import repository
from jobmatch.geo.cli import geo_app
from jobmatch.geo.service import GeoResolver, haversine_km, load_file, parse_geonames
from jobmatch.postings.schemas import Location
from jobmatch.seekers.schemas import WishedLocation

SHARED_DATA = Path(os.environ.get("JOBMATCH_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
NO_TXT = SHARED_DATA / "geo-no" / "NO.txt"
needs_geonames = pytest.mark.skipif(not NO_TXT.is_file(), reason=f"GeoNames file not at {NO_TXT} (set JOBMATCH_SHARED_DATA)")
NO_ROWS = 5132


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    if not NO_TXT.is_file():
        pytest.skip(f"GeoNames file not at {NO_TXT} (set JOBMATCH_SHARED_DATA)")
    with session_factory.begin() as session:
        assert load_file(session, path=NO_TXT) == NO_ROWS
    with session_factory() as session:
        yield session


def bergen_mean() -> tuple[float, float]:
    with NO_TXT.open(encoding="utf-8") as handle:
        bergen = [code for code in parse_geonames(handle) if code.municipality_code == "4601"]
    return mean(code.latitude for code in bergen), mean(code.longitude for code in bergen)


def test_distance_oslo_to_bergen(session: Session) -> None:
    oslo = repository.point_for_postal_code(session, "0150")
    bergen = repository.point_for_postal_code(session, "5003")
    assert oslo == pytest.approx((59.9127, 10.7461))
    assert bergen is not None
    assert oslo is not None
    assert float(haversine_km(*oslo, *bergen)) == pytest.approx(305, abs=15)
    assert float(haversine_km(*bergen, *bergen)) == 0


def test_municipality_point_is_the_mean_of_its_postal_codes(session: Session) -> None:
    expected = pytest.approx(bergen_mean())
    assert repository.point_for_municipality(session, "Bergen") == expected
    assert repository.point_for_municipality(session, "4601") == expected
    assert repository.point_for_municipality(session, "BERGEN") == expected
    assert repository.point_for_municipality(session, "nord fron") == repository.point_for_municipality(session, "3436")


def test_shared_municipality_names_need_their_qualifier(session: Session) -> None:
    assert repository.point_for_municipality(session, "Herøy") is None
    assert repository.point_for_municipality(session, "Herøy (Nordland)") is not None
    assert repository.point_for_municipality(session, "herøy nordland") is not None


def test_unknown_codes_and_names_have_no_point(session: Session) -> None:
    assert repository.point_for_postal_code(session, "9999") is None
    assert repository.point_for_municipality(session, "9999") is None
    assert repository.point_for_municipality(session, "Atlantis") is None


def test_batch_lookup_is_one_query_per_kind(session: Session) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    postal_codes = [f"{code:04d}" for code in range(0, 10_000, 37)] + ["0150", "5003"]
    municipalities = ["Bergen", "4601", "0301", "Herøy", "Atlantis", "1234"]
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        by_code, by_municipality = repository.points_for(
            session, postal_codes=postal_codes, municipalities=municipalities
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert len(statements) == 2
    assert by_code["5003"].place == "Bergen"
    assert "9999" not in by_code
    assert [m.code for m in by_municipality["Bergen"]] == ["4601"] == [m.code for m in by_municipality["4601"]]
    assert by_municipality["0301"][0].name == "Oslo"
    assert len(by_municipality["Herøy"]) == 2
    assert "Atlantis" not in by_municipality
    assert "1234" not in by_municipality


def test_reload_replaces_every_row(session_factory: sessionmaker[Session], session: Session, tmp_path: Path) -> None:
    small = tmp_path / "small.txt"
    small.write_text("NO\t0150\tOslo\tOslo County\t12\tOslo\t0301\t\t\t59.9127\t10.7461\t4\n", encoding="utf-8")
    with session_factory.begin() as writer:
        assert load_file(writer, path=small) == 1
    session.rollback()  # start a new snapshot
    assert repository.count(session) == 1
    assert repository.point_for_postal_code(session, "5003") is None


def test_a_broken_file_leaves_the_old_rows(session_factory: sessionmaker[Session], session: Session,
                                           tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text("NO\t0150\tOslo\tOslo County\t12\tOslo\t0301\t\t\t59.9\t10.7\t4\nNO\t5003\tBergen\n")
    with pytest.raises(ValueError, match="line 2"), session_factory.begin() as writer:
        load_file(writer, path=broken)
    assert repository.count(session) == NO_ROWS


def test_resolving_postings_and_wishes_explains_how(session: Session) -> None:
    given = Location(latitude=60.0, longitude=10.0)
    by_code = Location(postal_code="5003", municipality="Oslo")
    by_municipality_code = Location(postal_code="9999", municipality_code="4601", municipality="Bergen")
    by_name = Location(municipality="BERGEN", municipality_code="3005")  # a pre-2024 number falls back to the name
    nowhere = Location(postal_code="9999")
    county_only = Location(county="Vestland")
    ambiguous = WishedLocation(municipality="Våler")
    wish = WishedLocation(municipality="Bergen", max_distance_km=30)
    resolver = GeoResolver.load(
        session,
        locations=[given, by_code, by_municipality_code, by_name, nowhere, county_only],
        wishes=[ambiguous, wish],
    )

    assert resolver.resolve_location(given).how == "coordinates given in the posting"
    assert resolver.resolve_location(given).point == (60.0, 10.0)
    assert resolver.resolve_location(by_code).how == "postal code 5003 (Bergen)"
    resolved = resolver.resolve_location(by_municipality_code)
    assert resolved.point == pytest.approx(bergen_mean())
    assert resolved.how == "mean of 220 postal codes in Bergen (unknown postal code 9999)"
    assert resolver.resolve_location(by_name).how == (
        "mean of 220 postal codes in Bergen (unknown municipality number 3005)"
    )
    assert resolver.resolve_location(nowhere).point is None
    assert resolver.resolve_location(nowhere).how == "unknown postal code 9999"
    assert resolver.resolve_location(county_only).point is None
    assert "no postal code" in resolver.resolve_location(county_only).how
    assert resolver.resolve_wish(wish).point == pytest.approx(bergen_mean())
    assert resolver.resolve_wish(ambiguous).point is None
    assert resolver.resolve_wish(ambiguous).how == (
        "municipality Våler is ambiguous: Våler (Østfold) 3114, Våler (Innlandet) 3419"
    )


def test_parse_geonames_reports_the_bad_line() -> None:
    good = "NO\t0150\tOslo\tOslo County\t12\tOslo\t0301\t\t\t59.9127\t10.7461\t4"
    [code] = parse_geonames([good, ""])
    assert (code.postal_code, code.municipality, code.municipality_code, code.county) == ("0150", "Oslo", "0301",
                                                                                          "Oslo County")
    with pytest.raises(ValueError, match="line 2: no coordinates"):
        list(parse_geonames([good, good.replace("59.9127", "north")]))
    with pytest.raises(ValueError, match="line 1: postal code '150'"):
        list(parse_geonames([good.replace("0150", "150")]))


@pytest.fixture
def _keep_logging() -> Iterator[None]:
    """The command configures logging onto the runner's stderr, which is closed afterwards: put it back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def cli() -> typer.Typer:
    """The geo commands mounted as `jobmatch` mounts them."""
    app = typer.Typer()
    app.add_typer(geo_app, name="geo")
    return app


@needs_geonames
@pytest.mark.usefixtures("_keep_logging")
def test_cli_load_command(database_url: str, session_factory: sessionmaker[Session]) -> None:
    result = CliRunner().invoke(cli(), ["geo", "load", str(NO_TXT)], env={"JOBMATCH_DATABASE_URL": database_url})

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"postal_codes": NO_ROWS, "source": str(NO_TXT)}
    with session_factory() as session:
        assert repository.count(session) == NO_ROWS


@pytest.mark.skipif(importlib.util.find_spec("pgeocode") is not None, reason="pgeocode is installed")
@pytest.mark.usefixtures("_keep_logging")
def test_cli_load_without_a_file_needs_pgeocode(database_url: str) -> None:
    result = CliRunner().invoke(cli(), ["geo", "load"], env={"JOBMATCH_DATABASE_URL": database_url})

    assert result.exit_code == 2
    assert "pip install pgeocode" in result.output

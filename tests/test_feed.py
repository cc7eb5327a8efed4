"""Following NAV's job feed against a local server that speaks its protocol: pages, 304, INACTIVE, faults, kills."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from jobmatch.cli import app as cli
from jobmatch.feed import repository
from jobmatch.feed.client import FeedClient
from jobmatch.feed.follower import Follower, FollowReport
from tests.feed_server import TOKEN, FeedEmulator, FeedServer, nav_ad


@pytest.fixture
def feed() -> FeedEmulator:
    return FeedEmulator(page_size=3)


@pytest.fixture
def feed_url(feed: FeedEmulator) -> Iterator[str]:
    with FeedServer(feed) as url:
        yield url


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "feed-token"
    path.write_text(TOKEN + "\n")
    return path


def publish(feed: FeedEmulator, count: int, **ad: Any) -> list[str]:
    return [feed.publish(nav_ad(str(uuid.uuid4()), title=f"Sykepleier {number}", **ad)) for number in range(count)]


def follow_once(session_factory: sessionmaker[Session], url: str, **options: Any) -> FollowReport:
    client = FeedClient(url, token=lambda: TOKEN, backoff_seconds=0.01)
    try:
        return Follower(session_factory, client, feed_url=url, **options).run(once=True, poll_seconds=0)
    finally:
        client.close()


def postings(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT external_id, source, status, title, raw FROM postings")).mappings().all()
    return {row["external_id"]: dict(row) for row in rows}


def position(session_factory: sessionmaker[Session], url: str) -> dict[str, Any]:
    with session_factory.begin() as session:
        row = repository.position(session, url)
        return {"page": row.page_url, "etag": row.etag, "in_page": row.items_in_page, "applied": row.items_applied,
                "skipped": row.items_skipped}


def entry_requests(feed: FeedEmulator) -> list[str]:
    return [seen.path.rsplit("/", 1)[-1] for seen in feed.requests("/api/v1/feedentry/")]


def test_once_reads_every_page_into_nav_postings_and_exits_0(
    feed: FeedEmulator, feed_url: str, token_file: Path, database_url: str, engine: Engine,
) -> None:
    ads = publish(feed, 7)  # pages of 3, 3 and 1

    result = CliRunner(env={"JOBMATCH_DATABASE_URL": database_url, "JOBMATCH_ENVIRONMENT": "test"}).invoke(
        cli, ["feed", "follow", "--url", feed_url, "--token-file", str(token_file), "--once"])

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["pages"], report["created"], report["skipped"]) == (3, 7, 0)
    stored = postings(engine)
    assert set(stored) == set(ads)
    assert {row["source"] for row in stored.values()} == {"nav"}
    assert {row["status"] for row in stored.values()} == {"active"}
    assert sorted(entry_requests(feed)) == sorted(ads)  # each entry fetched once
    assert all(seen.headers["authorization"] == f"Bearer {TOKEN}" for seen in feed.seen)


def test_at_the_end_the_page_is_polled_conditionally_and_304_changes_nothing(
    feed: FeedEmulator, feed_url: str, session_factory: sessionmaker[Session], engine: Engine,
) -> None:
    publish(feed, 4)
    follow_once(session_factory, feed_url)
    stored_before, entries_before = postings(engine), len(entry_requests(feed))
    last_page = feed.requests("/api/v1/feed/")[-1]

    report = follow_once(session_factory, feed_url)

    poll = feed.requests("/api/v1/feed")[-1]
    assert poll.path == last_page.path
    assert poll.headers["if-none-match"] == feed.lines[-1].id
    assert "if-modified-since" in poll.headers
    assert poll.status == 304
    assert (report.not_modified, report.pages, sum(report.counts.values())) == (1, 0, 0)
    assert len(entry_requests(feed)) == entries_before
    assert postings(engine) == stored_before
    assert position(session_factory, feed_url)["applied"] == 4


def test_new_lines_on_the_last_page_are_applied_and_the_old_ones_are_not_fetched_again(
    feed: FeedEmulator, feed_url: str, session_factory: sessionmaker[Session], engine: Engine,
) -> None:
    first = publish(feed, 4)  # the last page holds one line
    follow_once(session_factory, feed_url)
    later = publish(feed, 3)  # it fills up, and a new page begins

    report = follow_once(session_factory, feed_url)

    assert report.counts["created"] == 3
    assert entry_requests(feed)[len(first):] == later
    assert set(postings(engine)) == {*first, *later}
    assert position(session_factory, feed_url)["applied"] == 7


def test_an_inactive_line_deactivates_the_posting_and_drops_its_contact_data(
    feed: FeedEmulator, feed_url: str, session_factory: sessionmaker[Session], engine: Engine,
) -> None:
    kept, stopped = publish(feed, 2, contact="Kari Nordmann")
    follow_once(session_factory, feed_url)
    assert postings(engine)[stopped]["raw"]["contactList"][0]["name"] == "Kari Nordmann"
    feed.stop(stopped)

    report = follow_once(session_factory, feed_url)

    stored = postings(engine)
    assert stored[stopped]["status"] == "inactive"
    assert "contactList" not in stored[stopped]["raw"]
    assert "Kari Nordmann" not in json.dumps(stored[stopped])
    assert stored[kept]["status"] == "active"
    assert report.counts["deactivated"] == 1
    assert entry_requests(feed).count(stopped) == 1  # the INACTIVE line needs no entry


def test_an_entry_that_became_inactive_before_it_was_read_is_withdrawn(
    feed: FeedEmulator, feed_url: str, session_factory: sessionmaker[Session], engine: Engine,
) -> None:
    ad = nav_ad(str(uuid.uuid4()))
    feed.publish(ad)
    feed.corrupt(ad["uuid"], {"uuid": ad["uuid"], "status": "INACTIVE", "sistEndret": "2026-01-05T08:00:00", "ad_content": None})

    follow_once(session_factory, feed_url)

    assert ad["uuid"] not in postings(engine)  # never active here, so nothing to keep
    assert position(session_factory, feed_url)["applied"] == 1


def test_429_and_5xx_are_retried_honouring_retry_after(
    feed: FeedEmulator, feed_url: str, session_factory: sessionmaker[Session], engine: Engine,
) -> None:
    ads = publish(feed, 3)
    feed.fail("/api/v1/feed", 429, retry_after="1")
    feed.fail("/api/v1/feedentry/", 503, times=2)

    follow_once(session_factory, feed_url)

    pages = feed.requests("/api/v1/feed")
    assert [seen.status for seen in pages[:2]] == [429, 200]
    assert pages[1].at - pages[0].at >= 0.95
    assert [seen.status for seen in feed.requests("/api/v1/feedentry/")[:3]] == [503, 503, 200]
    assert set(postings(engine)) == set(ads)


def test_a_malformed_entry_is_counted_logged_and_skipped(
    feed: FeedEmulator, feed_url: str, session_factory: sessionmaker[Session], engine: Engine, caplog: pytest.LogCaptureFixture,
) -> None:
    good, bad, broken, also_good = publish(feed, 4)
    feed.corrupt(bad, {"uuid": bad, "status": "ACTIVE", "ad_content": {**nav_ad(bad), "published": "not a date"}})
    feed.corrupt(broken, b"{this is not json")

    with caplog.at_level(logging.WARNING, logger="jobmatch.feed"):
        report = follow_once(session_factory, feed_url)

    assert set(postings(engine)) == {good, also_good}
    assert report.counts["skipped"] == 2
    assert position(session_factory, feed_url) | {"page": None, "etag": None} == {
        "page": None, "etag": None, "in_page": 1, "applied": 2, "skipped": 2}
    assert any(bad in record.getMessage() for record in caplog.records)


def test_killed_mid_page_it_resumes_without_losing_or_repeating_anything(
    feed: FeedEmulator, feed_url: str, token_file: Path, database_url: str, engine: Engine,
    session_factory: sessionmaker[Session],
) -> None:
    feed.page_size = 10
    ads = publish(feed, 10)
    feed.block_entry_number = 5  # chunks of 2: four items committed, the fifth in flight when the kill comes
    env = {key: value for key, value in os.environ.items() if not key.startswith("JOBMATCH_")}
    env |= {"JOBMATCH_DATABASE_URL": database_url, "JOBMATCH_ENVIRONMENT": "test"}
    command = [sys.executable, "-m", "jobmatch", "feed", "follow", "--url", feed_url, "--token-file", str(token_file),
               "--once", "--chunk-size", "2"]
    follower = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert feed.blocked.wait(60), follower.stderr.read().decode() if follower.stderr else ""
        follower.send_signal(signal.SIGKILL)
        follower.wait(10)
    finally:
        feed.release.set()
        follower.kill()
    assert set(postings(engine)) == set(ads[:4])
    assert position(session_factory, feed_url)["in_page"] == 4

    feed.block_entry_number = None
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)

    assert rerun.returncode == 0, rerun.stderr
    assert set(postings(engine)) == set(ads)
    assert position(session_factory, feed_url)["applied"] == 10  # not 11 or 12: nothing applied twice
    fetched = entry_requests(feed)
    assert [fetched.count(ad) for ad in ads] == [1, 1, 1, 1, 2, 1, 1, 1, 1, 1]  # only the one in flight again


def test_without_once_it_keeps_polling_until_stopped(
    feed: FeedEmulator, feed_url: str, session_factory: sessionmaker[Session], engine: Engine,
) -> None:
    publish(feed, 2)
    client = FeedClient(feed_url, token=lambda: TOKEN)
    stop = threading.Event()
    follower = Follower(session_factory, client, feed_url=feed_url)
    thread = threading.Thread(target=follower.run, kwargs={"once": False, "poll_seconds": 0.05, "stop": stop})
    thread.start()
    try:
        late = publish(feed, 1)[0]
        deadline = time.monotonic() + 20
        while late not in postings(engine) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert late in postings(engine)
        while not any(seen.status == 304 for seen in feed.requests("/api/v1/feed/")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(seen.status == 304 for seen in feed.requests("/api/v1/feed/"))  # nothing new: asked, not re-read
    finally:
        stop.set()
        thread.join(10)
        client.close()
    assert not thread.is_alive()


def test_a_refused_token_stops_with_a_clear_message_and_keeps_the_position(
    feed: FeedEmulator, feed_url: str, tmp_path: Path, database_url: str, engine: Engine,
) -> None:
    publish(feed, 2)
    wrong = tmp_path / "wrong-token"
    wrong.write_text("expired")
    runner = CliRunner(env={"JOBMATCH_DATABASE_URL": database_url, "JOBMATCH_ENVIRONMENT": "test"})

    result = runner.invoke(cli, ["feed", "follow", "--url", feed_url, "--token-file", str(wrong), "--once"])

    assert result.exit_code == 1
    assert "401" in result.output
    assert "--token-file" in result.output
    assert postings(engine) == {}
    missing = runner.invoke(cli, ["feed", "follow", "--url", feed_url, "--token-file", str(tmp_path / "nope"), "--once"])
    assert missing.exit_code == 2
    assert "cannot read the token file" in missing.output


def test_a_second_follower_of_the_same_feed_does_nothing(
    feed_url: str, token_file: Path, database_url: str, engine: Engine,
) -> None:
    with engine.connect() as holder:
        assert repository.try_lock(holder, feed_url)
        result = CliRunner(env={"JOBMATCH_DATABASE_URL": database_url, "JOBMATCH_ENVIRONMENT": "test"}).invoke(
            cli, ["feed", "follow", "--url", feed_url, "--token-file", str(token_file), "--once"])
    assert result.exit_code == 75
    assert "another follower" in result.output

"""NAV's job feed (pam-stilling-feed) emulated over real HTTP, with the faults a follower must survive.

Protocol, as the feed's own code serves it: `GET /api/v1/feed` is the first page (with `If-Modified-Since` alone: the
first page with lines newer than that), `GET /api/v1/feed/{id}` the page starting at line `id`. A page holds up to
`page_size` lines; `next_url` is null on the last. `ETag` is the id of the page's last line and `Last-Modified` its time;
both sent back unchanged give 304. `GET /api/v1/feedentry/{uuid}` is the ad's current entry (`ad_content` null once
the ad is inactive). Every call needs the bearer token. Line times are whole seconds, as `Last-Modified` carries them.
"""

from __future__ import annotations

import email.utils
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "feed-test-token"  # noqa: S105


@dataclass
class Line:
    id: str
    ad_uuid: str
    status: str
    title: str
    modified: datetime


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    status: int
    at: float


@dataclass
class Fault:
    path_prefix: str
    status: int
    retry_after: str | None
    times: int


def nav_ad(ad_uuid: str, *, title: str = "Sykepleier", municipality: str = "BERGEN", contact: str | None = None) -> dict[str, Any]:
    """An ad shaped like the feed's `FeedAd`."""
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    return {
        "uuid": ad_uuid, "published": now.isoformat(), "expires": (now + timedelta(days=30)).isoformat(),
        "updated": now.isoformat(),
        "workLocations": [{"country": "NORGE", "address": "Storgata 1", "city": municipality, "postalCode": "5003",
                           "county": "VESTLAND", "municipal": municipality}],
        "contactList": [{"name": contact, "email": "kontakt@example.no", "phone": "99999999", "role": None, "title": "Leder"}]
        if contact else [],
        "title": title, "description": f"<p>Vi søker {title.lower()}.</p>", "sourceurl": None, "source": "IMPORTAPI",
        "applicationUrl": "", "applicationDue": "Snarest", "occupationCategories": [],
        "categoryList": [{"categoryType": "STYRK08", "code": "2223", "name": "Sykepleiere", "score": 1.0}],
        "jobtitle": title, "link": f"https://arbeidsplassen.nav.no/stillinger/stilling/{ad_uuid}",
        "employer": {"name": "Helse Bergen", "orgnr": "983974724", "description": "", "homepage": ""},
        "engagementtype": "Fast", "extent": "Heltid", "starttime": "", "positioncount": "1", "sector": "Offentlig",
    }


@dataclass
class FeedEmulator:
    page_size: int = 3
    lines: list[Line] = field(default_factory=list)
    entries: dict[str, Any] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    faults: deque[Fault] = field(default_factory=deque)
    block_entry_number: int | None = None
    blocked: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _clock: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- what happens at NAV -------------------------------------------------------------------------------------------
    def publish(self, ad: dict[str, Any]) -> str:
        with self._lock:
            self.entries[ad["uuid"]] = {"uuid": ad["uuid"], "status": "ACTIVE", "sistEndret": self._tick().isoformat(),
                                        "ad_content": ad}
            self._line(ad["uuid"], "ACTIVE", ad["title"])
        return str(ad["uuid"])

    def stop(self, ad_uuid: str) -> None:
        """The ad is stopped: masked, its entry emptied, an INACTIVE line appended."""
        with self._lock:
            self.entries[ad_uuid] = {"uuid": ad_uuid, "status": "INACTIVE", "sistEndret": self._tick().isoformat(),
                                     "ad_content": None}
            self._line(ad_uuid, "INACTIVE", "...")

    def corrupt(self, ad_uuid: str, body: Any) -> None:
        with self._lock:
            self.entries[ad_uuid] = body

    def fail(self, path_prefix: str, status: int, *, retry_after: str | None = None, times: int = 1) -> None:
        self.faults.append(Fault(path_prefix, status, retry_after, times))

    def _tick(self) -> datetime:
        self._clock += timedelta(seconds=1)
        return self._clock

    def _line(self, ad_uuid: str, status: str, title: str) -> None:
        self.lines.append(Line(str(uuid.uuid4()), ad_uuid, status, title, self._clock))

    # -- what a consumer sees ------------------------------------------------------------------------------------------
    def requests(self, prefix: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path.startswith(prefix)]

    def respond(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {}, b""
        for fault in list(self.faults):
            if path.startswith(fault.path_prefix):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault.status, {"Retry-After": fault.retry_after} if fault.retry_after else {}, b"busy"
        if path.startswith("/api/v1/feedentry/"):
            return self._entry(path.removeprefix("/api/v1/feedentry/"))
        if path == "/api/v1/feed" or path.startswith("/api/v1/feed/"):
            return self._page(path.removeprefix("/api/v1/feed").lstrip("/"), headers)
        return 404, {}, b""

    def _entry(self, ad_uuid: str) -> tuple[int, dict[str, str], bytes]:
        number = len(self.requests("/api/v1/feedentry/"))  # this request is already recorded
        if number == self.block_entry_number:
            self.blocked.set()
            self.release.wait(30)
        with self._lock:
            if ad_uuid not in self.entries:
                return 404, {}, b""
            body = self.entries[ad_uuid]
        return 200, {"Content-Type": "application/json"}, body if isinstance(body, bytes) else json.dumps(body).encode()

    def _page(self, page_id: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        since = _http_date(headers.get("if-modified-since"))
        with self._lock:
            lines = list(self.lines)
        if page_id:
            starts = [number for number, line in enumerate(lines) if line.id == page_id]
            if not starts:
                return 404, {}, b""
            start = starts[0]
        else:
            newer = [number for number, line in enumerate(lines) if since is None or line.modified > since]
            if not newer:
                return (304 if lines else 404), {}, b""
            start = newer[0]
        page = lines[start:start + self.page_size]
        following = lines[start + self.page_size] if len(lines) > start + self.page_size else None
        last = page[-1]
        if page_id and headers.get("if-none-match") == last.id and since is not None and last.modified <= since:
            return 304, {}, b""
        body = {
            "version": "1.0", "title": "Stillingsfeeden fra arbeidsplassen.no", "home_page_url": "https://arbeidsplassen.nav.no",
            "feed_url": f"/api/v1/feed/{page[0].id}", "description": "Feed med stillinger fra arbeidsplassen.no",
            "next_url": f"/api/v1/feed/{following.id}" if following else None, "id": page[0].id,
            "next_id": following.id if following else None,
            "items": [{"id": line.ad_uuid, "url": f"/api/v1/feedentry/{line.ad_uuid}", "title": line.title,
                       "content_text": "Stillingsannonse", "date_modified": line.modified.isoformat(),
                       "_feed_entry": {"uuid": line.ad_uuid, "status": line.status, "title": line.title,
                                       "businessName": "Helse Bergen", "municipal": "BERGEN",
                                       "sistEndret": line.modified.isoformat()}} for line in page],
        }
        return 200, {"Content-Type": "application/json", "ETag": last.id,
                     "Last-Modified": email.utils.format_datetime(last.modified, usegmt=True)}, json.dumps(body).encode()


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


class FeedServer:
    """The emulator on a real socket, in a thread: `with FeedServer(feed) as url: ...`."""

    def __init__(self, feed: FeedEmulator) -> None:
        self.feed = feed
        emulator = feed

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (the standard library's name)
                headers = {key.lower(): value for key, value in self.headers.items()}
                path = self.path.split("?")[0]
                seen = Seen(path, headers, 0, time.monotonic())
                emulator.seen.append(seen)
                status, extra, body = emulator.respond(path, headers)
                seen.status = status
                try:
                    self.send_response(status)
                    for key, value in extra.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if body:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the follower was killed while this answer was on its way

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self._thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.feed.release.set()
        self.server.shutdown()
        self.server.server_close()

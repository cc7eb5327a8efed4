"""The feed's documents: pages of items, and the entry behind each item, turned into changes to postings.

A page is `{id, next_id, next_url, items: [{id, url, title, date_modified, _feed_entry: {uuid, status, ...}}]}`;
an entry is `{uuid, status, sistEndret, ad_content}` (the published docs call the ad `json`; both are accepted).
An INACTIVE item or entry withdraws the ad; its contact data is not kept (stopped ads are masked at the source).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jobmatch.postings.importer import describe
from jobmatch.postings.nav import NAV_SOURCE, Withdrawn, from_nav
from jobmatch.postings.schemas import PostingIn

FIRST_PAGE = "/api/v1/feed"


class MalformedFeedData(ValueError):
    """A page, item or entry that does not follow the protocol; an item or entry is skipped, a page stops the run."""


@dataclass(frozen=True)
class FeedItem:
    uuid: str
    url: str
    status: str


@dataclass(frozen=True)
class FeedPage:
    id: str | None
    self_url: str | None
    next_url: str | None
    items: list[FeedItem | MalformedFeedData]
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Upsert:
    posting: PostingIn
    raw: dict[str, Any]


Change = Upsert | Withdrawn


def parse_page(body: Any, *, etag: str | None, last_modified: str | None) -> FeedPage:
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise MalformedFeedData("a feed page must be an object with a list of items")
    next_url = body.get("next_url")
    if next_url is not None and not isinstance(next_url, str):
        raise MalformedFeedData("next_url must be a string or null")
    self_url = body.get("feed_url")
    return FeedPage(id=str(body["id"]) if body.get("id") else None,
                    self_url=self_url if isinstance(self_url, str) and self_url.startswith("/") else None, next_url=next_url or None,
                    items=[_item(raw) for raw in body["items"]], etag=etag, last_modified=last_modified)


def _item(raw: Any) -> FeedItem | MalformedFeedData:
    if not isinstance(raw, dict):
        return MalformedFeedData("a feed item must be an object")
    entry: dict[str, Any] = raw["_feed_entry"] if isinstance(raw.get("_feed_entry"), dict) else {}
    uuid = entry.get("uuid") or raw.get("id")
    url = raw.get("url")
    if not uuid or not isinstance(url, str) or not url:
        return MalformedFeedData(f"feed item {uuid or '?'} lacks its uuid or url")
    return FeedItem(uuid=str(uuid), url=url, status=str(entry.get("status") or "ACTIVE").upper())


def withdrawal(item: FeedItem) -> Withdrawn | None:
    """An INACTIVE item needs no entry: the ad is withdrawn whatever the entry still says about it."""
    return Withdrawn(NAV_SOURCE, item.uuid) if item.status == "INACTIVE" else None


def parse_entry(body: Any, *, item: FeedItem) -> Change:
    if not isinstance(body, dict):
        raise MalformedFeedData(f"entry {item.uuid}: not a JSON object")
    status = str(body.get("status") or "ACTIVE").upper()
    ad = body.get("ad_content", body.get("json"))
    if status == "INACTIVE" or ad in (None, ""):
        return Withdrawn(NAV_SOURCE, str(body.get("uuid") or item.uuid))
    if not isinstance(ad, dict):
        raise MalformedFeedData(f"entry {item.uuid}: the ad must be an object")
    try:
        parsed = from_nav({"ad_content": ad, "status": status})
    except (ValueError, KeyError, TypeError) as error:  # pydantic's ValidationError is a ValueError
        raise MalformedFeedData(f"entry {item.uuid}: {describe(error)}") from error
    if isinstance(parsed, Withdrawn):
        return parsed
    posting, raw = parsed
    return Upsert(posting=posting, raw=raw)

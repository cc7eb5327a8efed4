"""Straight-line commute distances from the seeker's wished places to each posting, via loaded postal-code points.

Travel time would be better than straight-line distance (fjords, ferries, mountain passes); that needs a routing
engine and is a known limit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from jobmatch.geo.service import GeoResolver, Resolution, haversine_km
from jobmatch.matching.stay import Commute, default_commute_limit
from jobmatch.postings.schemas import Location, PostingIn, PostingOut
from jobmatch.seekers.schemas import SeekerIn, WishedLocation


def _place(location: Location) -> str:
    return location.municipality or location.postal_code or location.municipality_code or "the workplace"


def _wish_place(wish: WishedLocation) -> str:
    return wish.postal_code or wish.municipality or "?"


def commute(resolver: GeoResolver, profile: SeekerIn, posting: PostingIn) -> Commute:
    wishes = profile.wishes.locations
    if not wishes:
        return Commute(None, default_commute_limit(None), None, None)
    wished: list[tuple[WishedLocation, Resolution]] = [(wish, resolver.resolve_wish(wish)) for wish in wishes]
    located = [(wish, r.point) for wish, r in wished if r.point is not None]
    first_wish = wishes[0]
    if not located:
        reason = "; ".join(r.how for _, r in wished)
        return Commute(None, default_commute_limit(first_wish.max_distance_km), _wish_place(first_wish), None, reason)
    places = [(location, resolver.resolve_location(location)) for location in posting.locations]
    reachable = [(location, r.point) for location, r in places if r.point is not None]
    if not reachable:
        reason = "; ".join(r.how for _, r in places) or "the posting has no location"
        wish, _ = located[0]
        return Commute(None, default_commute_limit(wish.max_distance_km), _wish_place(wish), None, reason)
    options = [
        Commute(haversine_km(wish_at, location_at), default_commute_limit(wish.max_distance_km), _wish_place(wish), _place(location))
        for wish, wish_at in located
        for location, location_at in reachable
    ]
    return min(options, key=lambda option: (option.distance_km or 0.0) / option.max_km)


def commutes_for(session: Session, profile: SeekerIn, postings: list[PostingOut]) -> dict[int, Commute]:
    """The commute to every posting, resolved with two lookups for the whole batch."""
    resolver = GeoResolver.load(
        session,
        locations=[location for posting in postings for location in posting.locations],
        wishes=profile.wishes.locations,
    )
    return {posting.id: commute(resolver, profile, posting) for posting in postings}

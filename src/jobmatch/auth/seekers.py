"""Whose seeker data a caller reaches: the seeker their own; a caseworker, with a purpose, whom they follow up."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, Header, Path

from jobmatch.audit import service as audit
from jobmatch.audit.schemas import Action
from jobmatch.auth.principal import Principal, Role
from jobmatch.db.tables import SeekerRow
from jobmatch.deps import AccessDep, PrincipalDep, SessionDep, StateDep
from jobmatch.embedding.texts import scrub_personal_data
from jobmatch.errors import Forbidden, InvalidRequest, NotFound
from jobmatch.seekers import service as seekers_service

PURPOSE_MIN, PURPOSE_MAX = 3, 200

Purpose = Annotated[str | None, Header(
    alias="X-Purpose", max_length=3 * PURPOSE_MAX,
    description=(
        "Caseworkers must say why they look (e.g. `Oppf%C3%B8lging`: UTF-8, percent-encoded where not ASCII); "
        "it is recorded and shown to the seeker."
    ),
)]
SeekerId = Annotated[uuid.UUID, Path(description="The seeker's id.")]


def caseworker_refusal(principal: Principal, row: SeekerRow | None) -> str | None:
    """Why this caseworker may not read this seeker, or None when they may. Independent of `findable`."""
    if row is None:
        return "unknown"
    if not row.caseworker_access:
        return "withdrawn"
    if row.protected and not principal.protected_access:
        return "protected"
    if row.assigned_caseworker != principal.subject and row.assigned_unit not in principal.units:
        return "not_assigned"
    return None


def _decoded(header: str) -> str:
    """Header values arrive as latin-1: undo that for raw UTF-8 senders, then the percent-encoding."""
    raw = header.encode("latin-1", errors="replace")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = header
    return unquote(text, errors="replace")


def stated_purpose(purpose: str | None) -> str:
    cleaned = " ".join(_decoded(purpose or "").split())
    cleaned = "".join(character for character in cleaned if character.isprintable())
    if not PURPOSE_MIN <= len(cleaned) <= PURPOSE_MAX:
        raise InvalidRequest(f"caseworkers must state a purpose in the X-Purpose header ({PURPOSE_MIN}-{PURPOSE_MAX} characters)")
    return scrub_personal_data(cleaned)


def own_seeker(seeker_id: SeekerId, principal: PrincipalDep, session: SessionDep, access: AccessDep) -> SeekerRow:
    """The seeker's own profile; anyone else's id answers exactly like an unknown one."""
    if principal.role is not Role.SEEKER:
        raise Forbidden("only the seeker themself may do this")
    row = seekers_service.find(session, seeker_id=seeker_id)
    if row is None or row.subject_ref != access.pseudonyms.subject(principal.subject):
        raise seekers_service.not_found(seeker_id)
    seekers_service.touch(session, row)
    return row


def _readable(
    *, seeker_id: uuid.UUID, principal: Principal, session: SessionDep, state: StateDep, access: AccessDep, purpose: str | None,
    action: Action, posting_id: int | None = None,
) -> SeekerRow:
    if principal.role is Role.SEEKER:
        return own_seeker(seeker_id, principal, session, access)
    if principal.role is not Role.CASEWORKER:
        raise Forbidden("seeker data is for the seeker and their caseworkers")
    why = stated_purpose(purpose)
    row = seekers_service.find(session, seeker_id=seeker_id)
    seeker_ref = access.pseudonyms.seeker(seeker_id)
    refusal = caseworker_refusal(principal, row)
    if refusal is not None or row is None:
        audit.record_refusal(state.session_factory, principal, seeker_ref=seeker_ref, action=action, purpose=why,
                             reason=refusal or "unknown", posting_id=posting_id, cef=access.audit_cef)
        raise seekers_service.not_found(seeker_id)
    audit.record(session, principal, seeker_ref=seeker_ref, action=action, purpose=why, posting_id=posting_id, cef=access.audit_cef)
    return row


def profile_reader(
    seeker_id: SeekerId, principal: PrincipalDep, session: SessionDep, state: StateDep, access: AccessDep, purpose: Purpose = None,
) -> SeekerRow:
    return _readable(seeker_id=seeker_id, principal=principal, session=session, state=state, access=access, purpose=purpose,
                     action=Action.READ_PROFILE)


def matches_reader(
    seeker_id: SeekerId, principal: PrincipalDep, session: SessionDep, state: StateDep, access: AccessDep, purpose: Purpose = None,
) -> SeekerRow:
    return _readable(seeker_id=seeker_id, principal=principal, session=session, state=state, access=access, purpose=purpose,
                     action=Action.READ_MATCHES)


def explanation_reader(
    seeker_id: SeekerId, posting_id: Annotated[int, Path(ge=1, le=2**63 - 1)], principal: PrincipalDep, session: SessionDep,
    state: StateDep, access: AccessDep, purpose: Purpose = None,
) -> SeekerRow:
    return _readable(seeker_id=seeker_id, principal=principal, session=session, state=state, access=access, purpose=purpose,
                     action=Action.READ_EXPLANATION, posting_id=posting_id)


OwnSeekerDep = Annotated[SeekerRow, Depends(own_seeker)]
ProfileReadDep = Annotated[SeekerRow, Depends(profile_reader)]
MatchesReadDep = Annotated[SeekerRow, Depends(matches_reader)]
ExplanationReadDep = Annotated[SeekerRow, Depends(explanation_reader)]


def own_profile(principal: PrincipalDep, session: SessionDep, access: AccessDep) -> SeekerRow:
    """The profile bound to the calling seeker (for `/v1/me`)."""
    if principal.role is not Role.SEEKER:
        raise Forbidden("only the seeker themself may do this")
    row = seekers_service.find_own(session, subject_ref=access.pseudonyms.subject(principal.subject))
    if row is None:
        raise NotFound("you have no profile yet; create it with POST /v1/seekers")
    seekers_service.touch(session, row)
    return row


OwnProfileDep = Annotated[SeekerRow, Depends(own_profile)]

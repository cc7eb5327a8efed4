"""HTTP routes for seekers: the seeker's own profile, caseworkers' reads of it, erasure and export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from jobmatch.audit import service as audit
from jobmatch.audit.schemas import Action
from jobmatch.auth.principal import Role
from jobmatch.auth.rules import Rule, access
from jobmatch.auth.seekers import OwnSeekerDep, ProfileReadDep, Purpose, stated_purpose
from jobmatch.deps import AccessDep, EmbedderDep, PrincipalDep, SessionDep, SettingsDep, StateDep
from jobmatch.errors import Conflict, Forbidden, InvalidRequest, NotFound, PayloadTooLarge, PreconditionFailed
from jobmatch.etags import IfMatch, tagged
from jobmatch.links import created_links
from jobmatch.privacy import export
from jobmatch.privacy.schemas import SeekerExport
from jobmatch.seekers import service
from jobmatch.seekers.schemas import SeekerCreate, SeekerIn, SeekerListPage, SeekerOut, SeekerPatch

router = APIRouter(prefix="/seekers", tags=["seekers"])


CREATE_REFUSED = "you cannot create a profile for this person in that unit"


SEEKER_LINKS = created_links("/v1/seekers/{seeker_id}", parameter="seeker_id",
                             methods={"ReadSeeker": "get", "ReplaceSeeker": "put", "PatchSeeker": "patch", "EraseSeeker": "delete"})


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SeekerOut,
             **access(Rule.SEEKER_CREATE, errors=(Conflict, InvalidRequest, Forbidden, PayloadTooLarge), responses=SEEKER_LINKS))
def create_seeker(
    body: SeekerCreate, principal: PrincipalDep, session: SessionDep, state: StateDep, embedder: EmbedderDep,
    access_context: AccessDep, response: Response, purpose: Purpose = None,
) -> SeekerOut:
    """A seeker creates their own profile (one per person); a caseworker creates one for a person, in their unit.

    A caseworker is told nothing about people outside their units: a person who has a profile already and a unit
    that is not theirs get the same 403, and the attempt is audited (the seeker sees it in their access log).
    """
    pseudonyms = access_context.pseudonyms
    if principal.role is Role.SEEKER:
        if body.person is not None or body.unit is not None:
            raise InvalidRequest("`person` and `unit` are for caseworkers; your profile is bound to your own token")
        row = service.create(session, profile=body.profile(), embedder=embedder, subject_ref=pseudonyms.subject(principal.subject))
    else:
        if body.person is None:
            raise InvalidRequest("name the person the profile is for in `person`")
        why = stated_purpose(purpose) if purpose is not None else None
        subject_ref = pseudonyms.subject(body.person)
        existing = service.find_own(session, subject_ref=subject_ref)
        unit = body.unit or min(principal.units, default=None)
        refusal = "exists" if existing is not None else None if unit in principal.units else "not_assigned"
        if refusal is not None or unit is None:
            audit.record_refusal(state.session_factory, principal, action=Action.CREATE_PROFILE, purpose=why,
                                 seeker_ref=pseudonyms.seeker(existing.id) if existing else subject_ref,
                                 reason=refusal or "not_assigned", cef=access_context.audit_cef)
            raise Forbidden(CREATE_REFUSED)
        try:
            row = service.create(session, profile=body.profile(), embedder=embedder, subject_ref=subject_ref, assigned_unit=unit)
        except Conflict as exc:  # created concurrently: the same answer as any refusal
            raise Forbidden(CREATE_REFUSED) from exc
        audit.record(session, principal, seeker_ref=pseudonyms.seeker(row.id), action=Action.CREATE_PROFILE, purpose=why,
                     cef=access_context.audit_cef)
    response.headers["Location"] = f"/v1/seekers/{row.id}"
    out = service.to_out(row)
    tagged(response, out)
    return out


@router.get("", response_model=SeekerListPage, **access(Rule.CASEWORKER, errors=(InvalidRequest,)))
def list_seekers(
    principal: PrincipalDep, session: SessionDep, settings: SettingsDep, access_context: AccessDep, purpose: Purpose = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> SeekerListPage:
    """The seekers the caseworker may read (assigned to them or their units, access not withdrawn), newest profile first.

    Only an id, a headline and when the profile changed; needs `X-Purpose`, and every seeker listed sees the listing
    in their access log (`list:seekers`). Seekers use `/v1/me` instead (403 here).
    """
    if limit > settings.max_page_size:
        raise InvalidRequest(f"limit may be at most {settings.max_page_size}")
    return service.readable_list(session, principal=principal, pseudonyms=access_context.pseudonyms,
                                 purpose=stated_purpose(purpose), cursor=cursor, limit=limit, cef=access_context.audit_cef)


@router.get("/{seeker_id}", response_model=SeekerOut, **access(Rule.SEEKER_READ, errors=(NotFound, InvalidRequest)))
def get_seeker(seeker: ProfileReadDep, response: Response) -> SeekerOut:
    """The profile, for the seeker or a caseworker who follows them up (with `X-Purpose`; audited). Carries an `ETag`."""
    out = service.to_out(seeker)
    tagged(response, out)
    return out


@router.put("/{seeker_id}", response_model=SeekerOut,
            **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest, PayloadTooLarge, PreconditionFailed)))
def replace_seeker(
    seeker: OwnSeekerDep, profile: SeekerIn, session: SessionDep, embedder: EmbedderDep, response: Response, if_match: IfMatch = None,
) -> SeekerOut:
    """Replace the whole profile; with `If-Match`, only if it is unchanged since that read (412 otherwise)."""
    out = service.to_out(service.replace(session, seeker_id=seeker.id, profile=profile, embedder=embedder, if_match=if_match))
    tagged(response, out)
    return out


@router.patch("/{seeker_id}", response_model=SeekerOut,
              **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest, PayloadTooLarge, PreconditionFailed)))
def patch_seeker(
    seeker: OwnSeekerDep, changes: SeekerPatch, session: SessionDep, embedder: EmbedderDep, response: Response,
    if_match: IfMatch = None,
) -> SeekerOut:
    """Change the fields given; concurrent PATCHes to different fields both land. `If-Match` as for PUT."""
    out = service.to_out(service.patch(session, seeker_id=seeker.id, changes=changes, embedder=embedder, if_match=if_match))
    tagged(response, out)
    return out


@router.delete("/{seeker_id}", status_code=status.HTTP_204_NO_CONTENT, **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest)))
def delete_seeker(seeker: OwnSeekerDep, session: SessionDep) -> Response:
    """Erase the seeker everywhere at once: profile, vectors, rows that reference them. Audit keeps only a pseudonym."""
    service.delete(session, seeker_id=seeker.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{seeker_id}/export", response_model=SeekerExport, **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest)))
def export_seeker(seeker: OwnSeekerDep, session: SessionDep, access_context: AccessDep) -> SeekerExport:
    """Everything stored about the seeker: every table that references them, their vectors, and their access log."""
    return export.export_seeker(session, seeker=seeker, pseudonyms=access_context.pseudonyms)

"""HTTP routes for seekers: the seeker's own profile, caseworkers' reads of it, erasure and export."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from jobmatch.audit import service as audit
from jobmatch.audit.schemas import Action
from jobmatch.auth.principal import Role
from jobmatch.auth.rules import Rule, access
from jobmatch.auth.seekers import OwnSeekerDep, ProfileReadDep, Purpose, stated_purpose
from jobmatch.deps import AccessDep, EmbedderDep, PrincipalDep, SessionDep
from jobmatch.errors import Conflict, InvalidRequest, NotFound, PayloadTooLarge
from jobmatch.privacy import export
from jobmatch.privacy.schemas import SeekerExport
from jobmatch.seekers import service
from jobmatch.seekers.schemas import SeekerCreate, SeekerIn, SeekerOut, SeekerPatch

router = APIRouter(prefix="/seekers", tags=["seekers"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SeekerOut,
             **access(Rule.SEEKER_CREATE, errors=(Conflict, InvalidRequest, PayloadTooLarge)))
def create_seeker(
    body: SeekerCreate, principal: PrincipalDep, session: SessionDep, embedder: EmbedderDep, access_context: AccessDep,
    response: Response, purpose: Purpose = None,
) -> SeekerOut:
    """A seeker creates their own profile (one per person); a caseworker creates one for a person, in their unit."""
    pseudonyms = access_context.pseudonyms
    if principal.role is Role.SEEKER:
        if body.person is not None or body.unit is not None:
            raise InvalidRequest("`person` and `unit` are for caseworkers; your profile is bound to your own token")
        row = service.create(session, profile=body.profile(), embedder=embedder, subject_ref=pseudonyms.subject(principal.subject))
    else:
        if body.person is None:
            raise InvalidRequest("name the person the profile is for in `person`")
        unit = body.unit or min(principal.units, default=None)
        if unit is None or unit not in principal.units:
            raise InvalidRequest(f"`unit` must be one of your units: {', '.join(sorted(principal.units)) or 'none'}")
        why = stated_purpose(purpose) if purpose is not None else None
        row = service.create(session, profile=body.profile(), embedder=embedder, subject_ref=pseudonyms.subject(body.person),
                             assigned_unit=unit)
        audit.record(session, principal, seeker_ref=pseudonyms.seeker(row.id), action=Action.CREATE_PROFILE, purpose=why,
                     cef=access_context.audit_cef)
    response.headers["Location"] = f"/v1/seekers/{row.id}"
    return service.to_out(row)


@router.get("/{seeker_id}", response_model=SeekerOut, **access(Rule.SEEKER_READ, errors=(NotFound, InvalidRequest)))
def get_seeker(seeker: ProfileReadDep) -> SeekerOut:
    """The profile, for the seeker or a caseworker who follows them up (with `X-Purpose`; audited)."""
    return service.to_out(seeker)


@router.put("/{seeker_id}", response_model=SeekerOut, **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest, PayloadTooLarge)))
def replace_seeker(seeker: OwnSeekerDep, profile: SeekerIn, session: SessionDep, embedder: EmbedderDep) -> SeekerOut:
    return service.to_out(service.replace(session, seeker_id=seeker.id, profile=profile, embedder=embedder))


@router.patch("/{seeker_id}", response_model=SeekerOut, **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest, PayloadTooLarge)))
def patch_seeker(seeker: OwnSeekerDep, changes: SeekerPatch, session: SessionDep, embedder: EmbedderDep) -> SeekerOut:
    return service.to_out(service.patch(session, seeker_id=seeker.id, changes=changes, embedder=embedder))


@router.delete("/{seeker_id}", status_code=status.HTTP_204_NO_CONTENT, **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest)))
def delete_seeker(seeker: OwnSeekerDep, session: SessionDep) -> Response:
    """Erase the seeker everywhere at once: profile, vectors, rows that reference them. Audit keeps only a pseudonym."""
    service.delete(session, seeker_id=seeker.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{seeker_id}/export", response_model=SeekerExport, **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest)))
def export_seeker(seeker: OwnSeekerDep, session: SessionDep, access_context: AccessDep) -> SeekerExport:
    """Everything stored about the seeker: every table that references them, their vectors, and their access log."""
    return export.export_seeker(session, seeker=seeker, pseudonyms=access_context.pseudonyms)

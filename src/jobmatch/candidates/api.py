"""HTTP route for candidate search: the seekers who fit a posting, for caseworkers."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from jobmatch.auth.rules import Rule, access
from jobmatch.auth.seekers import Purpose, stated_purpose
from jobmatch.candidates import service
from jobmatch.candidates.schemas import CandidatePage
from jobmatch.deps import AccessDep, EmbedderDep, PrincipalDep, SeekerSideDep, SessionDep, SettingsDep
from jobmatch.errors import InvalidRequest, NotFound, ServiceUnavailable

router = APIRouter(prefix="/postings", tags=["candidates"])


@router.get("/{posting_id}/candidates", response_model=CandidatePage,
            **access(Rule.CASEWORKER, errors=(NotFound, InvalidRequest, ServiceUnavailable)))
def list_candidates(
    posting_id: Annotated[int, Path(ge=1, le=2**63 - 1, description="The posting's id.")],
    principal: PrincipalDep, session: SessionDep, seekers: SeekerSideDep, embedder: EmbedderDep, access_context: AccessDep,
    settings: SettingsDep,
    purpose: Purpose = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    language: Annotated[Literal["no", "en"], Query(alias="lang", description="Language of the summary reasons.")] = "no",
) -> CandidatePage:
    """Seekers who fit the posting, best first, each with every term of their score.

    Only seekers who let themselves be found and whom the caseworker may see (those they follow up, with `X-Purpose`)
    are considered. Each seeker shown is audited.
    """
    why = stated_purpose(purpose)
    return service.candidates(
        session, seekers, posting_id=posting_id, principal=principal, embedder=embedder, pseudonyms=access_context.pseudonyms,
        purpose=why, cursor=cursor, limit=min(limit, settings.max_page_size), language=language, cef=access_context.audit_cef,
    )

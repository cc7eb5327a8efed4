"""HTTP routes for seekers."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from jobmatch.deps import EmbedderDep, SessionDep
from jobmatch.errors import InvalidRequest, NotFound, problem_responses
from jobmatch.seekers import service
from jobmatch.seekers.schemas import SeekerIn, SeekerOut, SeekerPatch

router = APIRouter(prefix="/seekers", tags=["seekers"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SeekerOut, responses=problem_responses(InvalidRequest))
def create_seeker(profile: SeekerIn, session: SessionDep, embedder: EmbedderDep, response: Response) -> SeekerOut:
    row = service.create(session, profile=profile, embedder=embedder)
    response.headers["Location"] = f"/v1/seekers/{row.id}"
    return service.to_out(row)


@router.get("/{seeker_id}", response_model=SeekerOut, responses=problem_responses(NotFound))
def get_seeker(seeker_id: uuid.UUID, session: SessionDep) -> SeekerOut:
    return service.to_out(service.get(session, seeker_id=seeker_id))


@router.put("/{seeker_id}", response_model=SeekerOut, responses=problem_responses(NotFound, InvalidRequest))
def replace_seeker(seeker_id: uuid.UUID, profile: SeekerIn, session: SessionDep, embedder: EmbedderDep) -> SeekerOut:
    return service.to_out(service.replace(session, seeker_id=seeker_id, profile=profile, embedder=embedder))


@router.patch("/{seeker_id}", response_model=SeekerOut, responses=problem_responses(NotFound, InvalidRequest))
def patch_seeker(seeker_id: uuid.UUID, changes: SeekerPatch, session: SessionDep, embedder: EmbedderDep) -> SeekerOut:
    return service.to_out(service.patch(session, seeker_id=seeker_id, changes=changes, embedder=embedder))


@router.delete("/{seeker_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(NotFound))
def delete_seeker(seeker_id: uuid.UUID, session: SessionDep) -> Response:
    service.delete(session, seeker_id=seeker_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

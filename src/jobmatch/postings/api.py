"""HTTP routes for postings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from jobmatch.auth.rules import Rule, access
from jobmatch.deps import EmbedderDep, IndexDep, SessionDep, SettingsDep, StateDep
from jobmatch.errors import Conflict, InvalidRequest, NotFound, PayloadTooLarge, PreconditionFailed
from jobmatch.etags import IfMatch, tagged
from jobmatch.links import created_links
from jobmatch.postings import service
from jobmatch.postings.importer import Importer, ImportFormat, LineSplitter
from jobmatch.postings.schemas import ImportReport, PostingIn, PostingOut, PostingPage
from jobmatch.search import searchable
from jobmatch.vocab import PostingStatus

router = APIRouter(prefix="/postings", tags=["postings"])

PostingId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The posting's id.")]


POSTING_LINKS = created_links("/v1/postings/{posting_id}", parameter="posting_id",
                              methods={"ReadPosting": "get", "ReplacePosting": "put", "DeletePosting": "delete"})


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PostingOut,
             **access(Rule.POSTINGS_WRITE, errors=(Conflict, InvalidRequest, PayloadTooLarge), responses=POSTING_LINKS))
def create_posting(
    posting: PostingIn, session: SessionDep, embedder: EmbedderDep, index: IndexDep, response: Response,
) -> PostingOut:
    out = service.to_out(service.create(session, posting=posting))
    searchable.reflect(session, index=index, embedder=embedder, postings=[out])
    response.headers["Location"] = f"/v1/postings/{out.id}"
    tagged(response, out)
    return out


@router.get("", response_model=PostingPage, **access(Rule.AUTHENTICATED, errors=(InvalidRequest,)))
def list_postings(
    session: SessionDep,
    settings: SettingsDep,
    status: PostingStatus | None = None,
    municipality: Annotated[str | None, Query(description="Municipality name or 4-digit number.", max_length=200)] = None,
    occupation: Annotated[str | None, Query(description="Occupation code in any system, e.g. STYRK-08 `2223`.",
                                            max_length=200)] = None,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> PostingPage:
    if limit > settings.max_page_size:
        raise InvalidRequest(f"limit may be at most {settings.max_page_size}")
    return service.list_page(session, cursor=cursor, limit=limit, status=status, municipality=municipality,
                             occupation_code=occupation)


@router.post(
    "/import",
    response_model=ImportReport,
    **access(Rule.POSTINGS_WRITE, errors=(InvalidRequest, PayloadTooLarge), openapi_extra={
        "requestBody": {
            "required": True,
            "description": "NDJSON: one posting per line, in jobmatch's schema or (format=nav) NAV's feed ad.",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        }
    }),
)
async def import_postings(request: Request, state: StateDep, format: ImportFormat = ImportFormat.JOBMATCH) -> ImportReport:
    """Stream an NDJSON body through the importer; memory stays flat however long the body is."""
    max_line = state.settings.max_import_line_bytes
    importer = Importer(state.session_factory, fmt=format, batch_size=state.settings.import_batch_size, max_line_bytes=max_line)
    splitter = LineSplitter(max_line_bytes=max_line)
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if lines := splitter.feed(chunk):
            await run_in_threadpool(importer.feed, lines)
    if rest := splitter.finish():
        await run_in_threadpool(importer.feed, rest)
    if not received:
        raise InvalidRequest("the body is empty: send NDJSON, one posting a line")
    return await run_in_threadpool(importer.finish)


@router.get("/{posting_id:int}", response_model=PostingOut, **access(Rule.AUTHENTICATED, errors=(NotFound, InvalidRequest)))
def get_posting(posting_id: PostingId, session: SessionDep, response: Response) -> PostingOut:
    """One posting, with its `ETag`."""
    out = service.to_out(service.get(session, posting_id=posting_id))
    tagged(response, out)
    return out


@router.put("/{posting_id:int}", response_model=PostingOut,
            **access(Rule.POSTINGS_WRITE, errors=(NotFound, Conflict, InvalidRequest, PayloadTooLarge, PreconditionFailed)))
def replace_posting(
    posting_id: PostingId, posting: PostingIn, session: SessionDep, embedder: EmbedderDep, index: IndexDep, response: Response,
    if_match: IfMatch = None,
) -> PostingOut:
    """Replace the posting; with `If-Match`, only if it is unchanged since that read (412 otherwise)."""
    row, changed = service.replace(session, posting_id=posting_id, posting=posting, if_match=if_match)
    out = service.to_out(row)
    tagged(response, out)
    if changed:
        searchable.reflect(session, index=index, embedder=embedder, postings=[out])
    return out


@router.delete("/{posting_id:int}", status_code=status.HTTP_204_NO_CONTENT,
               **access(Rule.POSTINGS_WRITE, errors=(NotFound, InvalidRequest)))
def delete_posting(posting_id: PostingId, session: SessionDep, index: IndexDep) -> Response:
    service.delete(session, posting_id=posting_id)
    searchable.forget(session, index=index, posting_ids=[posting_id])
    return Response(status_code=status.HTTP_204_NO_CONTENT)

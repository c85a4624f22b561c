"""The REST routes: the seed's five, plus pause/resume/run, runs, next and preview.

Each route does its work (boto3 calls) in a worker thread (``offload``): the event loop
keeps answering other requests meanwhile.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import TypeAdapter

from service.domain.about import MAX_LABELS, MAX_NAME, parse_label_filter
from service.domain.errors import ValidationFailed, quoted
from service.domain.runs import RunStatus
from service.domain.schedule import Schedule, State
from service.entrypoints.dependencies import Namespace, Schedules
from service.entrypoints.error_responses import error_responses
from service.entrypoints.offload import in_thread
from service.entrypoints.presenters.schedules import (
    present_run,
    present_run_time,
    present_schedule,
    schedule_input,
)
from service.entrypoints.rest.models import (
    Health,
    PauseRequest,
    RunPublic,
    RunTime,
    RunTimes,
    ScheduleCreate,
    SchedulePublic,
)
from service.services.schedules import ScheduleService

router = APIRouter()
_SCHEDULE_LIST = TypeAdapter(list[SchedulePublic])

_ERRORS = error_responses(400, 401, 404, 409, 412, 413, 422, 429, 503)
_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')

Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100 (a list of schedules also stops at 4 MB).")]
Cursor = Annotated[str | None, Query(max_length=512, description="The cursor of the previous page's next link.")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description='The version read, as "3".')]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Create once: within 24 h the same key gets the first answer back and creates nothing; "
        "with another body, 422 `idempotency_key_reused`. 1 to 255 visible ASCII characters (a UUID).",
    ),
]
LabelFilters = Annotated[
    list[str] | None,
    Query(
        description=f"`key=value`: only schedules with that label; repeat it (up to {MAX_LABELS}) and all must match.",
        examples=["team=payments"],
    ),
]
NamePrefix = Annotated[
    str | None,
    Query(
        max_length=MAX_NAME,
        description="Only schedules whose name begins with it, whatever the case; the list is then ordered by name.",
    ),
]


def _expected_version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    match = _IF_MATCH.match(if_match)
    if not match:
        raise ValidationFailed.single("If-Match", f'{quoted(if_match)} is not a version as returned in ETag (like "3")')
    return int(match.group(1))


def _one(schedule: Schedule, response: Response) -> SchedulePublic:
    response.headers["ETag"] = f'"{schedule.version}"'
    return SchedulePublic.present(present_schedule(schedule))


def _run_times(timezone: str, instants: list[datetime]) -> RunTimes:
    return RunTimes(timezone=timezone, runs=[RunTime.present(present_run_time(i, timezone)) for i in instants])


def _next_link(request: Request, response: Response, cursor: str | None) -> None:
    if cursor:
        url = request.url.include_query_params(cursor=cursor)
        response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'


@router.get("/health", response_model=Health, tags=["health"])
async def health() -> Health:
    return Health(status="ok")


def _list_page(
    schedules: ScheduleService,
    namespace: str,
    limit: int,
    cursor: str | None,
    state: State | None,
    labels: list[str],
    name: str | None,
) -> tuple[bytes, str | None]:
    # Rendered in the worker thread too: a page can be 4 MB of JSON, too long a job for
    # the event loop that answers everybody else.
    if len(labels) > MAX_LABELS:
        raise ValidationFailed.single("label", f"is given {len(labels)} times; at most {MAX_LABELS} can be matched")
    pairs = tuple(parse_label_filter(text) for text in labels)
    page = schedules.list(namespace, limit, cursor, state, labels=pairs, name_prefix=name)
    return _SCHEDULE_LIST.dump_json([SchedulePublic.present(present_schedule(s)) for s in page.items]), page.next_cursor


@router.get(
    "/schedules",
    response_model=list[SchedulePublic],
    responses=_ERRORS,
    tags=["schedules"],
    description="The namespace's schedules, oldest first. A page holds up to `limit` schedules, and no more "
    "than fit in 4 MB of answer (a page always holds one): with large payloads a page holds fewer. "
    'When more exist, `Link: <...>; rel="next"` points at the next page: follow it until there is none. '
    "Filtered by `label` and `name`, a page reads only the schedules with the first label given (or the "
    "name prefix), never the whole namespace.",
)
async def list_schedules(
    request: Request,
    schedules: Schedules,
    namespace: Namespace,
    limit: Limit = 50,
    cursor: Cursor = None,
    state: State | None = None,
    label: LabelFilters = None,
    name: NamePrefix = None,
) -> Response:
    body, next_cursor = await in_thread(_list_page, schedules, namespace, limit, cursor, state, list(label or ()), name)
    response = Response(body, media_type="application/json")
    _next_link(request, response, next_cursor)
    return response


@router.post("/schedules", status_code=201, response_model=SchedulePublic, responses=_ERRORS, tags=["schedules"])
async def create_schedule(
    body: ScheduleCreate,
    response: Response,
    schedules: Schedules,
    namespace: Namespace,
    idempotency_key: IdempotencyKey = None,
) -> SchedulePublic:
    if idempotency_key is None:
        schedule = await in_thread(schedules.create, namespace, schedule_input(body))
    else:
        created = await in_thread(schedules.create_once, namespace, schedule_input(body), idempotency_key)
        schedule = created.schedule
        if created.replayed:
            response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/schedules/{schedule.job_id}"
    return _one(schedule, response)


@router.post("/schedules/preview", response_model=RunTimes, responses=_ERRORS, tags=["schedules"])
async def preview_schedule(
    body: ScheduleCreate,
    schedules: Schedules,
    count: Annotated[int, Query(ge=1, le=100)] = 5,
) -> RunTimes:
    runs = await in_thread(schedules.preview, schedule_input(body), count)
    return _run_times(body.timezone, runs)


@router.get("/schedules/{jobId}", response_model=SchedulePublic, responses=_ERRORS, tags=["schedules"])
async def get_schedule(jobId: str, response: Response, schedules: Schedules, namespace: Namespace) -> SchedulePublic:
    return _one(await in_thread(schedules.get, namespace, jobId), response)


@router.put("/schedules/{jobId}", response_model=SchedulePublic, responses=_ERRORS, tags=["schedules"])
async def replace_schedule(
    jobId: str,
    body: ScheduleCreate,
    response: Response,
    schedules: Schedules,
    namespace: Namespace,
    if_match: IfMatch = None,
) -> SchedulePublic:
    schedule = await in_thread(schedules.replace, namespace, jobId, schedule_input(body), _expected_version(if_match))
    return _one(schedule, response)


@router.delete("/schedules/{jobId}", response_model=SchedulePublic, responses=_ERRORS, tags=["schedules"])
async def delete_schedule(
    jobId: str, response: Response, schedules: Schedules, namespace: Namespace, if_match: IfMatch = None
) -> SchedulePublic:
    return _one(await in_thread(schedules.delete, namespace, jobId, _expected_version(if_match)), response)


@router.post("/schedules/{jobId}/pause", response_model=SchedulePublic, responses=_ERRORS, tags=["actions"])
async def pause_schedule(
    jobId: str,
    response: Response,
    schedules: Schedules,
    namespace: Namespace,
    if_match: IfMatch = None,
    body: PauseRequest | None = None,
) -> SchedulePublic:
    note = body.note if body is not None else None
    return _one(await in_thread(schedules.pause, namespace, jobId, _expected_version(if_match), note), response)


@router.post("/schedules/{jobId}/resume", response_model=SchedulePublic, responses=_ERRORS, tags=["actions"])
async def resume_schedule(
    jobId: str, response: Response, schedules: Schedules, namespace: Namespace, if_match: IfMatch = None
) -> SchedulePublic:
    return _one(await in_thread(schedules.resume, namespace, jobId, _expected_version(if_match)), response)


@router.post("/schedules/{jobId}/run", response_model=SchedulePublic, responses=_ERRORS, tags=["actions"])
async def run_schedule_now(
    jobId: str, response: Response, schedules: Schedules, namespace: Namespace
) -> SchedulePublic:
    return _one(await in_thread(schedules.run_now, namespace, jobId), response)


@router.get("/schedules/{jobId}/runs", response_model=list[RunPublic], responses=_ERRORS, tags=["history"])
async def list_runs(
    jobId: str,
    request: Request,
    response: Response,
    schedules: Schedules,
    namespace: Namespace,
    limit: Limit = 50,
    cursor: Cursor = None,
    status: Annotated[
        RunStatus | None,
        Query(description="Only the runs of this status (`failed`: the runs to redeliver)."),
    ] = None,
) -> list[RunPublic]:
    page = await in_thread(schedules.runs, namespace, jobId, limit, cursor, status)
    _next_link(request, response, page.next_cursor)
    return [RunPublic.present(present_run(r)) for r in page.items]


@router.get("/schedules/{jobId}/next", response_model=RunTimes, responses=_ERRORS, tags=["schedules"])
async def next_runs(
    jobId: str,
    schedules: Schedules,
    namespace: Namespace,
    count: Annotated[int, Query(ge=1, le=100)] = 5,
) -> RunTimes:
    schedule, runs = await in_thread(schedules.next_runs, namespace, jobId, count)
    return _run_times(schedule.timezone, runs)

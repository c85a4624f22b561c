"""The REST routes: the seed's five, plus pause/resume/run, runs, next and preview."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response

from service.domain.errors import ValidationFailed, quoted
from service.domain.schedule import Schedule, State
from service.entrypoints.dependencies import Namespace, Schedules
from service.entrypoints.rest.models import (
    ErrorBody,
    Health,
    RunPublic,
    RunTime,
    RunTimes,
    ScheduleCreate,
    SchedulePublic,
    StateName,
)

router = APIRouter()

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (400, 401, 404, 409, 412, 413, 422, 429, 503)
}
_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')

Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100.")]
Cursor = Annotated[str | None, Query(max_length=512, description="The cursor of the previous page's next link.")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description='The version read, as "3".')]


def _expected_version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    match = _IF_MATCH.match(if_match)
    if not match:
        raise ValidationFailed.single("If-Match", f'{quoted(if_match)} is not a version as returned in ETag (like "3")')
    return int(match.group(1))


def _one(schedule: Schedule, response: Response) -> SchedulePublic:
    response.headers["ETag"] = f'"{schedule.version}"'
    return SchedulePublic.from_domain(schedule)


def _next_link(request: Request, response: Response, cursor: str | None) -> None:
    if cursor:
        url = request.url.include_query_params(cursor=cursor)
        response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'


@router.get("/health", response_model=Health, tags=["health"])
async def health() -> Health:
    return Health(status="ok")


@router.get("/schedules", response_model=list[SchedulePublic], responses=_ERRORS, tags=["schedules"])
async def list_schedules(
    request: Request,
    response: Response,
    schedules: Schedules,
    namespace: Namespace,
    limit: Limit = 50,
    cursor: Cursor = None,
    state: StateName | None = None,
) -> list[SchedulePublic]:
    page = schedules.list(namespace, limit, cursor, State(state) if state else None)
    _next_link(request, response, page.next_cursor)
    return [SchedulePublic.from_domain(s) for s in page.items]


@router.post("/schedules", status_code=201, response_model=SchedulePublic, responses=_ERRORS, tags=["schedules"])
async def create_schedule(
    body: ScheduleCreate, response: Response, schedules: Schedules, namespace: Namespace
) -> SchedulePublic:
    schedule = schedules.create(namespace, body.to_input())
    response.headers["Location"] = f"/schedules/{schedule.job_id}"
    return _one(schedule, response)


@router.post("/schedules/preview", response_model=RunTimes, responses=_ERRORS, tags=["schedules"])
async def preview_schedule(
    body: ScheduleCreate,
    schedules: Schedules,
    count: Annotated[int, Query(ge=1, le=100)] = 5,
) -> RunTimes:
    runs = schedules.preview(body.to_input(), count)
    return RunTimes(timezone=body.timezone, runs=[RunTime.at(r, body.timezone) for r in runs])


@router.get("/schedules/{jobId}", response_model=SchedulePublic, responses=_ERRORS, tags=["schedules"])
async def get_schedule(jobId: str, response: Response, schedules: Schedules, namespace: Namespace) -> SchedulePublic:
    return _one(schedules.get(namespace, jobId), response)


@router.put("/schedules/{jobId}", response_model=SchedulePublic, responses=_ERRORS, tags=["schedules"])
async def replace_schedule(
    jobId: str,
    body: ScheduleCreate,
    response: Response,
    schedules: Schedules,
    namespace: Namespace,
    if_match: IfMatch = None,
) -> SchedulePublic:
    schedule = schedules.replace(namespace, jobId, body.to_input(), _expected_version(if_match))
    return _one(schedule, response)


@router.delete("/schedules/{jobId}", response_model=SchedulePublic, responses=_ERRORS, tags=["schedules"])
async def delete_schedule(
    jobId: str, response: Response, schedules: Schedules, namespace: Namespace, if_match: IfMatch = None
) -> SchedulePublic:
    return _one(schedules.delete(namespace, jobId, _expected_version(if_match)), response)


@router.post("/schedules/{jobId}/pause", response_model=SchedulePublic, responses=_ERRORS, tags=["actions"])
async def pause_schedule(
    jobId: str, response: Response, schedules: Schedules, namespace: Namespace, if_match: IfMatch = None
) -> SchedulePublic:
    return _one(schedules.pause(namespace, jobId, _expected_version(if_match)), response)


@router.post("/schedules/{jobId}/resume", response_model=SchedulePublic, responses=_ERRORS, tags=["actions"])
async def resume_schedule(
    jobId: str, response: Response, schedules: Schedules, namespace: Namespace, if_match: IfMatch = None
) -> SchedulePublic:
    return _one(schedules.resume(namespace, jobId, _expected_version(if_match)), response)


@router.post("/schedules/{jobId}/run", response_model=SchedulePublic, responses=_ERRORS, tags=["actions"])
async def run_schedule_now(
    jobId: str, response: Response, schedules: Schedules, namespace: Namespace
) -> SchedulePublic:
    return _one(schedules.run_now(namespace, jobId), response)


@router.get("/schedules/{jobId}/runs", response_model=list[RunPublic], responses=_ERRORS, tags=["history"])
async def list_runs(
    jobId: str,
    request: Request,
    response: Response,
    schedules: Schedules,
    namespace: Namespace,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> list[RunPublic]:
    page = schedules.runs(namespace, jobId, limit, cursor)
    _next_link(request, response, page.next_cursor)
    return [RunPublic.from_domain(r) for r in page.items]


@router.get("/schedules/{jobId}/next", response_model=RunTimes, responses=_ERRORS, tags=["schedules"])
async def next_runs(
    jobId: str,
    schedules: Schedules,
    namespace: Namespace,
    count: Annotated[int, Query(ge=1, le=100)] = 5,
) -> RunTimes:
    schedule, runs = schedules.next_runs(namespace, jobId, count)
    return RunTimes(timezone=schedule.timezone, runs=[RunTime.at(r, schedule.timezone) for r in runs])

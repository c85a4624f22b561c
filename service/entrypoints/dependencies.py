"""FastAPI dependencies shared by REST and GraphQL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.services.schedules import ScheduleService


def get_schedules(request: Request) -> ScheduleService:
    service: ScheduleService = request.app.state.container.schedules
    return service


def get_namespace(request: Request) -> str:
    """The caller's namespace: every record read or written belongs to it."""
    namespace: str = request.app.state.container.settings.default_namespace
    return namespace


Schedules = Annotated[ScheduleService, Depends(get_schedules)]
Namespace = Annotated[str, Depends(get_namespace)]

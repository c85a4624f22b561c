"""What REST and GraphQL show of the domain, written once for both.

``schedules`` turns a schedule, a run and a run time into their public shape, and a
client's definition into the domain's ``ScheduleInput``; ``errors`` is the one table of
what each domain error becomes in an answer. The schema types of each API (pydantic
models, Strawberry types) declare the same field names and are filled from these shapes,
each writing them in camelCase.
"""

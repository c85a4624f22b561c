"""The service's settings: one typed model, read once from the environment at start-up.

Each setting has its environment variable (the field's alias), one default and one rule,
here and nowhere else: the Pulumi program reads the defaults and rules from this model
and passes the values to the functions by these variables (``infra/settings.py``). A
missing or bad value fails fast, with a message that names the variable.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from service.adapters.table_schema import DUE_SHARDS
from service.domain.keys import NAMESPACE_PATTERN

MAX_DELAY_SECONDS = 900  # SQS's longest DelaySeconds: a longer lookahead would deliver early


class ConfigError(RuntimeError):
    """Settings the service refuses; ``problems`` pairs each variable with what is wrong."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{variable} {problem}" for variable, problem in problems))


def _flag(value: object) -> object:
    if not isinstance(value, str):
        return value
    lowered = value.strip().lower()
    if lowered in ("1", "true", "on", "yes"):
        return True
    if lowered in ("0", "false", "off", "no"):
        return False
    raise PydanticCustomError("flag", f"must be on or off, got {value!r}")


def _comma_separated(value: object) -> object:
    if not isinstance(value, str):
        return value
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _namespace(value: str) -> str:
    if not NAMESPACE_PATTERN.fullmatch(value):
        raise PydanticCustomError(
            "namespace", f"must be 1 to 63 of a-z, 0-9 and '-', starting with a letter or digit, got {value!r}"
        )
    return value


Flag = Annotated[bool, BeforeValidator(_flag)]
Required = Annotated[str, Field(min_length=1)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        case_sensitive=True,
        extra="ignore",  # the environment holds much else
        frozen=True,
        validate_by_name=True,  # code and tests give the fields by name
        validate_by_alias=True,  # the environment gives them by variable
        str_strip_whitespace=True,
    )

    table_name: Required = Field(validation_alias="SCHEDULER_TABLE_NAME")
    # The stack's own queue: the default namespace's built-in target.
    queue_url: Required = Field(validation_alias="SCHEDULER_QUEUE_URL")
    # The delivery stage's queue (the dispatcher and the API hand runs to it, the delivery
    # function reads it). Unset only where the stage is in-process (the local stack, tests).
    handoff_queue_url: str | None = Field(None, validation_alias="SCHEDULER_HANDOFF_QUEUE_URL")
    # Its dead-letter queue, where the delivery function also puts a copy of each webhook run
    # it gives up on (recorded failed), for the queue's alarm. Unset: no copy is kept.
    handoff_dead_letter_queue_url: str | None = Field(None, validation_alias="SCHEDULER_HANDOFF_DEAD_LETTER_QUEUE_URL")
    # The namespace of the local stack's key (the service itself serves every namespace).
    default_namespace: Annotated[str, AfterValidator(_namespace)] = Field(
        "default", validation_alias="SCHEDULER_NAMESPACE"
    )
    run_retention_days: int = Field(90, ge=1, validation_alias="SCHEDULER_RUN_RETENTION_DAYS")
    graphql_ide: Flag = Field(False, validation_alias="SCHEDULER_GRAPHQL_IDE")
    graphql_introspection: Flag = Field(True, validation_alias="SCHEDULER_GRAPHQL_INTROSPECTION")
    # Origins of a web UI served elsewhere, comma-separated; the UI served with the API needs none.
    cors_origins: Annotated[tuple[str, ...], NoDecode, BeforeValidator(_comma_separated)] = Field(
        (), validation_alias="SCHEDULER_CORS_ORIGINS"
    )
    # Occurrences missed for longer than this are recorded as missed, not delivered.
    catch_up_hours: int = Field(24, ge=1, validation_alias="SCHEDULER_CATCH_UP_HOURS")
    # Runs due before the next tick are sent now, with a delay: EventBridge ticks once a
    # minute, a little late at times, so the window is a minute plus a margin.
    lookahead_seconds: int = Field(70, ge=0, le=MAX_DELAY_SECONDS, validation_alias="SCHEDULER_LOOKAHEAD_SECONDS")
    # Per API key and per warm instance (see the README on rate limits across Lambdas).
    rate_limit_per_second: int = Field(20, ge=1, validation_alias="SCHEDULER_RATE_LIMIT_PER_SECOND")
    rate_limit_burst: int = Field(40, ge=1, validation_alias="SCHEDULER_RATE_LIMIT_BURST")
    # Key checks that fail, per client address and warm instance: a burst, then a steady rate.
    failed_checks_burst: int = Field(10, ge=1, validation_alias="SCHEDULER_FAILED_CHECKS_BURST")
    failed_checks_per_minute: int = Field(6, ge=1, validation_alias="SCHEDULER_FAILED_CHECKS_PER_MINUTE")
    # Shared with CloudFront, which sends it on every request with the viewer's address: only
    # a request that carries it has that address believed (see service.entrypoints.client).
    origin_secret: str | None = Field(None, validation_alias="SCHEDULER_ORIGIN_SECRET")
    # How long a verified (or refused) key is remembered: a revocation's worst-case delay
    # (SPEC section 5: within 10 s).
    key_cache_seconds: int = Field(10, ge=0, validation_alias="SCHEDULER_KEY_CACHE_SECONDS")
    # Invocations that share a tick's busy shards; more than one needs the function's own
    # name (Lambda sets AWS_LAMBDA_FUNCTION_NAME) and permission to invoke itself. A tick's
    # busy shards are dealt out whole: more invocations than shards would do nothing.
    dispatch_invocations: int = Field(1, ge=1, le=DUE_SHARDS, validation_alias="SCHEDULER_DISPATCH_INVOCATIONS")
    # Runs one invocation sends in a tick before another is started (about 50 s of work).
    dispatch_capacity: int = Field(15_000, ge=1, validation_alias="SCHEDULER_DISPATCH_CAPACITY")
    function_name: str | None = Field(None, validation_alias="AWS_LAMBDA_FUNCTION_NAME")
    # Lets webhooks reach loopback addresses, over http too (http://127.0.0.1:9000/hook), so
    # the local stack can deliver to a receiver on the developer's machine. Never on in the
    # cloud: there it would open the function's own host to every namespace's URLs (SSRF).
    webhook_allow_loopback: Flag = Field(False, validation_alias="SCHEDULER_WEBHOOK_ALLOW_LOOPBACK")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, values: Any) -> Any:
        """A variable set to nothing (``SCHEDULER_LOOKAHEAD_SECONDS=``) keeps its default."""
        if isinstance(values, Mapping):
            return {k: v for k, v in values.items() if not (isinstance(v, str) and not v.strip())}
        return values

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings in ``env`` by their variables, the process environment by default."""
        try:
            return cls() if env is None else cls.model_validate(env)
        except ValidationError as exc:
            raise ConfigError([_problem(error) for error in exc.errors()]) from None

    @classmethod
    def variable(cls, field: str) -> str:
        """The environment variable of a setting."""
        alias = cls.model_fields[field].validation_alias
        assert isinstance(alias, str), field
        return alias

    @property
    def run_retention(self) -> timedelta:
        return timedelta(days=self.run_retention_days)

    @property
    def catch_up(self) -> timedelta:
        return timedelta(hours=self.catch_up_hours)

    @property
    def lookahead(self) -> timedelta:
        return timedelta(seconds=self.lookahead_seconds)

    @property
    def key_cache(self) -> timedelta:
        return timedelta(seconds=self.key_cache_seconds)


def bounds(field: str) -> tuple[int | None, int | None]:
    """The least and the greatest value a whole-number setting allows (None: no bound)."""
    low = high = None
    for rule in Settings.model_fields[field].metadata:
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    return low, high


def _problem(error: Any) -> tuple[str, str]:
    located = str(error["loc"][0]) if error["loc"] else "settings"
    field = next((name for name in Settings.model_fields if located in (name, Settings.variable(name))), None)
    variable = Settings.variable(field) if field else located
    kind, given = error["type"], error.get("input")
    if kind in ("missing", "string_too_short"):
        return variable, "must be set"
    if kind.startswith("int_"):
        return variable, f"must be a whole number, got {given!r}"
    if kind in ("greater_than_equal", "less_than_equal") and field is not None:
        low, high = bounds(field)
        if low is not None and high is not None:
            return variable, f"must be {low}..{high}, got {given}"
        return (
            variable,
            f"must be at least {low}, got {given}" if low is not None else f"must be at most {high}, got {given}",
        )
    return variable, str(error["msg"])

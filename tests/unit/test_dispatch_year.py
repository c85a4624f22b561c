"""A simulated year of ticks: every expected occurrence exactly once, at the right instant.

The expected instants come from a brute-force oracle that walks every UTC minute of the
year and notes the first instant each local wall time is shown, and where the clocks
jump; it shares no code with the recurrence rules under test. Cron matching itself is the
library's (SPEC section 3), so the oracle asks cronsim which wall times match.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim

from service.domain.schedule import ScheduleInput
from tests.dispatch_fakes import World, dispatch_world

CREATED = datetime(2026, 12, 31, 0, 0, tzinfo=UTC)
END = datetime(2028, 1, 1, 0, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
LOOKAHEAD = timedelta(seconds=70)

# zone: (daily local time, weekly (first local run, wall time), cron) chosen to fall into
# each zone's 2027 gap and repeated hour.
RULES = {
    "America/New_York": ("02:30", "2027-01-03T01:30", "*/30 1-2 * * *"),
    "Europe/Berlin": ("02:30", "2027-01-03T02:15", "0,30 2 * * *"),
    "Australia/Lord_Howe": ("02:15", "2027-01-03T01:45", "15,45 1-2 * * *"),
    "America/Santiago": ("00:30", "2027-01-02T23:30", "30 23,0 * * *"),
}


class Oracle:
    """First instant each wall minute is shown in a zone, and the instant of each jump."""

    def __init__(self, zone_name: str) -> None:
        tz = ZoneInfo(zone_name)
        self.first: dict[datetime, datetime] = {}
        self.jump: dict[datetime, datetime] = {}
        previous = None
        instant = CREATED - timedelta(days=2)
        while instant < END + timedelta(days=2):
            wall = instant.astimezone(tz).replace(tzinfo=None)
            if previous is not None and wall - previous > MINUTE:
                skipped = previous + MINUTE
                while skipped < wall:
                    self.jump[skipped] = instant
                    skipped += MINUTE
            self.first.setdefault(wall, instant)
            previous = wall
            instant += MINUTE

    def instant(self, wall: datetime) -> datetime:
        return self.first.get(wall) or self.jump[wall]


def _walls_daily(at: str, step_days: int, first: datetime) -> Iterator[datetime]:
    hour, minute = map(int, at.split(":"))
    day = first.replace(hour=hour, minute=minute)
    while day < END.replace(tzinfo=None) + timedelta(days=1):
        yield day
        day += timedelta(days=step_days)


def _walls_cron(expression: str) -> Iterator[datetime]:
    for wall in CronSim(expression, CREATED.replace(tzinfo=None) - timedelta(days=1)):
        if wall > END.replace(tzinfo=None) + timedelta(days=1):
            return
        yield wall


def _expected(oracle: Oracle, walls: Iterator[datetime], first_run: datetime) -> list[datetime]:
    instants = sorted({oracle.instant(w) for w in walls})
    return [i for i in instants if first_run <= i <= END - 2 * MINUTE]


def test_a_simulated_year_delivers_every_expected_occurrence_once_at_its_instant() -> None:
    world = dispatch_world(CREATED)
    api, store = world.api, world.store
    expected: dict[str, list[datetime]] = {}
    for zone_name, (daily_at, weekly_first, cron) in RULES.items():
        oracle = Oracle(zone_name)
        daily = api.create(
            "default",
            ScheduleInput(payload="d", recurring="daily", timezone=zone_name, run_at=f"2027-01-01T{daily_at}:00"),
        )
        weekly = api.create(
            "default", ScheduleInput(payload="w", recurring="weekly", timezone=zone_name, run_at=weekly_first)
        )
        cron_job = api.create("default", ScheduleInput(payload="c", recurring="cron", timezone=zone_name, cron=cron))
        first_weekly = datetime.fromisoformat(weekly_first)
        expected[daily.job_id] = _expected(
            oracle,
            _walls_daily(daily_at, 1, datetime(2027, 1, 1)),
            daily.run_at,  # type: ignore[arg-type]
        )
        expected[weekly.job_id] = _expected(
            oracle, _walls_daily(first_weekly.strftime("%H:%M"), 7, first_weekly), weekly.run_at
        )  # type: ignore[arg-type]
        expected[cron_job.job_id] = _expected(oracle, _walls_cron(cron), cron_job.run_at)  # type: ignore[arg-type]

    # Tick each minute, the delivery stage taking each run as it becomes visible. A minute
    # in which nothing is due within the lookahead is skipped: the dispatcher would only
    # read the empty shards.
    now = CREATED
    while now < END:
        earliest = store.earliest_due()
        if earliest is not None and earliest <= now + LOOKAHEAD:
            world.deliver_until(now)
            dispatcher_tick(world, now)
        now += MINUTE
    world.deliver_until(END)

    delivered: dict[str, list[datetime]] = defaultdict(list)
    for job_id, scheduled_for, accepted_at in accepted(world):
        if scheduled_for <= END - 2 * MINUTE:
            delivered[job_id].append(scheduled_for)
            assert timedelta(0) <= accepted_at - scheduled_for <= timedelta(seconds=1), (job_id, scheduled_for)
    counts = Counter(d.occurrence_id for _, d in world.target_sender.delivered)
    assert set(counts.values()) == {1}
    for job_id, instants in expected.items():
        assert sorted(delivered[job_id]) == instants, job_id
    assert sum(len(v) for v in expected.values()) > 5000


def dispatcher_tick(world: World, now: datetime) -> None:
    world.clock.set(now)
    world.dispatcher().tick(now, now + timedelta(seconds=50))


def accepted(world: World) -> Iterator[tuple[str, datetime, datetime]]:
    """Each delivery: its job, its occurrence's instant, and when the target accepted it."""
    for (_, delivery), at in zip(world.target_sender.delivered, world.target_sender.accepted_at, strict=True):
        yield delivery.job_id, delivery.scheduled_for, at

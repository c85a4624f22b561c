"""A simulated year of ticks: every expected occurrence exactly once, at the right instant.

The expected instants come from a brute-force oracle that walks every UTC minute of the
year and notes the first instant each local wall time is shown, and where the clocks
jump; it shares no code with the recurrence rules under test. Cron matching itself is the
library's (SPEC section 3), so the oracle asks cronsim which wall times match.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim

from service.domain.schedule import ScheduleInput
from service.services.dispatch import Dispatcher
from service.services.ports import Occurrence, SendOutcome
from service.services.schedules import ScheduleService
from tests.dispatch_fakes import InMemoryDueStore, tuning
from tests.fakes import FakeClock, FakeSender, InMemoryRepository, id_factory
from tests.target_fakes import a_directory

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


class TimedSender(FakeSender):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.sent_at: list[datetime] = []

    def send(self, occurrences: Sequence[Occurrence]) -> list[SendOutcome]:
        self.sent_at.extend(self.clock() for _ in occurrences)
        return super().send(occurrences)


def test_a_simulated_year_delivers_every_expected_occurrence_once_at_its_instant() -> None:
    clock = FakeClock(CREATED)
    repository = InMemoryRepository()
    sender = TimedSender(clock)
    store = InMemoryDueStore(repository)
    api = ScheduleService(repository, sender, id_factory(), clock, lookahead=LOOKAHEAD, targets=a_directory())
    dispatcher = Dispatcher(store, sender, tuning(shard_workers=1, write_workers=1), clock=clock)
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

    # Tick each minute. A minute in which nothing is due within the lookahead is skipped:
    # the dispatcher would only read the empty shards.
    now = CREATED
    while now < END:
        earliest = store.earliest_due()
        if earliest is not None and earliest <= now + LOOKAHEAD:
            clock.set(now)
            dispatcher.tick(now, now + timedelta(seconds=50))
        now += MINUTE

    delivered: dict[str, list[datetime]] = defaultdict(list)
    for message, sent_at in zip(sender.messages, sender.sent_at, strict=True):
        if message.scheduled_for <= END - 2 * MINUTE:
            delivered[message.job_id].append(message.scheduled_for)
            arrival = sent_at + timedelta(seconds=message.delay_seconds)
            assert abs(arrival - message.scheduled_for) <= timedelta(seconds=0.5), message
    counts = Counter(m.occurrence_id for m in sender.messages)
    assert set(counts.values()) == {1}
    for job_id, instants in expected.items():
        assert sorted(delivered[job_id]) == instants, job_id
    assert sum(len(v) for v in expected.values()) > 5000

import type { Run, Schedule, Target } from '../api/types';

let counter = 0;

export function aSchedule(overrides: Partial<Schedule> = {}): Schedule {
  counter += 1;
  return {
    __typename: 'Schedule',
    jobId: `job-${counter}`,
    payload: `payload ${counter}`,
    recurring: 'NONE',
    minute: null,
    runAt: '2030-01-15T09:00:00Z',
    timezone: 'UTC',
    cron: null,
    state: 'ACTIVE',
    version: 1,
    createdAt: '2030-01-01T00:00:00Z',
    updatedAt: '2030-01-01T00:00:00Z',
    lastRun: null,
    target: null,
    name: null,
    description: null,
    labels: [],
    startAt: null,
    endAt: null,
    maxRuns: null,
    remainingRuns: null,
    interval: null,
    catchUp: 'LATEST',
    pauseNote: null,
    ...overrides,
  };
}

export function aTarget(overrides: Partial<Target> = {}): Target {
  return {
    name: 'orders',
    kind: 'SQS',
    url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders',
    default: false,
    builtIn: false,
    createdAt: '2030-01-01T00:00:00Z',
    ...overrides,
  };
}

export function aRun(overrides: Partial<Run> = {}): Run {
  return {
    occurrenceId: 'job/2030-01-14T09:00:00Z',
    scheduledFor: '2030-01-14T09:00:00Z',
    status: 'DELIVERED',
    trigger: 'SCHEDULE',
    recordedAt: '2030-01-14T09:00:00Z',
    messageId: 'm-1',
    latenessMs: 120,
    ...overrides,
  };
}

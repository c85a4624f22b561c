import type { Schedule, Target } from '../api/types';

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

// The GraphQL API's shapes, as the UI selects them (see docs/schema.graphql).

export type Recurring = 'NONE' | 'DAILY' | 'WEEKLY' | 'CRON';
export type ScheduleState = 'ACTIVE' | 'PAUSED' | 'COMPLETED';
export type RunStatus = 'QUEUED' | 'DELIVERED' | 'CANCELED' | 'MISSED' | 'FAILED';
export type RunTrigger = 'SCHEDULE' | 'IMMEDIATE' | 'MANUAL';

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Run {
  occurrenceId: string;
  scheduledFor: string;
  status: RunStatus;
  trigger: RunTrigger;
  recordedAt: string;
  messageId: string | null;
  latenessMs: number | null;
  /** Why it was canceled or failed. */
  reason?: string | null;
  attempts?: number | null;
  lastError?: string | null;
  nextAttemptAt?: string | null;
}

export interface RunTime {
  runAt: string;
  minute: number;
  local: string;
}

export interface Schedule {
  __typename?: 'Schedule';
  jobId: string;
  payload: string;
  recurring: Recurring;
  minute: number | null;
  runAt: string | null;
  timezone: string;
  cron: string | null;
  state: ScheduleState;
  version: number;
  createdAt: string;
  updatedAt: string;
  lastRun: Run | null;
  /** A target of the namespace by name; null: the namespace's default target. */
  target: string | null;
}

export interface ScheduleDetail extends Schedule {
  nextRuns: RunTime[];
  runs: { nodes: Run[]; pageInfo: PageInfo };
}

export interface ScheduleConnection {
  nodes: Schedule[];
  pageInfo: PageInfo;
}

export interface ScheduleInput {
  payload: string;
  recurring: Recurring;
  timezone: string;
  runAt?: string | null;
  cron?: string | null;
  immediate?: boolean;
  target?: string | null;
}

/** Where a namespace's runs can go (operators add them: `scheduler targets add`). */
export interface Target {
  name: string;
  kind: 'SQS' | 'WEBHOOK';
  url: string;
  default: boolean;
  builtIn: boolean;
  createdAt: string | null;
}

export interface Problem {
  field: string;
  message: string;
}

export interface Preview {
  timezone: string;
  runs: RunTime[];
}

/** Every way a request can fail, as the UI tells them apart. */
export type ApiError =
  | { kind: 'unauthorized'; message: string }
  | { kind: 'http'; status: number; message: string }
  | { kind: 'network'; message: string }
  | { kind: 'graphql'; message: string }
  /** An expected failure returned as a typed union member (NotFoundError, ValidationError, ...). */
  | { kind: 'result'; typename: string; code: string; message: string; problems: Problem[] };

export function isApiError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && 'kind' in value && 'message' in value;
}

export interface TimeZoneList {
  names: string[];
  aliases: { name: string; canonical: string }[];
}

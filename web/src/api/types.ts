// The GraphQL API's shapes, as the UI selects them (see docs/schema.graphql).

export type Recurring = 'NONE' | 'DAILY' | 'WEEKLY' | 'CRON' | 'INTERVAL';
export type ScheduleState = 'ACTIVE' | 'PAUSED' | 'COMPLETED';
export type RunStatus = 'QUEUED' | 'DELIVERED' | 'CANCELED' | 'MISSED' | 'FAILED';
export type RunTrigger = 'SCHEDULE' | 'IMMEDIATE' | 'MANUAL' | 'BACKFILL';
/** What a recurring schedule does with the runs that fell due while the service was late. */
export type CatchUp = 'LATEST' | 'ALL' | 'NONE';

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** A label, in Kubernetes label syntax; a schedule has each key once. */
export interface Label {
  key: string;
  value: string;
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
  /** Deliveries tried so far. */
  attempts?: number | null;
  /** The last attempt's status or error, while it retries. */
  lastError?: string | null;
  /** When it is tried again, while it retries. */
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
  name: string | null;
  description: string | null;
  labels: Label[];
  /** No run before it (UTC). */
  startAt: string | null;
  /** No run after it (UTC). */
  endAt: string | null;
  maxRuns: number | null;
  /** Runs it delivers before it completes, with maxRuns. */
  remainingRuns: number | null;
  /** Of an interval rule: an ISO-8601 duration, in its canonical form (PT1H30M). */
  interval: string | null;
  catchUp: CatchUp;
  /** Why it is paused, while it is. */
  pauseNote: string | null;
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
  name?: string | null;
  description?: string | null;
  labels?: Label[] | null;
  startAt?: string | null;
  endAt?: string | null;
  maxRuns?: number | null;
  interval?: string | null;
  catchUp?: CatchUp | null;
}

/** Where a namespace's runs can go: an SQS queue, or a webhook. */
export interface Target {
  name: string;
  kind: 'SQS' | 'WEBHOOK';
  url: string;
  default: boolean;
  builtIn: boolean;
  createdAt: string | null;
  /** A webhook's; null for a queue. */
  timeoutSeconds?: number | null;
  /** A webhook's own content-type, if it has one. */
  contentType?: string | null;
  /** A webhook's retry policy; null for a queue. */
  retry?: { maxAttempts: number; maxAgeSeconds: number } | null;
}

/** A webhook to register; each setting left null takes the API's default. */
export interface WebhookTargetInput {
  name: string;
  url: string;
  default: boolean;
  timeoutSeconds?: number | null;
  contentType?: string | null;
  retry?: { maxAttempts?: number | null; maxAgeSeconds?: number | null } | null;
}

/** A webhook and its signing secret, which the API answers this once. */
export interface TargetWithSecret {
  target: Target;
  secret: string;
}

/** One hour of the namespace's deliveries; `late` counts the delivered ones more than 1 s after their time. */
export interface DeliveryHour {
  /** The hour's start, ISO-8601 UTC. */
  start: string;
  delivered: number;
  failed: number;
  missed: number;
  canceled: number;
  late: number;
}

export interface DeliveryStats {
  /** One per hour, oldest first. */
  hours: DeliveryHour[];
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

/** Whether an error is the typed result `typename` (with `code`, when given). */
export function isResult(error: unknown, typename: string, code?: string): boolean {
  return (
    isApiError(error) &&
    error.kind === 'result' &&
    error.typename === typename &&
    (code === undefined || error.code === code)
  );
}

export interface TimeZoneList {
  names: string[];
  aliases: { name: string; canonical: string }[];
}

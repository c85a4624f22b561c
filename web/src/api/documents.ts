// GraphQL documents. Every mutation selects the members of its result union it can meet, and
// `__typename` tells them apart (see graphqlBaseQuery).

const RUN_FIELDS = `occurrenceId scheduledFor status trigger recordedAt messageId latenessMs
  reason attempts lastError nextAttemptAt`;

const SCHEDULE_FIELDS = `
  __typename jobId payload recurring minute runAt timezone cron state version createdAt updatedAt target
  name description labels { key value } startAt endAt maxRuns remainingRuns interval catchUp pauseNote
  lastRun { ${RUN_FIELDS} }
`;

const ERROR = `... on Error { __typename code message }`;
// Only for unions that include ValidationError: GraphQL rejects a fragment that can never match.
const FAILURES = `
  ${ERROR}
  ... on ValidationError { problems { field message } }
`;

export const SCHEDULES_QUERY = `
query Schedules($first: Int!, $after: String, $state: ScheduleState, $labels: [LabelInput!], $namePrefix: String) {
  schedules(first: $first, after: $after, state: $state, labels: $labels, namePrefix: $namePrefix) {
    nodes { ${SCHEDULE_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const SCHEDULE_QUERY = `
query Schedule($jobId: ID!, $runs: Int!) {
  schedule(jobId: $jobId) {
    ${SCHEDULE_FIELDS}
    nextRuns(count: 5) { runAt minute local }
    runs(first: $runs) { nodes { ${RUN_FIELDS} } pageInfo { hasNextPage endCursor } }
  }
}`;

export const PREVIEW_QUERY = `
query PreviewSchedule($input: ScheduleInput!, $count: Int!) {
  previewSchedule(input: $input, count: $count) {
    __typename
    ... on Preview { timezone runs { runAt minute local } }
    ${FAILURES}
  }
}`;

/** The zone names the API accepts, and the aliases it refuses with their canonical names. */
export const TIME_ZONES_QUERY = `
query TimeZones {
  timeZones { names aliases { name canonical } }
}`;

/** The namespace's targets, which a schedule names (or none, for the default one). */
const TARGET_FIELDS = `name kind url default builtIn createdAt timeoutSeconds contentType
  retry { maxAttempts maxAgeSeconds }`;

export const TARGETS_QUERY = `
query Targets {
  targets { ${TARGET_FIELDS} }
}`;

/** The namespace's deliveries per hour, oldest hour first. */
export const DELIVERY_STATS_QUERY = `
query DeliveryStats($hours: Int!) {
  deliveryStats(hours: $hours) { hours { start delivered failed missed canceled late } }
}`;

/** Used at sign-in: the cheapest request that needs a valid key. */
export const WHOAMI_QUERY = `
query SignInCheck {
  schedules(first: 1) { pageInfo { hasNextPage } }
}`;

const scheduleResult = `{ ... on Schedule { ${SCHEDULE_FIELDS} } ${FAILURES} }`;

export const CREATE_MUTATION = `
mutation CreateSchedule($input: ScheduleInput!, $idempotencyKey: String) {
  createSchedule(input: $input, idempotencyKey: $idempotencyKey) ${scheduleResult}
}`;

export const UPDATE_MUTATION = `
mutation UpdateSchedule($jobId: ID!, $input: ScheduleInput!, $expectedVersion: Int) {
  updateSchedule(jobId: $jobId, input: $input, expectedVersion: $expectedVersion) ${scheduleResult}
}`;

export const PAUSE_MUTATION = `
mutation PauseSchedule($jobId: ID!, $note: String) {
  pauseSchedule(jobId: $jobId, note: $note) ${scheduleResult}
}`;

export const RESUME_MUTATION = `
mutation ResumeSchedule($jobId: ID!) {
  resumeSchedule(jobId: $jobId) ${scheduleResult}
}`;

export const RUN_NOW_MUTATION = `
mutation RunScheduleNow($jobId: ID!) {
  runScheduleNow(jobId: $jobId) ${scheduleResult}
}`;

export const DELETE_MUTATION = `
mutation DeleteSchedule($jobId: ID!) {
  deleteSchedule(jobId: $jobId) {
    ... on DeletedSchedule { __typename jobId }
    ${ERROR}
  }
}`;

const withSecret = `... on WebhookTargetWithSecret { __typename secret target { ${TARGET_FIELDS} } }`;

/** A webhook of the namespace; its signing secret is in this answer only. */
export const CREATE_WEBHOOK_MUTATION = `
mutation CreateWebhookTarget($input: WebhookTargetInput!) {
  createWebhookTarget(input: $input) { ${withSecret} ${FAILURES} }
}`;

/** A new signing secret, in this answer only; the old one still signs for 24 hours. */
export const ROTATE_SECRET_MUTATION = `
mutation RotateTargetSecret($name: String!) {
  rotateTargetSecret(name: $name) { ${withSecret} ${ERROR} }
}`;

export const DELETE_TARGET_MUTATION = `
mutation DeleteTarget($name: String!) {
  deleteTarget(name: $name) {
    ... on DeletedTarget { __typename name }
    ${ERROR}
  }
}`;

/** A failed run delivered again now, with the same occurrence id; the answer is the run, queued. */
export const REDELIVER_MUTATION = `
mutation RedeliverRun($jobId: ID!, $occurrenceId: String!) {
  redeliverRun(jobId: $jobId, occurrenceId: $occurrenceId) {
    ... on Run { __typename ${RUN_FIELDS} }
    ${ERROR}
  }
}`;

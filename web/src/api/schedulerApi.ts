import { createApi } from '@reduxjs/toolkit/query/react';
import {
  CREATE_MUTATION,
  CREATE_WEBHOOK_MUTATION,
  DELETE_MUTATION,
  DELETE_TARGET_MUTATION,
  DELIVERY_STATS_QUERY,
  PAUSE_MUTATION,
  PREVIEW_QUERY,
  REDELIVER_MUTATION,
  RESUME_MUTATION,
  ROTATE_SECRET_MUTATION,
  RUN_NOW_MUTATION,
  SCHEDULE_QUERY,
  SCHEDULES_QUERY,
  TARGETS_QUERY,
  TIME_ZONES_QUERY,
  UPDATE_MUTATION,
} from './documents';
import { graphqlBaseQuery } from './graphqlBaseQuery';
import type {
  DeliveryStats,
  Label,
  Preview,
  Run,
  Schedule,
  ScheduleConnection,
  ScheduleDetail,
  ScheduleInput,
  ScheduleState,
  Target,
  TargetWithSecret,
  TimeZoneList,
  WebhookTargetInput,
} from './types';

export const PAGE_SIZE = 50;

export interface ListArgs {
  state: ScheduleState | null;
  after: string | null;
  first?: number;
  /** Every one must match. */
  labels?: Label[] | null;
  /** Of the name, whatever its case; the API then orders by name. */
  namePrefix?: string | null;
}

export interface CreateArgs {
  input: ScheduleInput;
  /** The same key gets the first answer back and creates nothing (24 h). */
  idempotencyKey: string;
}

type Tag = { type: 'Schedule' | 'Deliveries' | 'Target'; id: string };
const DELIVERIES: Tag = { type: 'Deliveries', id: 'LIST' };
// The targets drawer and the form's target select read the one list.
const TARGETS: Tag = { type: 'Target', id: 'LIST' };
const LIST: Tag = { type: 'Schedule', id: 'LIST' };
const one = (jobId: string): Tag => ({ type: 'Schedule', id: jobId });

// Any change to a schedule can move it between pages and state filters, so it refreshes the
// list as well as the schedule itself.
const changed = (jobId: string): Tag[] => [one(jobId), LIST];
// A run delivered now shows in this hour's figures.
const ran = (jobId: string): Tag[] => [...changed(jobId), DELIVERIES];

export const schedulerApi = createApi({
  reducerPath: 'schedulerApi',
  baseQuery: graphqlBaseQuery,
  tagTypes: ['Schedule', 'Deliveries', 'Target'],
  endpoints: (build) => ({
    listSchedules: build.query<ScheduleConnection, ListArgs>({
      query: ({ state, after, first = PAGE_SIZE, labels = null, namePrefix = null }) => ({
        document: SCHEDULES_QUERY,
        variables: { first, after, state, labels: labels?.length ? labels : null, namePrefix: namePrefix || null },
        field: 'schedules',
      }),
      providesTags: (result) => [LIST, ...(result?.nodes.map((s) => one(s.jobId)) ?? [])],
    }),
    getSchedule: build.query<ScheduleDetail | null, { jobId: string; runs?: number }>({
      query: ({ jobId, runs = 20 }) => ({ document: SCHEDULE_QUERY, variables: { jobId, runs }, field: 'schedule' }),
      providesTags: (_result, _error, { jobId }) => [one(jobId)],
    }),
    previewSchedule: build.query<Preview, { input: ScheduleInput; count?: number }>({
      query: ({ input, count = 5 }) => ({
        document: PREVIEW_QUERY,
        variables: { input, count },
        field: 'previewSchedule',
        expect: 'Preview',
      }),
      keepUnusedDataFor: 30,
    }),
    // The API's own list: the browser's (CLDR) names include aliases the API refuses.
    timeZones: build.query<TimeZoneList, void>({
      query: () => ({ document: TIME_ZONES_QUERY, field: 'timeZones' }),
      keepUnusedDataFor: 3600,
    }),
    // Operators change targets rarely, and the API itself answers from a 10 s memory.
    targets: build.query<Target[], void>({
      query: () => ({ document: TARGETS_QUERY, field: 'targets' }),
      keepUnusedDataFor: 300,
      providesTags: [TARGETS],
    }),
    deliveryStats: build.query<DeliveryStats, number>({
      query: (hours) => ({ document: DELIVERY_STATS_QUERY, variables: { hours }, field: 'deliveryStats' }),
      providesTags: [DELIVERIES],
    }),
    createSchedule: build.mutation<Schedule, CreateArgs>({
      query: ({ input, idempotencyKey }) => ({
        document: CREATE_MUTATION,
        variables: { input, idempotencyKey },
        field: 'createSchedule',
        expect: 'Schedule',
      }),
      invalidatesTags: [LIST, DELIVERIES],
    }),
    updateSchedule: build.mutation<Schedule, { jobId: string; input: ScheduleInput; expectedVersion?: number }>({
      query: ({ jobId, input, expectedVersion }) => ({
        document: UPDATE_MUTATION,
        variables: { jobId, input, expectedVersion: expectedVersion ?? null },
        field: 'updateSchedule',
        expect: 'Schedule',
      }),
      invalidatesTags: (_result, _error, { jobId }) => changed(jobId),
    }),
    pauseSchedule: build.mutation<Schedule, { jobId: string; note?: string | null }>({
      query: ({ jobId, note }) => ({
        document: PAUSE_MUTATION,
        variables: note ? { jobId, note } : { jobId },
        field: 'pauseSchedule',
        expect: 'Schedule',
      }),
      invalidatesTags: (_result, _error, { jobId }) => changed(jobId),
    }),
    resumeSchedule: build.mutation<Schedule, string>({
      query: (jobId) => ({
        document: RESUME_MUTATION,
        variables: { jobId },
        field: 'resumeSchedule',
        expect: 'Schedule',
      }),
      invalidatesTags: (_result, _error, jobId) => changed(jobId),
    }),
    runScheduleNow: build.mutation<Schedule, string>({
      query: (jobId) => ({
        document: RUN_NOW_MUTATION,
        variables: { jobId },
        field: 'runScheduleNow',
        expect: 'Schedule',
      }),
      invalidatesTags: (_result, _error, jobId) => ran(jobId),
    }),
    deleteSchedule: build.mutation<{ jobId: string }, string>({
      query: (jobId) => ({
        document: DELETE_MUTATION,
        variables: { jobId },
        field: 'deleteSchedule',
        expect: 'DeletedSchedule',
      }),
      invalidatesTags: (_result, _error, jobId) => changed(jobId),
    }),
    createWebhookTarget: build.mutation<TargetWithSecret, WebhookTargetInput>({
      query: (input) => ({
        document: CREATE_WEBHOOK_MUTATION,
        variables: { input },
        field: 'createWebhookTarget',
        expect: 'WebhookTargetWithSecret',
      }),
      invalidatesTags: [TARGETS],
    }),
    rotateTargetSecret: build.mutation<TargetWithSecret, string>({
      query: (name) => ({
        document: ROTATE_SECRET_MUTATION,
        variables: { name },
        field: 'rotateTargetSecret',
        expect: 'WebhookTargetWithSecret',
      }),
      invalidatesTags: [TARGETS],
    }),
    // A target already gone (TargetNotFoundError) refreshes the list too.
    deleteTarget: build.mutation<{ name: string }, string>({
      query: (name) => ({
        document: DELETE_TARGET_MUTATION,
        variables: { name },
        field: 'deleteTarget',
        expect: 'DeletedTarget',
      }),
      invalidatesTags: [TARGETS],
    }),
    redeliverRun: build.mutation<Run, { jobId: string; occurrenceId: string }>({
      query: ({ jobId, occurrenceId }) => ({
        document: REDELIVER_MUTATION,
        variables: { jobId, occurrenceId },
        field: 'redeliverRun',
        expect: 'Run',
      }),
      invalidatesTags: (_result, _error, { jobId }) => ran(jobId),
    }),
  }),
});

export const {
  useListSchedulesQuery,
  useGetScheduleQuery,
  usePreviewScheduleQuery,
  useTimeZonesQuery,
  useTargetsQuery,
  useDeliveryStatsQuery,
  useCreateScheduleMutation,
  useUpdateScheduleMutation,
  usePauseScheduleMutation,
  useResumeScheduleMutation,
  useRunScheduleNowMutation,
  useDeleteScheduleMutation,
  useCreateWebhookTargetMutation,
  useRotateTargetSecretMutation,
  useDeleteTargetMutation,
  useRedeliverRunMutation,
} = schedulerApi;

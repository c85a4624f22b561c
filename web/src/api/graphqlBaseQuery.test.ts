import { describe, expect, it } from 'vitest';
import { makeStore } from '../app/store';
import { fakeGraphql } from '../test/fakeGraphql';
import { schedulerApi } from './schedulerApi';
import type { ApiError } from './types';

async function listError(store = makeStore({ auth: { apiKey: 'k', reason: null } })) {
  const result = await store.dispatch(schedulerApi.endpoints.listSchedules.initiate({ state: null, after: null }));
  return { error: result.error as ApiError, store };
}

describe('graphqlBaseQuery', () => {
  it('signs the user out on a 401, keeping the reason the API gave', async () => {
    fakeGraphql({
      Schedules: () => Response.json({ error: 'unauthorized', message: 'this API key was revoked' }, { status: 401 }),
    });
    // (the request itself ends aborted: signing out clears every cached answer and request)
    const { store } = await listError();
    expect(store.getState().auth).toEqual({ apiKey: null, reason: 'this API key was revoked' });
  });

  it('says when to try again after a 429', async () => {
    fakeGraphql({
      Schedules: () =>
        Response.json(
          { error: 'rate_limited', message: 'too many requests for this key' },
          { status: 429, headers: { 'Retry-After': '3' } },
        ),
    });
    const { error, store } = await listError();
    expect(error).toEqual({ kind: 'http', status: 429, message: 'too many requests for this key (try again in 3 s)' });
    expect(store.getState().auth.apiKey).toBe('k');
  });

  it('reports GraphQL errors by their messages', async () => {
    fakeGraphql({ Schedules: () => Response.json({ data: null, errors: [{ message: 'first must be 1 to 100' }] }) });
    expect((await listError()).error).toEqual({ kind: 'graphql', message: 'first must be 1 to 100' });
  });

  it('turns an unexpected union member into a result error with its problems', async () => {
    fakeGraphql({
      PauseSchedule: () => ({
        pauseSchedule: { __typename: 'NotFoundError', code: 'not_found', message: 'no schedule job-9', jobId: 'job-9' },
      }),
    });
    const store = makeStore({ auth: { apiKey: 'k', reason: null } });
    const result = await store.dispatch(schedulerApi.endpoints.pauseSchedule.initiate({ jobId: 'job-9' }));
    expect('error' in result && result.error).toEqual({
      kind: 'result',
      typename: 'NotFoundError',
      code: 'not_found',
      message: 'no schedule job-9',
      problems: [],
    });
  });
});

import type { BaseQueryFn } from '@reduxjs/toolkit/query';
import { signedOut } from '../features/auth/authSlice';
import type { ApiError, Problem } from './types';

export interface GraphqlRequest {
  document: string;
  variables?: Record<string, unknown>;
  /** The top-level field whose value becomes the result. */
  field: string;
  /** For a union result: the `__typename` that means success; any other member is an error. */
  expect?: string | string[];
}

interface AuthState {
  auth: { apiKey: string | null };
}

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string }[];
  // The API's own error body, for answers before GraphQL (401, 413, 429).
  error?: string;
  message?: string;
}

const GRAPHQL_PATH = '/graphql';

function operationName(document: string): string | undefined {
  return /(?:query|mutation)\s+(\w+)/.exec(document)?.[1];
}

async function readMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: string; error?: string; detail?: string };
    return body.message ?? body.detail ?? body.error ?? response.statusText;
  } catch {
    return response.statusText || `HTTP ${response.status}`;
  }
}

/**
 * Sends one GraphQL operation to the API on the same origin, with the session's API key.
 * A 401 signs the user out; a union member other than the expected one comes back as a
 * `result` error carrying its code and field problems.
 */
export const graphqlBaseQuery: BaseQueryFn<GraphqlRequest, unknown, ApiError> = async (
  { document, variables, field, expect },
  api,
) => {
  const apiKey = (api.getState() as AuthState).auth.apiKey;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;

  let response: Response;
  try {
    response = await fetch(new URL(GRAPHQL_PATH, window.location.href), {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: document, variables: variables ?? {}, operationName: operationName(document) }),
      signal: api.signal,
    });
  } catch (error) {
    return { error: { kind: 'network', message: error instanceof Error ? error.message : String(error) } };
  }

  if (response.status === 401) {
    const message = await readMessage(response);
    api.dispatch(signedOut({ reason: message || 'The API key was not accepted.' }));
    return { error: { kind: 'unauthorized', message } };
  }

  let body: GraphqlBody;
  try {
    body = (await response.json()) as GraphqlBody;
  } catch {
    return {
      error: { kind: 'http', status: response.status, message: response.statusText || `HTTP ${response.status}` },
    };
  }
  if (!response.ok && !body.data) {
    let message =
      body.errors?.[0]?.message ?? body.message ?? body.error ?? (response.statusText || `HTTP ${response.status}`);
    const retryAfter = response.headers.get('Retry-After');
    if (response.status === 429 && retryAfter) message = `${message} (try again in ${retryAfter} s)`;
    return { error: { kind: 'http', status: response.status, message } };
  }
  if (body.errors?.length) {
    return { error: { kind: 'graphql', message: body.errors.map((e) => e.message).join('; ') } };
  }

  const value = body.data?.[field] as Record<string, unknown> | null | undefined;
  if (expect && value) {
    const expected = Array.isArray(expect) ? expect : [expect];
    const typename = String(value.__typename ?? '');
    if (!expected.includes(typename)) {
      return {
        error: {
          kind: 'result',
          typename,
          code: String(value.code ?? typename),
          message: String(value.message ?? typename),
          problems: (value.problems as Problem[] | undefined) ?? [],
        },
      };
    }
  }
  return { data: value ?? null };
};

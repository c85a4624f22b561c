import { vi } from 'vitest';

export interface GraphqlCall {
  operationName: string;
  variables: Record<string, unknown>;
  authorization: string | null;
}

/** Answers an operation: the `data` object, or a Response for HTTP-level failures. */
export type Handler = (variables: Record<string, unknown>) => Record<string, unknown> | Response;

/**
 * Replaces `fetch` with a fake GraphQL endpoint that answers each operation by name and
 * records what the app sent.
 */
export function fakeGraphql(handlers: Record<string, Handler>) {
  const calls: GraphqlCall[] = [];
  const fetchMock = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    expect(new URL(String(url)).pathname).toBe('/graphql');
    const body = JSON.parse(String(init?.body)) as { operationName: string; variables?: Record<string, unknown> };
    const headers = new Headers(init?.headers);
    calls.push({
      operationName: body.operationName,
      variables: body.variables ?? {},
      authorization: headers.get('Authorization'),
    });
    const handler = handlers[body.operationName];
    if (!handler) {
      return Response.json({ errors: [{ message: `no fake for ${body.operationName}` }] });
    }
    const answer = handler(body.variables ?? {});
    return answer instanceof Response ? answer : Response.json({ data: answer });
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    callsOf: (operationName: string) => calls.filter((call) => call.operationName === operationName),
  };
}

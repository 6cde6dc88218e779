// The console's one transport: POST /graphql on this origin, with the session cookie. An operator
// acting in a tenant names it in X-CheckProof-Tenant. The GraphQL IDE (pages/GraphiQL.tsx) sends
// its requests through the same postGraphQL.
import type { TypedDocumentString } from './gql/graphql';

/**
 * POST /graphql on this origin with the session cookie. The service takes the cookie only from a
 * request whose Origin is its own (a same-origin POST always sends one) and whose Content-Type is
 * application/json, so that no form or page of another site can use it (ADR 0010): both hold here
 * whatever headers the caller adds. An Authorization header the caller adds wins over the cookie.
 */
export function postGraphQL(
  body: string,
  extraHeaders: HeadersInit = {},
  signal?: AbortSignal | null,
): Promise<Response> {
  const headers = new Headers(extraHeaders);
  // set, not append: a caller's own content-type must not become "application/json, application/json".
  headers.set('Content-Type', 'application/json');
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  return fetch('/graphql', {
    method: 'POST',
    credentials: 'same-origin',
    headers,
    body,
    ...(signal ? { signal } : {}),
  });
}

/** A GraphQL error (or a failed request), with the server's extensions.code when it gave one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number,
    /** The error's other extensions, e.g. conflictingId of USER_NAME_TAKEN. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Codes meaning "you are not signed in (any more)": the app goes back to sign-in. */
export function isSignedOut(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 'UNAUTHENTICATED' || err.status === 401);
}

export function isForbidden(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 'FORBIDDEN' || err.status === 403);
}

// Bumped whenever the session changes in this page (sign-in, setup link, sign-out): a 401 to a
// request sent before the change says nothing about the session after it.
let sessionEpoch = 0;
export function sessionChanged(): void {
  sessionEpoch += 1;
}

const listeners = new Set<() => void>();
/** Told when any request finds the session gone. */
export function onSignedOut(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface RequestOptions {
  /** The tenant an operator acts in (sent as X-CheckProof-Tenant). */
  tenantId?: string | undefined;
  signal?: AbortSignal | undefined;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } & Record<string, unknown> }>;
}

/** Runs one operation; resolves to its data or rejects with an ApiError. */
export async function request<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  opts: RequestOptions = {},
): Promise<R> {
  const epoch = sessionEpoch;
  const headers: Record<string, string> = {};
  if (opts.tenantId) headers['X-CheckProof-Tenant'] = opts.tenantId;
  let res: Response;
  try {
    res = await postGraphQL(JSON.stringify({ query: document.toString(), variables }), headers, opts.signal);
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError('The service cannot be reached. Check your connection and try again.', 'NETWORK', 0);
  }
  let body: GraphQLResponse<R> | undefined;
  try {
    body = (await res.json()) as GraphQLResponse<R>;
  } catch {
    body = undefined;
  }
  const first = body?.errors?.[0];
  if (first || !body?.data) {
    const err = new ApiError(
      first?.message ?? `The service answered ${res.status}.`,
      first?.extensions?.code,
      res.status,
      first?.extensions ?? {},
    );
    if (isSignedOut(err) && epoch === sessionEpoch) listeners.forEach((l) => l());
    throw err;
  }
  return body.data;
}

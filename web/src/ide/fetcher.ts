// How the GraphQL IDE talks to the service: queries and mutations as the console's own requests
// (postGraphQL: POST /graphql on this origin, session cookie, the CSRF rule's Origin and
// Content-Type), subscriptions over graphql-ws on the same /graphql (src/http/subscriptions.ts).
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { postGraphQL } from '../api';

/** ws(s)://this-host/graphql. */
function subscriptionUrl(): string {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * The IDE's fetcher. Without an Authorization header the session cookie authenticates both
 * transports: POST /graphql reads it with the CSRF rule above, and the WebSocket upgrade carries
 * it with this page's Origin, which the subscription server checks. With one (an API key, a JWT,
 * the operator token typed into the header editor), that header wins on both: the toolkit sends
 * the editor's headers as graphql-ws connection parameters, which the subscription server reads by
 * lower-case name (`authorization`, `x-checkproof-tenant`), so they are lower-cased here.
 */
export function ideFetcher(): Fetcher {
  const inner = createGraphiQLFetcher({
    url: '/graphql',
    subscriptionUrl: subscriptionUrl(),
    // The toolkit's multipart (incremental delivery) fetcher needs a multipart answer the service
    // never gives; the plain one keeps one request, one JSON answer.
    enableIncrementalDelivery: false,
    fetch: (_url, init) => postGraphQL(String(init?.body ?? ''), init?.headers, init?.signal),
  });
  return async (params, opts) =>
    shortStacks(
      await inner(params, {
        ...opts,
        headers: Object.fromEntries(
          Object.entries(opts?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
        ),
      }),
    );
}

const STACK_LINES = 3;

/**
 * Outside production the service adds the stack of an internal error to its answer
 * (extensions.stacktrace, some twenty lines); the IDE shows the message and the first frames. The
 * service logs the whole error with the request id. Streams (subscriptions) pass untouched.
 */
function shortStacks<T>(result: T): T {
  const errors = (result as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return result;
  return {
    ...result,
    errors: errors.map((error: { extensions?: { stacktrace?: unknown } }) => {
      const stack = error?.extensions?.stacktrace;
      if (!Array.isArray(stack) || stack.length <= STACK_LINES) return error;
      return {
        ...error,
        extensions: {
          ...error.extensions,
          stacktrace: [
            ...stack.slice(0, STACK_LINES),
            `… ${stack.length - STACK_LINES} more lines in the service's log`,
          ],
        },
      };
    }),
  };
}

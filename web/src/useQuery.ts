import { useCallback, useEffect, useRef, useState } from 'react';
import { request } from './api';
import type { TypedDocumentString } from './gql/graphql';

export interface QueryState<R> {
  data: R | undefined;
  error: Error | undefined;
  /** No data yet for these variables (first load or a new page). */
  loading: boolean;
  refetch: () => void;
}

export interface QueryOptions {
  tenantId?: string | undefined;
  /** Re-run every this many milliseconds, keeping the shown data until the answer arrives. */
  pollMs?: number | undefined;
  skip?: boolean;
}

/** Runs a query when its variables change (and on an interval when polling). */
export function useQuery<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  opts: QueryOptions = {},
): QueryState<R> {
  const key = JSON.stringify(variables);
  const [state, setState] = useState<{ key: string; data?: R; error?: Error }>({ key });
  const [tick, setTick] = useState(0);
  const vars = useRef(variables);
  vars.current = variables;
  const { tenantId, pollMs, skip } = opts;

  useEffect(() => {
    if (skip) return undefined;
    const controller = new AbortController();
    request(document, vars.current, { tenantId, signal: controller.signal }).then(
      (data) => setState({ key, data }),
      (error: Error) => {
        if (error.name === 'AbortError') return;
        setState((s) => ({ key, ...(s.key === key && s.data !== undefined ? { data: s.data } : {}), error }));
      },
    );
    return () => controller.abort();
  }, [document, key, tenantId, skip, tick]);

  useEffect(() => {
    if (!pollMs || skip) return undefined;
    const id = window.setInterval(() => setTick((t) => t + 1), pollMs);
    return () => window.clearInterval(id);
  }, [pollMs, skip]);

  const refetch = useCallback(() => setTick((t) => t + 1), []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: !skip && (!current || (state.data === undefined && state.error === undefined)),
    refetch,
  };
}

/** A mutation: run(variables) resolves to its data; pending while it runs. */
export function useMutation<R, V>(document: TypedDocumentString<R, V>, tenantId?: string) {
  const [pending, setPending] = useState(false);
  const run = useCallback(
    async (variables: V): Promise<R> => {
      setPending(true);
      try {
        return await request(document, variables, { tenantId });
      } finally {
        setPending(false);
      }
    },
    [document, tenantId],
  );
  return { run, pending };
}

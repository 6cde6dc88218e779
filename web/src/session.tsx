import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { isSignedOut, onSignedOut, request } from './api';
import { ViewerDocument, type ViewerQuery } from './gql/graphql';

export type Viewer = ViewerQuery['viewer'];

interface Session {
  /** undefined while asking; null when not signed in. */
  viewer: Viewer | null | undefined;
  error: Error | undefined;
  setViewer: (v: Viewer | null) => void;
  reload: () => void;
}

const SessionContext = createContext<Session | undefined>(undefined);

/** Who is signed in, asked once at start and set again by sign-in, setup links and sign-out. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [viewer, setViewer] = useState<Viewer | null | undefined>(undefined);
  const [error, setError] = useState<Error>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    request(ViewerDocument, {}).then(
      (d) => live && setViewer(d.viewer),
      (err: Error) => {
        if (!live) return;
        if (isSignedOut(err)) setViewer(null);
        else setError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [tick]);
  useEffect(() => onSignedOut(() => setViewer(null)), []);
  const reload = useCallback(() => {
    setError(undefined);
    setTick((t) => t + 1);
  }, []);
  const value = useMemo(() => ({ viewer, error, setViewer, reload }), [viewer, error, reload]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Where a viewer starts: the tenant list for the operator, the Provisioning page for a tenant admin. */
export function homeOf(viewer: Viewer): string {
  return viewer.tenantId ? `/t/${viewer.tenantId}/settings/provisioning` : '/tenants';
}

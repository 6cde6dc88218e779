import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { isSignedOut, onSignedOut, request, sessionChanged } from './api';
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
  const [viewer, setViewerState] = useState<Viewer | null | undefined>(undefined);
  const [error, setError] = useState<Error>();
  const [tick, setTick] = useState(0);
  // Set once sign-in, a setup link or sign-out says who is signed in: the start-up question, sent
  // before that request's cookie existed, may answer later and must not undo it.
  const known = useRef(false);
  const setViewer = useCallback((v: Viewer | null) => {
    known.current = true;
    // Requests sent before this (the start-up viewer query among them) may still answer 401.
    sessionChanged();
    setViewerState(v);
  }, []);
  useEffect(() => {
    let live = true;
    request(ViewerDocument, {}).then(
      (d) => live && !known.current && setViewerState(d.viewer),
      (err: Error) => {
        if (!live || known.current) return;
        if (isSignedOut(err)) setViewerState(null);
        else setError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [tick]);
  useEffect(() => onSignedOut(() => setViewer(null)), [setViewer]);
  const reload = useCallback(() => {
    known.current = false;
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

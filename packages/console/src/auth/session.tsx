/**
 * Who is signed in and what they may do. The server is the only source of permissions:
 * `GET /api/v1/whoami` lists the role's permissions, so the console never copies the matrix.
 * Signing in is by the single-sign-on session cookie (then `GET /api/v1/session` gives the CSRF
 * token) or by an API token pasted on the sign-in page (the development bootstrap token, or
 * automation's). A 401 anywhere signs the tab out.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, credentials, post } from '../api/client.ts';
import { ApiError } from '../api/problem.ts';

export interface Me {
  kind: string;
  name: string;
  role: string;
  subject: string | null;
  permissions: string[];
}

interface SessionState {
  me: Me | null;
  /** Whether the first check of an existing session or token has finished. */
  ready: boolean;
  may(permission: string): boolean;
  mayAny(permissions: readonly string[]): boolean;
  signInWithToken(token: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

async function loadMe(): Promise<Me> {
  const me = await api<Me>('/api/v1/whoami');
  if (!credentials.token()) {
    // A cookie session: unsafe requests need its CSRF token.
    const session = await api<{ csrf_token: string }>('/api/v1/session');
    credentials.setCsrf(session.csrf_token);
  }
  return me;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [ready, setReady] = useState(false);
  const queryClient = useQueryClient();

  useEffect(() => {
    credentials.onUnauthorized(() => {
      credentials.setToken(null);
      credentials.setCsrf(null);
      setMe(null);
      queryClient.clear();
    });
    loadMe()
      .then(setMe)
      .catch(() => setMe(null))
      .finally(() => setReady(true));
  }, [queryClient]);

  const signInWithToken = useCallback(async (token: string) => {
    credentials.setToken(token.trim());
    try {
      setMe(await loadMe());
    } catch (err) {
      credentials.setToken(null);
      if (err instanceof ApiError && err.status === 401) throw new Error('That token is not valid, or it has expired or been revoked. Ask an admin for a new one.', { cause: err });
      throw err;
    }
  }, []);

  const signOut = useCallback(async () => {
    const hadToken = Boolean(credentials.token());
    credentials.setToken(null);
    let endSession: string | undefined;
    if (!hadToken) {
      try {
        endSession = (await post<{ end_session_url?: string }>('/auth/logout')).end_session_url;
      } catch {
        // The session is already gone; signing out locally is all there is to do.
      }
    }
    credentials.setCsrf(null);
    setMe(null);
    queryClient.clear();
    if (endSession) window.location.assign(endSession);
  }, [queryClient]);

  const value = useMemo<SessionState>(() => {
    const perms = new Set(me?.permissions ?? []);
    return {
      me,
      ready,
      may: (p) => perms.has(p),
      mayAny: (ps) => ps.some((p) => perms.has(p)),
      signInWithToken,
      signOut,
    };
  }, [me, ready, signInWithToken, signOut]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Renders its children only for a caller holding the permission: controls are absent, not disabled. */
export function Can({ permission, children }: { permission: string | readonly string[]; children: ReactNode }) {
  const { may, mayAny } = useSession();
  const allowed = typeof permission === 'string' ? may(permission) : mayAny(permission);
  return allowed ? <>{children}</> : null;
}

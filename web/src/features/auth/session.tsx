import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { ApiError, onUnauthorized, setCsrfToken } from "../../api/client.ts";
import { signOut as endSession, getMe, getSession } from "../../api/endpoints.ts";
import type { Session } from "../../api/types.ts";
import { liveStream } from "../../live/events.ts";

// Who is signed in. The CSRF token lives in memory only (api/client.ts); the session itself is an
// HttpOnly cookie the page never sees.

export interface User {
  username: string;
  role: string;
}

export type SessionState =
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "signed-out"; expired: boolean }
  | { status: "signed-in"; user: User; devToken: boolean };

interface SessionApi {
  state: SessionState;
  /** Record a session answered by POST /session or /setup. */
  signedIn: (session: Session) => void;
  signOut: () => Promise<void>;
  retry: () => void;
}

const SessionContext = createContext<SessionApi | null>(null);

export function useSession(): SessionApi {
  const api = useContext(SessionContext);
  if (!api) throw new Error("useSession outside SessionProvider");
  return api;
}

/** The signed-in user (only call below the sign-in gate). */
export function useUser(): User {
  const { state } = useSession();
  return state.status === "signed-in" ? state.user : { username: "", role: "" };
}

async function loadSession(): Promise<SessionState> {
  try {
    const session = await getSession();
    setCsrfToken(session.csrf_token);
    return { status: "signed-in", user: { username: session.username, role: session.role }, devToken: false };
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 404)) {
      // Development only: `npm run dev:web` with FOGHORN_DEV_TOKEN signs API calls in the proxy.
      if (import.meta.env.DEV) {
        try {
          const me = await getMe();
          return { status: "signed-in", user: me, devToken: true };
        } catch {
          // not signed in after all
        }
      }
      return { status: "signed-out", expired: false };
    }
    return {
      status: "error",
      message: error instanceof Error ? error.message : "Could not reach the Foghorn server.",
    };
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    void attempt;
    loadSession().then((s) => {
      if (!cancelled) setState(s);
    });
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  useEffect(() => {
    onUnauthorized(() => {
      setCsrfToken(null);
      setState((s) =>
        s.status === "signed-in" && !s.devToken ? { status: "signed-out", expired: true } : s,
      );
    });
    return () => onUnauthorized(null);
  }, []);

  const signedIn = state.status === "signed-in";
  useEffect(() => {
    if (signedIn) liveStream.start();
    else liveStream.stop();
  }, [signedIn]);

  const signIn = useCallback((session: Session) => {
    setCsrfToken(session.csrf_token);
    setState({
      status: "signed-in",
      user: { username: session.username, role: session.role },
      devToken: false,
    });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await endSession();
    } catch {
      // the session is gone either way
    }
    setCsrfToken(null);
    setState({ status: "signed-out", expired: false });
  }, []);

  const retry = useCallback(() => {
    setState({ status: "loading" });
    setAttempt((n) => n + 1);
  }, []);

  const api = useMemo(() => ({ state, signedIn: signIn, signOut, retry }), [state, signIn, signOut, retry]);
  return <SessionContext.Provider value={api}>{children}</SessionContext.Provider>;
}

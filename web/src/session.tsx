// Who is signed in. In development: a demo user's token minted by the server. In production the app sends no token:
// the authenticating proxy in front of it adds the user's bearer token to every `/v1` call.
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { call, createApi, unwrap, type Api, type Schemas } from "./api/client";

export type DemoUser = Schemas["DemoUser"];
type Role = "seeker" | "caseworker";

interface StoredSession {
  token: string | null;
  role: Role;
  subject: string;
  unit: string | null;
}

interface Session {
  api: Api;
  session: StoredSession | null;
  signInAsDemo: (subject: string) => Promise<void>;
  /** Behind the proxy: the role the API's answer to `GET /v1/me` revealed. */
  adopt: (role: Role) => void;
  signOut: () => void;
}

const STORAGE_KEY = "jobmatch.session";
const SessionContext = createContext<Session | null>(null);

function stored(): StoredSession | null {
  try {
    const text = sessionStorage.getItem(STORAGE_KEY);
    return text ? (JSON.parse(text) as StoredSession) : null;
  } catch {
    return null;
  }
}

function store(session: StoredSession | null): void {
  try {
    if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage refused: the session lasts until the page reloads
  }
}

export function SessionProvider({ children, api: givenApi }: { children: ReactNode; api?: Api }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<StoredSession | null>(stored);
  const tokenRef = useRef<string | null>(session?.token ?? null);
  const apiRef = useRef<Api>(givenApi ?? createApi(() => ({ token: tokenRef.current })));

  const begin = useCallback(
    (next: StoredSession | null) => {
      tokenRef.current = next?.token ?? null;
      store(next);
      queryClient.clear();
      setSession(next);
    },
    [queryClient],
  );

  const signInAsDemo = useCallback(
    async (subject: string) => {
      const minted = unwrap(await call(apiRef.current.POST("/v1/dev/tokens", { body: { subject } })));
      begin({ token: minted.access_token, role: minted.user.role, subject: minted.user.subject, unit: minted.user.unit });
    },
    [begin],
  );
  const adopt = useCallback((role: Role) => begin({ token: null, role, subject: "", unit: null }), [begin]);
  const signOut = useCallback(() => begin(null), [begin]);

  const value = useMemo(
    () => ({ api: apiRef.current, session, signInAsDemo, adopt, signOut }),
    [session, signInAsDemo, adopt, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const context = useContext(SessionContext);
  if (!context) throw new Error("useSession outside SessionProvider");
  return context;
}

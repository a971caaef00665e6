// Who is logged in: loaded once from GET /api/me (after one silent refresh), updated by login, logout and settings.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import * as api from "../api/endpoints";
import type { UserBody } from "../api/types";

type SessionState = { status: "loading" } | { status: "anonymous" } | { status: "signed-in"; user: UserBody };

interface Session {
  state: SessionState;
  user: UserBody | null;
  setUser: (user: UserBody | null) => void;
  logIn: (login: string, password: string) => Promise<UserBody>;
  logOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: "loading" });
  const setUser = useCallback((user: UserBody | null) => {
    setState(user ? { status: "signed-in", user } : { status: "anonymous" });
  }, []);

  useEffect(() => {
    let live = true;
    api
      .getMe()
      .then((user) => live && setUser(user))
      // 401 (nobody logged in) or the API unreachable: either way nobody is signed in here.
      .catch(() => live && setUser(null));
    return () => {
      live = false;
    };
  }, [setUser]);

  const value = useMemo<Session>(
    () => ({
      state,
      user: state.status === "signed-in" ? state.user : null,
      setUser,
      logIn: async (login, password) => {
        const session = await api.logIn(login, password);
        setUser(session.user);
        return session.user;
      },
      logOut: async () => {
        try {
          await api.logOut();
        } finally {
          setUser(null);
        }
      },
    }),
    [state, setUser],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const context = useContext(SessionContext);
  if (!context) throw new Error("useSession needs a SessionProvider above it");
  return context;
}

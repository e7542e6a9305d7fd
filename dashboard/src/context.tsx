/**
 * @module dashboard/context
 * What every page reads: the API client, the router and its current route, the session
 * (scope) and the live event stream, through React context and small hooks.
 */
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from "react";
import type { Api } from "./api/client.js";
import type { Live, LiveSignal } from "./live.js";
import type { Route, Router } from "./router.js";
import type { Session } from "./session.js";

/** The dashboard's shared services. */
export interface Services {
  readonly api: Api;
  readonly router: Router;
  readonly live: Live | null;
  readonly session: Session | null;
  /** Sign in with a token whose whoami answered (null: sign out). */
  readonly signIn: (token: string | null, session: Session | null) => void;
}

/** The context carrying the services. */
export const ServicesContext = createContext<Services | null>(null);

/** The services (inside the app). */
export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error("useServices outside <ServicesContext>");
  return s;
}

/** The current route, re-rendering on navigation. */
export function useRoute(): Route {
  const { router } = useServices();
  return useSyncExternalStore(router.subscribe, router.current);
}

/** True when the session may change things (a write token, or an open loopback server). */
export function useCanWrite(): boolean {
  return useServices().session?.scope === "write";
}

/** Call `onSignal` for every live event and reset (the latest callback is used). */
export function useLive(onSignal: (s: LiveSignal) => void): void {
  const { live } = useServices();
  const [ref] = useState(() => ({ current: onSignal }));
  ref.current = onSignal;
  useEffect(() => live?.subscribe((s) => ref.current(s)), [live, ref]);
}

/** Whether the live stream is connected. */
export function useLiveStatus(): boolean {
  const { live } = useServices();
  const [connected, setConnected] = useState(false);
  useEffect(() => live?.onStatus(setConnected), [live]);
  return connected;
}

/** The current time, ticking every `ms` (for relative timestamps only). */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

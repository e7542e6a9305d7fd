/**
 * @module dashboard/router
 * The dashboard's routes (the shared contract's list) and a small typed router over the
 * history API: `parseRoute` maps a path to a typed route, `routeHref` maps it back, and
 * `createRouter` follows a history (the browser's, or a fake in tests), telling subscribers of
 * every navigation, including back and forward.
 */

/** One page of the dashboard, with its parameters. */
export type Route =
  | { readonly name: "overview" }
  | { readonly name: "jobs"; readonly query: URLSearchParams }
  | { readonly name: "job"; readonly id: string }
  | { readonly name: "schedules" }
  | { readonly name: "schedule"; readonly scheduleName: string }
  | { readonly name: "workflows" }
  | { readonly name: "workflow"; readonly workflowName: string }
  | { readonly name: "run"; readonly id: string }
  | { readonly name: "signin"; readonly next: string | null }
  | { readonly name: "not-found"; readonly path: string };

const seg = (s: string): string | null => {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
};

/** The route of a path and query string (`search` with or without its leading `?`). */
export function parseRoute(pathname: string, search = ""): Route {
  const parts = pathname.replace(/\/+$/, "").split("/").slice(1);
  const query = new URLSearchParams(search);
  const [head, arg, ...rest] = parts;
  const param = arg === undefined || arg === "" || rest.length > 0 ? null : seg(arg);
  if (parts.length === 0) return { name: "overview" };
  if (arg === undefined) {
    if (head === "jobs") return { name: "jobs", query };
    if (head === "schedules") return { name: "schedules" };
    if (head === "workflows") return { name: "workflows" };
    if (head === "signin") return { name: "signin", next: query.get("next") };
  } else if (param !== null) {
    if (head === "jobs") return { name: "job", id: param };
    if (head === "schedules") return { name: "schedule", scheduleName: param };
    if (head === "workflows") return { name: "workflow", workflowName: param };
    if (head === "runs") return { name: "run", id: param };
  }
  return { name: "not-found", path: pathname };
}

const enc = encodeURIComponent;

/** The path (and query) of a route; `parseRoute(routeHref(r))` gives `r` back. */
export function routeHref(route: Route): string {
  switch (route.name) {
    case "overview":
      return "/";
    case "jobs": {
      const q = route.query.toString();
      return q ? `/jobs?${q}` : "/jobs";
    }
    case "job":
      return `/jobs/${enc(route.id)}`;
    case "schedules":
      return "/schedules";
    case "schedule":
      return `/schedules/${enc(route.scheduleName)}`;
    case "workflows":
      return "/workflows";
    case "workflow":
      return `/workflows/${enc(route.workflowName)}`;
    case "run":
      return `/runs/${enc(route.id)}`;
    case "signin":
      return route.next ? `/signin?next=${enc(route.next)}` : "/signin";
    case "not-found":
      return route.path;
  }
}

/** The part of the browser's window the router uses (a fake in tests). */
export interface HistoryLike {
  readonly location: { readonly pathname: string; readonly search: string };
  pushState(data: unknown, unused: string, url: string): void;
  replaceState(data: unknown, unused: string, url: string): void;
  addEventListener(type: "popstate", listener: () => void): void;
  removeEventListener(type: "popstate", listener: () => void): void;
}

/** A router following one history. */
export interface Router {
  /** The current route. */
  readonly current: () => Route;
  /** Go to a path or route (`replace`: without a new history entry). */
  readonly navigate: (to: string | Route, options?: { replace?: boolean }) => void;
  /** Be told of every route change; returns the unsubscribe function. */
  readonly subscribe: (listener: (route: Route) => void) => () => void;
  /** Stop listening to the history. */
  readonly dispose: () => void;
}

/** Follow `win` (the browser's `window`, whose `history` it drives). */
export function createRouter(
  win: Pick<HistoryLike, "location" | "addEventListener" | "removeEventListener">,
  history: Pick<HistoryLike, "pushState" | "replaceState">,
): Router {
  const listeners = new Set<(route: Route) => void>();
  const read = () => parseRoute(win.location.pathname, win.location.search);
  let route = read();
  const changed = () => {
    route = read();
    for (const l of [...listeners]) l(route);
  };
  win.addEventListener("popstate", changed);
  return {
    current: () => route,
    navigate(to, options) {
      const url = typeof to === "string" ? to : routeHref(to);
      if (options?.replace) history.replaceState(null, "", url);
      else history.pushState(null, "", url);
      changed();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => win.removeEventListener("popstate", changed),
  };
}

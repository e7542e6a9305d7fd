import { describe, expect, it } from "vitest";
import { createRouter, parseRoute, routeHref, type Route } from "../../dashboard/src/router.js";

/** A history that keeps entries like a browser's: push, replace, back. */
function fakeWindow(start = "/") {
  const entries: string[] = [start];
  let at = 0;
  const listeners = new Set<() => void>();
  const location = { pathname: "", search: "" };
  const sync = () => {
    const u = new URL(entries[at]!, "http://x");
    location.pathname = u.pathname;
    location.search = u.search;
  };
  sync();
  return {
    location,
    addEventListener: (_: "popstate", l: () => void) => listeners.add(l),
    removeEventListener: (_: "popstate", l: () => void) => listeners.delete(l),
    pushState: (_d: unknown, _u: string, url: string) => {
      entries.splice(at + 1, Infinity, url);
      at++;
      sync();
    },
    replaceState: (_d: unknown, _u: string, url: string) => {
      entries[at] = url;
      sync();
    },
    back: () => {
      at--;
      sync();
      for (const l of listeners) l();
    },
    entries,
  };
}

describe("dashboard router", () => {
  it("parses every route of the contract", () => {
    expect(parseRoute("/")).toEqual({ name: "overview" });
    expect(parseRoute("/jobs", "?state=failed").name).toBe("jobs");
    expect(parseRoute("/jobs/42")).toEqual({ name: "job", id: "42" });
    expect(parseRoute("/schedules")).toEqual({ name: "schedules" });
    expect(parseRoute("/schedules/nightly%20report")).toEqual({
      name: "schedule",
      scheduleName: "nightly report",
    });
    expect(parseRoute("/workflows/")).toEqual({ name: "workflows" });
    expect(parseRoute("/workflows/etl")).toEqual({ name: "workflow", workflowName: "etl" });
    expect(parseRoute("/runs/7")).toEqual({ name: "run", id: "7" });
    expect(parseRoute("/signin", "next=%2Fjobs")).toEqual({ name: "signin", next: "/jobs" });
    expect(parseRoute("/jobs/1/extra")).toEqual({ name: "not-found", path: "/jobs/1/extra" });
    expect(parseRoute("/runs")).toEqual({ name: "not-found", path: "/runs" });
    expect(parseRoute("/jobs/%E0%A4%A")).toEqual({ name: "not-found", path: "/jobs/%E0%A4%A" });
  });

  it("turns a route back into its path", () => {
    const routes: Route[] = [
      { name: "overview" },
      { name: "job", id: "a/b" },
      { name: "schedule", scheduleName: "nightly report" },
      { name: "workflow", workflowName: "etl" },
      { name: "run", id: "9" },
      { name: "signin", next: "/jobs?state=failed" },
    ];
    for (const r of routes) {
      const href = routeHref(r);
      const u = new URL(href, "http://x");
      expect(parseRoute(u.pathname, u.search)).toEqual(r);
    }
    expect(routeHref({ name: "jobs", query: new URLSearchParams({ state: "failed" }) })).toBe(
      "/jobs?state=failed",
    );
  });

  it("pushes, replaces and follows back navigation, telling subscribers", () => {
    const win = fakeWindow("/jobs?fn=report");
    const router = createRouter(win, win);
    expect(router.current()).toMatchObject({ name: "jobs" });
    const seen: string[] = [];
    const stop = router.subscribe((r) => seen.push(r.name));
    router.navigate("/jobs/5");
    router.navigate({ name: "run", id: "3" }, { replace: true });
    expect(win.entries).toEqual(["/jobs?fn=report", "/runs/3"]);
    win.back();
    expect(router.current()).toMatchObject({ name: "jobs" });
    expect(seen).toEqual(["job", "run", "jobs"]);
    stop();
    router.navigate("/");
    expect(seen).toHaveLength(3);
    router.dispose();
    win.back();
    expect(router.current()).toEqual({ name: "overview" });
  });
});

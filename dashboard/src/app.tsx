/**
 * @module dashboard/app
 * The shell: a skip link, the nav, the live-connection status and the page of the current
 * route. It owns the session: the stored token is checked with `GET /whoami` (an open loopback
 * server answers without one); a 401 sends the viewer to the sign-in page.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { createApi, type Whoami } from "./api/client.js";
import { ApiError } from "./api/errors.js";
import { Link } from "./components/link.js";
import { ErrorState, Loading } from "./components/states.js";
import { ServicesContext, useLiveStatus, useRoute, useServices, type Services } from "./context.js";
import { openLive, type Live } from "./live.js";
import { JobPage } from "./pages/job.js";
import { JobsPage } from "./pages/jobs.js";
import { OverviewPage } from "./pages/overview.js";
import { SchedulePage } from "./pages/schedule.js";
import { SchedulesPage } from "./pages/schedules.js";
import { NotFoundPage } from "./pages/placeholder.js";
import { RunPage } from "./pages/run.js";
import { SignInPage } from "./pages/signin.js";
import { WorkflowPage } from "./pages/workflow.js";
import { WorkflowsPage } from "./pages/workflows.js";
import { routeHref, type Route, type Router } from "./router.js";
import { storedToken, storeToken, type Session } from "./session.js";

const NAV: { href: string; label: string; section: Route["name"][] }[] = [
  { href: "/", label: "Overview", section: ["overview"] },
  { href: "/jobs", label: "Jobs", section: ["jobs", "job"] },
  { href: "/schedules", label: "Schedules", section: ["schedules", "schedule"] },
  { href: "/workflows", label: "Workflows", section: ["workflows", "workflow", "run"] },
  { href: "/signin", label: "Sign in", section: ["signin"] },
];

function Nav() {
  const route = useRoute();
  const { session } = useServices();
  const connected = useLiveStatus();
  return (
    <header className="top">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <span className="brand">Kairos</span>
      <nav data-testid="nav" aria-label="Main">
        {NAV.map((n) => (
          <Link
            key={n.href}
            to={n.href}
            aria-current={n.section.includes(route.name) ? "page" : undefined}
          >
            {n.href === "/signin" && session ? `${session.scope} access` : n.label}
          </Link>
        ))}
      </nav>
      <span className={`live ${connected ? "on" : "off"}`} role="status">
        {connected ? "live" : "offline"}
      </span>
    </header>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case "overview":
      return <OverviewPage />;
    case "jobs":
      return <JobsPage query={route.query} />;
    case "job":
      return <JobPage key={route.id} id={route.id} />;
    case "schedules":
      return <SchedulesPage />;
    case "schedule":
      return <SchedulePage key={route.scheduleName} name={route.scheduleName} />;
    case "workflows":
      return <WorkflowsPage />;
    case "workflow":
      return <WorkflowPage key={route.workflowName} name={route.workflowName} />;
    case "run":
      return <RunPage key={route.id} id={route.id} />;
    case "signin":
      return <SignInPage next={route.next} />;
    case "not-found":
      return <NotFoundPage path={route.path} />;
  }
}

/** Move focus to the page on navigation to another path (not on a query change: paging). */
function useFocusOnNavigation(route: Route): void {
  const path = routeHref(route).split("?")[0];
  const first = useRef(true);
  useEffect(() => {
    if (first.current) return void (first.current = false);
    document.getElementById("main")?.focus();
  }, [path]);
}

function Shell({ problem }: { problem: Error | null }) {
  const route = useRoute();
  const { session } = useServices();
  useFocusOnNavigation(route);
  return (
    <>
      <Nav />
      <main id="main" tabIndex={-1}>
        {problem ? (
          <ErrorState error={problem} title="The server could not be asked who you are" />
        ) : null}
        {route.name === "signin" ? (
          <Page route={route} />
        ) : session ? (
          <Page route={route} />
        ) : problem ? null : (
          <Loading />
        )}
      </main>
    </>
  );
}

/** The dashboard; `router` follows the browser's history. */
export function App({ router }: { router: Router }) {
  const [token, setToken] = useState<string | null>(() => storedToken());
  const tokenRef = useRef(token);
  tokenRef.current = token;
  const [session, setSession] = useState<Session | null>(null);
  const [problem, setProblem] = useState<Error | null>(null);
  const [live, setLive] = useState<Live | null>(null);
  const api = useMemo(() => createApi({ token: () => tokenRef.current }), []);
  const toSignIn = useCallback(() => {
    const here = router.current();
    if (here.name !== "signin")
      router.navigate({ name: "signin", next: routeHref(here) }, { replace: true });
  }, [router]);
  const signIn = useCallback((t: string | null, s: Session | null) => {
    storeToken(t);
    tokenRef.current = t;
    setToken(t);
    setSession(s);
  }, []);
  useEffect(() => {
    if (session) return;
    let current = true;
    api.call<Whoami>("GET", "/whoami").then(
      (who) => current && (setProblem(null), setSession({ scope: who.scope, auth: who.auth })),
      (e: unknown) => {
        if (!current) return;
        if (e instanceof ApiError && e.code === "UNAUTHORIZED") toSignIn();
        else setProblem(e instanceof Error ? e : new Error(String(e)));
      },
    );
    return () => void (current = false);
  }, [api, token, session, toSignIn]);
  useEffect(() => {
    if (!session) return;
    const l = openLive(api, (e) => {
      if (!(e instanceof ApiError && e.code === "UNAUTHORIZED")) return;
      signIn(null, null);
      toSignIn();
    });
    setLive(l);
    return () => (l.close(), setLive(null));
  }, [api, session, signIn, toSignIn]);
  const services: Services = { api, router, live, session, signIn };
  return (
    <ServicesContext.Provider value={services}>
      <Shell problem={problem} />
    </ServicesContext.Provider>
  );
}

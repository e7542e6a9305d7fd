/**
 * @module dashboard/components/cluster-panel
 * The Overview's "Cluster" panel: every process working the store (GET /instances), the leader
 * marked, each leader duty's last run as a relative time (absolute on hover), a stale process
 * greyed. Re-read when a `leader` event arrives on the live feed (or the feed resets); the
 * relative times re-render on the shared clock tick, without refetching.
 */
import { useMemo, useEffect } from "react";
import type { components } from "../api/schema.js";
import { throttle } from "../throttle.js";
import { useLive, useServices } from "../context.js";
import { useFetch } from "../use-fetch.js";
import { EmptyState, ErrorState, Loading } from "./states.js";
import { Time } from "./time.js";

/** A process as GET /instances answers it. */
export type Instance = components["schemas"]["InstanceInfo"];

/** The panel (mounted once on the Overview). */
export function ClusterPanel() {
  const { api } = useServices();
  const list = useFetch("instances", () => api.call<{ items: Instance[] }>("GET", "/instances"));
  const reread = useMemo(() => throttle(() => list.reload(), 1000), [list.reload]);
  useEffect(() => reread.cancel, [reread]);
  useLive((s) => {
    if (s.type === "reset" || s.event.kind === "leader") reread();
  });
  return (
    <section data-testid="cluster" aria-labelledby="cluster-title">
      <h2 id="cluster-title">Cluster</h2>
      {list.error ? (
        <ErrorState error={list.error} title="The processes could not be loaded" />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <EmptyState>
          No process is running workers: start <code>kairos server</code> or <code>kairos dev</code>
          .
        </EmptyState>
      ) : (
        <ul className="instances">
          {list.data.items.map((i) => (
            <InstanceRow key={i.instance} instance={i} />
          ))}
        </ul>
      )}
    </section>
  );
}

function InstanceRow({ instance: i }: { instance: Instance }) {
  return (
    <li
      data-testid="instance"
      data-leader={i.leader ? "true" : "false"}
      data-live={i.live ? "true" : "false"}
      className={i.live ? undefined : "stale"}
    >
      <strong>{i.instance}</strong> {i.leader ? <span className="badge">leader</span> : null}{" "}
      <span className="muted">
        {i.host} pid {i.pid} · v{i.version} · {i.live ? "heartbeat " : "stale, last seen "}
        <Time at={i.heartbeatAt} />
      </span>
      {i.duties.length > 0 ? (
        <ul className="duties">
          {i.duties.map((d) => (
            <li key={d.name} data-testid="duty" data-duty={d.name}>
              {d.name}: <Time at={d.lastRunAt} />
              {d.lastError ? (
                <span className="muted"> (last run failed: {d.lastError})</span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

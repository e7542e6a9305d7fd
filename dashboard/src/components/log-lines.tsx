/**
 * @module dashboard/components/log-lines
 * A job's log lines, live: read once, then on each `job:log` event of that job (or a reset)
 * only the lines after the last cursor are fetched and appended. The view stays at the bottom
 * when it was there; nothing is polled.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { JobLogLine } from "../api/client.js";
import { useLive, useServices } from "../context.js";
import { jobLogsAfter } from "../jobs-api.js";
import { EmptyState, ErrorState } from "./states.js";
import { Time } from "./time.js";

/** The log lines of job `jobId`, appended as they are written. */
export function LogLines({ jobId }: { jobId: string }) {
  const { api } = useServices();
  const [lines, setLines] = useState<readonly JobLogLine[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const cursor = useRef<number | undefined>(undefined);
  const busy = useRef<Promise<void>>(Promise.resolve());
  const box = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);

  const readNewer = useCallback(() => {
    busy.current = busy.current.then(async () => {
      try {
        const page = await jobLogsAfter(api, jobId, cursor.current);
        cursor.current = page.cursor;
        if (page.items.length > 0) setLines((old) => [...old, ...page.items]);
      } catch (e) {
        setError(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }, [api, jobId]);

  useEffect(() => {
    cursor.current = undefined;
    setLines([]);
    readNewer();
  }, [readNewer]);
  useLive((s) => {
    if (s.type === "reset" || (s.event.name === "job:log" && s.event.subject === jobId)) {
      readNewer();
    }
  });
  useLayoutEffect(() => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  if (error) return <ErrorState error={error} title="The logs could not be loaded" />;
  const onScroll = () => {
    const el = box.current;
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 4;
  };
  return (
    <>
      {lines.length === 0 && (
        <EmptyState>No log lines yet: the handler logs with ctx.log.</EmptyState>
      )}
      <ol className="code logs" data-testid="job-log" ref={box} onScroll={onScroll}>
        {lines.map((l) => (
          <li
            key={l.seq ?? `${l.at}|${l.message}`}
            className={`log-${l.level}`}
            data-testid="log-line"
          >
            <Time at={l.at} /> [{l.attempt}] {l.level} {l.message}
          </li>
        ))}
      </ol>
    </>
  );
}

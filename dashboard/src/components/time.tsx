/**
 * @module dashboard/components/time
 * A timestamp shown relative ("3 min ago"), the absolute instant on hover.
 */
import { useNow } from "../context.js";
import { absoluteTime, relativeTime } from "../time.js";

/** `<time>` for an ISO instant or epoch ms (null: a dash). */
export function Time({ at }: { at: string | number | null | undefined }) {
  const now = useNow();
  if (at === null || at === undefined) return <span aria-label="none">—</span>;
  const ms = typeof at === "number" ? at : Date.parse(at);
  return (
    <time dateTime={new Date(ms).toISOString()} title={absoluteTime(ms)}>
      {relativeTime(ms, now)}
    </time>
  );
}

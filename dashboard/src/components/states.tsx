/**
 * @module dashboard/components/states
 * Loading, empty and error states that say what to do next.
 */
import type { ReactNode } from "react";
import { ApiError } from "../api/errors.js";
import { Link } from "./link.js";

/** What to do about an error, by its code. */
function advice(e: Error): ReactNode {
  if (!(e instanceof ApiError))
    return "Reload the page; if it persists, check the browser console.";
  switch (e.code) {
    case "UNAUTHORIZED":
      return (
        <>
          Your token is missing or no longer valid: <Link to="/signin">sign in</Link> again.
        </>
      );
    case "FORBIDDEN":
      return "This needs a write token: sign in with one (kairos tokens create --scope write).";
    case "NOT_FOUND":
      return "It may have been removed, or the link is wrong.";
    case "NETWORK":
      return "Check that kairos server is running and reachable, then reload.";
    case "SHUTTING_DOWN":
    case "STORE_UNAVAILABLE":
      return "The server cannot serve right now; it will answer again once its store is back.";
    default:
      return e.code === "INTERNAL"
        ? `A server bug: find request ${typeof e.details.requestId === "string" ? e.details.requestId : ""} in its log.`
        : "Try again; if it persists, check the server's log.";
  }
}

/** An error box with the server's code and message and what to do. */
export function ErrorState({
  error,
  title = "Something went wrong",
}: {
  error: Error;
  title?: string;
}) {
  return (
    <div className="state state-error" role="alert">
      <strong>{title}</strong>
      <p>
        {error instanceof ApiError ? <code>{error.code}</code> : null} {error.message}
      </p>
      <p>{advice(error)}</p>
    </div>
  );
}

/** An empty list, with what would fill it. */
export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** A placeholder while loading (keeps its height). */
export function Loading() {
  return (
    <div className="state state-loading" aria-busy="true">
      Loading…
    </div>
  );
}

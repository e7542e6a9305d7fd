/**
 * @module runtime/error-info
 * Turn anything a handler throws (even a non-Error) into the stored JobErrorInfo shape.
 */
import { inspect } from "node:util";
import type { JobErrorInfo } from "../ports/job-store.js";

const MAX_MESSAGE = 4_000;
const MAX_STACK = 8_000;

/** A JobErrorInfo describing `thrown`; never throws itself. */
export function toErrorInfo(thrown: unknown): JobErrorInfo {
  if (thrown instanceof Error) {
    const code = (thrown as { code?: unknown }).code;
    return {
      name: thrown.name || "Error",
      message: truncate(thrown.message || String(thrown), MAX_MESSAGE),
      ...(typeof code === "string" ? { code } : {}),
      ...(thrown.stack ? { stack: truncate(thrown.stack, MAX_STACK) } : {}),
    };
  }
  let shown: string;
  try {
    shown = inspect(thrown, { depth: 2, breakLength: Infinity });
  } catch {
    shown = "<uninspectable value>";
  }
  return {
    name: "NonErrorThrown",
    message: truncate(`handler threw a non-Error value: ${shown}`, MAX_MESSAGE),
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more chars)`;
}

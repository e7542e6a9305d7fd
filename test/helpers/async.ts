/**
 * Test helpers: deferreds, event waiting, polling for a condition. Tests await events and
 * conditions; they never sleep for a fixed time to "let things happen".
 */
import type { Kairos, KairosEventMap, KairosEventName } from "../../src/index.js";

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolve with the first event `name` matching `predicate`, or reject after `timeoutMs`. */
export function nextEvent<E extends KairosEventName>(
  kairos: Kairos,
  name: E,
  predicate: (event: KairosEventMap[E]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<KairosEventMap[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for event ${name}`));
    }, timeoutMs);
    const off = kairos.on(name, (event) => {
      if (!predicate(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

/** Collect every event `name` into an array (returned live). */
export function collect<E extends KairosEventName>(kairos: Kairos, name: E): KairosEventMap[E][] {
  const seen: KairosEventMap[E][] = [];
  kairos.on(name, (event) => seen.push(event));
  return seen;
}

/** Poll `check` every 10 ms until it returns a truthy value; reject after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

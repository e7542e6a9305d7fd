/**
 * @module runtime/store-health
 * Makes store outages visible. The engine's own store calls (the worker pool's claims,
 * finalizations, heartbeats and logs; the leader duties' scheduler ticks, slot fires, lease
 * recovery and retention) go through `monitorStore`, which tells a `StoreHealth` how each call
 * ended. The first failure of an operation emits `store:error` once; its next success emits
 * `store:recovered` with how long it was down and how many calls failed meanwhile. Nothing is
 * retried here: the loops keep their own retry habits; this module only reports.
 *
 * Calls made on a user's behalf (enqueue, reads) are not monitored: their errors reach the
 * caller.
 */
import type { Clock } from "../ports/clock.js";
import type { KairosEventMap } from "../ports/events.js";

/** Where the health reports go (the engine's event bus). */
export interface StoreHealthSink {
  emit<E extends "store:error" | "store:recovered">(name: E, event: KairosEventMap[E]): void;
}

interface Outage {
  readonly since: number;
  failures: number;
}

/** Per-operation up/down state; see the module header. */
export class StoreHealth {
  private readonly down = new Map<string, Outage>();

  constructor(
    private readonly sink: StoreHealthSink,
    private readonly clock: Pick<Clock, "now">,
  ) {}

  /** True while at least one operation is failing. */
  get failing(): boolean {
    return this.down.size > 0;
  }

  /** Operation `where` failed: emits `store:error` when it was working until now. */
  failed(where: string, error: unknown): void {
    const outage = this.down.get(where);
    if (outage) {
      outage.failures++;
      return;
    }
    const at = this.clock.now();
    this.down.set(where, { since: at, failures: 1 });
    this.sink.emit("store:error", { where, error, at });
  }

  /** Operation `where` worked: emits `store:recovered` when it was failing. */
  succeeded(where: string): void {
    if (this.down.size === 0) return;
    const outage = this.down.get(where);
    if (!outage) return;
    this.down.delete(where);
    const at = this.clock.now();
    this.sink.emit("store:recovered", {
      where,
      downForMs: at - outage.since,
      failures: outage.failures,
      at,
    });
  }
}

/** Methods never reported: lifecycle and subscriptions, not operations. */
const UNMONITORED = new Set<PropertyKey>(["close", "onChange", "constructor"]);

/**
 * A view of `store` whose async methods report to `health` how they ended (by method name).
 * Results and errors pass through unchanged; missing optional methods stay missing.
 */
export function monitorStore<T extends object>(store: T, health: StoreHealth): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function" || typeof prop !== "string") return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        // Always called on the store itself, never on the proxy (private fields).
        const method = value as (...args: unknown[]) => unknown;
        fn = UNMONITORED.has(prop) ? method.bind(target) : reporting(prop, method, target, health);
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}

function reporting(
  where: string,
  method: (...args: unknown[]) => unknown,
  target: object,
  health: StoreHealth,
): (...args: unknown[]) => unknown {
  const ok = <V>(value: V): V => {
    health.succeeded(where);
    return value;
  };
  const fail = (error: unknown): never => {
    health.failed(where, error);
    throw error;
  };
  return (...args: unknown[]) => {
    let result: unknown;
    try {
      result = method.apply(target, args);
    } catch (error) {
      return fail(error);
    }
    if (result instanceof Promise) return result.then(ok, fail);
    return result;
  };
}

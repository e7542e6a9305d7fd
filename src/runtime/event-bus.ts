/**
 * @module runtime/event-bus
 * A typed event emitter whose `emit` never throws: a listener that throws is reported to the
 * logger and the remaining listeners still run (Graphile Worker's safeEmit habit).
 */
import type { Logger } from "../ports/logger.js";
import type { KairosEventMap, KairosEventName, KairosListener } from "../ports/events.js";

/** Typed, exception-safe event bus. */
export class EventBus {
  private readonly listeners = new Map<KairosEventName, Set<(event: never) => void>>();

  constructor(private readonly logger: Logger) {}

  /** Subscribe; returns a function that unsubscribes. */
  on<E extends KairosEventName>(name: E, listener: KairosListener<E>): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener);
    return () => this.off(name, listener);
  }

  /** Unsubscribe a listener added with `on`. */
  off<E extends KairosEventName>(name: E, listener: KairosListener<E>): void {
    this.listeners.get(name)?.delete(listener);
  }

  /** True when someone listens to `name` (lets hot paths skip building events). */
  has(name: KairosEventName): boolean {
    const set = this.listeners.get(name);
    return set !== undefined && set.size > 0;
  }

  /** Deliver an event to every listener; never throws. */
  emit<E extends KairosEventName>(name: E, event: KairosEventMap[E]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as KairosListener<E>)(event);
      } catch (error) {
        this.logger.error({ err: error, event: name }, "event listener threw; ignored");
      }
    }
  }
}

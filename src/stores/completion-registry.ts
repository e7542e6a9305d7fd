/**
 * @module stores/completion-registry
 * The driver-neutral part of completion hooks: one hook per origin kind, registered by the
 * store module that owns the kind; `api` has no owner and cannot have a hook. Each adapter
 * keeps its own hook shape (a JS function on SQLite, CTE stages on PostgreSQL) and runs the
 * hooks inside its finishing statements; see `ports/job-store`, "Completion hooks".
 */
import { ValidationError } from "../core/errors.js";
import type { OriginKind } from "../core/jobs/origin.js";

/** The hooks of one database, by origin kind. */
export class CompletionRegistry<Hook> {
  readonly #hooks = new Map<string, Hook>();

  /** Register the hook of `kind`. One owner per kind: a second registration throws; so does `api`. */
  register(kind: Exclude<OriginKind, "api">, hook: Hook): void {
    if ((kind as OriginKind) === "api") {
      throw new ValidationError("api jobs have no owner: a completion hook cannot be registered");
    }
    if (this.#hooks.has(kind)) {
      throw new ValidationError(
        `a completion hook for origin kind "${kind}" is already registered`,
      );
    }
    this.#hooks.set(kind, hook);
  }

  /** The hook of `kind`, if registered. */
  get(kind: string): Hook | undefined {
    return this.#hooks.get(kind);
  }

  /** Every registered hook with its kind, in registration order. */
  entries(): IterableIterator<[string, Hook]> {
    return this.#hooks.entries();
  }
}

/**
 * @module runtime/engine-feed
 * The engine's API tokens and event feed, built in one call for the composition root
 * (runtime/kairos.ts): `tokens` over the token store, `feed` over the event feed store with
 * its recorder already listening to the engine's bus (every engine that has the table records,
 * one-shot CLI engines too), and `stopRecorder` for `stop()` (after the workers drained,
 * before the stores close). A store without the tables gets APIs that explain it.
 */
import { ValidationError } from "../core/errors.js";
import type { Clock } from "../ports/clock.js";
import type { EventFeedStore } from "../ports/event-feed-store.js";
import type { Logger } from "../ports/logger.js";
import type { TokenStore } from "../ports/token-store.js";
import type { WorkflowStore } from "../ports/workflow-store.js";
import type { EngineTokensApi, EventFeedApi } from "./client.js";
import { createEventFeed, type FeedBus } from "./event-feed/index.js";
import { createTokensApi } from "./tokens-api.js";

/** What the engine passes in: its stores (the new ones optional), clock and logger. */
export interface EngineFeedDeps {
  readonly tokenStore?: TokenStore | null;
  readonly feedStore?: EventFeedStore | null;
  readonly workflowStore?: WorkflowStore | null;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The engine's tokens and feed; see the module header. */
export interface EngineFeedParts {
  readonly tokens: EngineTokensApi;
  readonly feed: EventFeedApi;
  /** Stop recording and flush what is buffered (idempotent; never rejects). */
  stopRecorder(): Promise<void>;
}

/** Build the engine's tokens and feed, the recorder listening to `bus` as `instance`. */
export function createEngineFeedParts(
  deps: EngineFeedDeps,
  bus: FeedBus,
  instance: string,
): EngineFeedParts {
  const tokens = deps.tokenStore
    ? createTokensApi({ store: deps.tokenStore, clock: deps.clock, logger: deps.logger })
    : noTokens();
  if (!deps.feedStore) return { tokens, feed: noFeed(), stopRecorder: async () => undefined };
  const workflows = deps.workflowStore;
  const { recorder, api } = createEventFeed({
    store: deps.feedStore,
    bus,
    clock: deps.clock,
    instance,
    logger: deps.logger,
    ...(workflows
      ? { workflowOfRun: async (runId) => (await workflows.getRun(runId))?.workflow ?? null }
      : {}),
  });
  recorder.start();
  return { tokens, feed: api, stopRecorder: () => recorder.stop() };
}

const missing = (what: string): ValidationError =>
  new ValidationError(
    `this engine's store has no ${what}: use a SQLite or PostgreSQL store opened by createKairos({ store })`,
  );

/** Tokens of a store without the table: nothing verifies, nothing is active, writes refused. */
function noTokens(): EngineTokensApi {
  return {
    create: async () => Promise.reject(missing("API token table")),
    list: async () => [],
    revoke: async () => Promise.reject(missing("API token table")),
    verify: async () => null,
    activeCount: async () => 0,
  };
}

/** The feed of a store without the table: every call says so. */
function noFeed(): EventFeedApi {
  return {
    read: async () => Promise.reject(missing("event feed")),
    bounds: async () => Promise.reject(missing("event feed")),
    // eslint-disable-next-line require-yield -- fails on the first `next()`
    subscribe: async function* () {
      throw missing("event feed");
    },
  };
}

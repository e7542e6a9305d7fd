/**
 * A KairosClient over a Kairos engine for API tests, standing in for client/local.ts until it
 * lands: tokens from a FakeTokens, the feed from a FakeFeed; schedules.update and apply are
 * minimal.
 */
import { ValidationError } from "../../src/core/errors.js";
import type { Kairos } from "../../src/index.js";
import type { KairosClient } from "../../src/runtime/client.js";
import { FakeFeed, FakeTokens } from "./fake-tokens.js";

/** The client, and the fakes behind it. */
export function engineClient(kairos: Kairos): {
  client: KairosClient;
  tokens: FakeTokens;
  feed: FakeFeed;
} {
  const tokens = new FakeTokens();
  const feed = new FakeFeed();
  const client: KairosClient = {
    target: { kind: "local", store: "test", origin: "test" },
    enqueue: async (fn, payloads, options) => {
      const created = new Set<string>();
      const off = kairos.on("job:queued", (e) => void created.add(e.jobId));
      try {
        const jobs = await kairos.enqueueMany(fn, payloads, options);
        return { jobs, created: jobs.map((j) => created.has(j.id)) };
      } finally {
        off();
      }
    },
    jobs: kairos.jobs,
    functions: kairos.functions,
    schedules: {
      ...kairos.schedules,
      resume: (name) => kairos.schedules.resume(name),
      update: async () => {
        throw new ValidationError("update is not supported by the test client");
      },
    },
    workflows: kairos.workflows,
    runs: kairos.runs,
    tokens,
    apply: async (_source, request) => ({
      dryRun: request.dryRun === true,
      items: [],
      warnings: [],
    }),
    readEvents: (filter, after, limit) => feed.read(filter, after, limit),
    subscribe: (filter, options) => feed.subscribe(filter, options),
    close: async () => {},
  };
  return { client, tokens, feed };
}

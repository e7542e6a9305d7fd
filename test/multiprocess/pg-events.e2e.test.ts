/**
 * Live events across replicas: two `kairos server` processes on one PostgreSQL schema. A
 * client following replica A's event stream sees the job replica B enqueued and ran, from
 * queued to succeeded; after a disconnect it resumes from its last event id and gets exactly
 * the events it missed, none twice.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http.js";
import type { FeedEvent, FeedItem } from "../../src/runtime/client.js";
import { startKairos } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const CONFIG = `
functions:
  - { name: ping, kind: command, command: ["node", "-e", "0"] }
`;

const started: ReturnType<typeof startKairos>[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) {
    if (s.child.exitCode === null) s.child.kill("SIGKILL");
    await s.exited;
  }
});

async function replica(dir: string, store: string): Promise<string> {
  const s = startKairos(dir, ["server", "--store", store, "--port", "0"], {
    KAIROS_CLI_MODE: "local",
  });
  started.push(s);
  await s.waitForOutput(/kairos: serving (http:\/\/\S+)/);
  return /kairos: serving (http:\/\/\S+)/.exec(s.stdout())![1]!;
}

/** Follow `client`'s stream from `after` until `enough` holds; then disconnect. */
async function follow(
  client: HttpClient,
  after: number | "now",
  enough: (events: FeedEvent[]) => boolean,
  ready?: () => Promise<void>,
): Promise<FeedEvent[]> {
  const abort = new AbortController();
  const events: FeedEvent[] = [];
  const stream = client.subscribe({ kinds: ["job"] }, { after, signal: abort.signal });
  const iterator = stream[Symbol.asyncIterator]();
  const first = iterator.next();
  await ready?.();
  let next: Promise<IteratorResult<FeedItem>> = first;
  for (;;) {
    const { value, done } = await next;
    if (done) break;
    if (value.type === "event") events.push(value.event);
    if (enough(events)) break;
    next = iterator.next();
  }
  abort.abort();
  await iterator.return?.();
  return events;
}

describePg("events across two server processes on one PostgreSQL", () => {
  it("a client on replica A sees replica B's job; it resumes after a disconnect without gaps or repeats", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
    const store = `${pgUrl().replace(/^postgresql:/, "postgres:")}?schema=${freshSchema()}`;
    const [urlA, urlB] = await Promise.all([replica(dir, store), replica(dir, store)]);
    const a = new HttpClient({ url: urlA });
    const b = new HttpClient({ url: urlB });
    const succeeded = (n: number) => (events: FeedEvent[]) =>
      events.filter((e) => e.name === "job:succeeded").length >= n;

    const firstJob = { id: "" };
    const seen = await follow(a, 0, succeeded(1), async () => {
      firstJob.id = (await b.enqueue("ping", [{}])).jobs[0]!.id;
    });
    const names = seen.filter((e) => e.subject === firstJob.id).map((e) => e.name);
    expect(names).toEqual(["job:queued", "job:started", "job:succeeded"]);
    const last = seen.at(-1)!.id;

    // Disconnected: two more jobs run on B; A's client resumes from its last id.
    const more = await b.enqueue("ping", [{ n: 2 }, { n: 3 }]);
    const missed = await follow(a, last, succeeded(2));
    expect(missed.every((e) => e.id > last)).toBe(true);
    expect(new Set(missed.map((e) => e.id)).size).toBe(missed.length);
    for (const job of more.jobs) {
      expect(missed.filter((e) => e.subject === job.id).map((e) => e.name)).toEqual([
        "job:queued",
        "job:started",
        "job:succeeded",
      ]);
    }
  }, 120_000);
});

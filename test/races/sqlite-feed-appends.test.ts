/**
 * The SQLite event feed's ids under appends from several processes at once (migration 15 draws
 * a batch's ids from the AUTOINCREMENT counter inside its INSERT): every append succeeds, ids
 * are unique and gapless 1..N, and each process's events keep their order.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { openSqliteStores } from "../../src/stores/sqlite/open-stores.js";
import { tempDir } from "../helpers/kairos.js";

const appender = fileURLToPath(new URL("../fixtures/feed-appender.ts", import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Run the appender to its end; resolves with its stdout ("done <failed appends>"). */
function runAppender(file: string, rounds: number, startAt: number): Promise<string> {
  const args = [appender, file, String(rounds), String(startAt)];
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`feed-appender exited with ${code}: ${out}`)),
    ),
  );
}

it("three processes appending at once get unique, gapless ids in each one's order", async () => {
  const file = path.join(tempDir(), "kairos.db");
  await (await openSqliteStores({ path: file })).close();
  const rounds = 500;
  // All three start appending at the same instant, once their start-up is surely over.
  const startAt = Date.now() + 4_000;
  const outputs = await Promise.all([0, 1, 2].map(() => runAppender(file, rounds, startAt)));
  expect(outputs).toEqual(["done 0\n", "done 0\n", "done 0\n"]);
  const stores = await openSqliteStores({ path: file });
  try {
    const { events } = await stores.feed.readEvents(0, {}, 10_000);
    expect(events.map((e) => e.id)).toEqual(
      Array.from({ length: 3 * 3 * rounds }, (_, i) => i + 1),
    );
    const byInstance = new Map<string, number[]>();
    for (const e of events)
      byInstance.set(e.instance, [...(byInstance.get(e.instance) ?? []), e.at]);
    expect(byInstance.size).toBe(3);
    for (const ats of byInstance.values()) {
      expect(ats).toEqual(Array.from({ length: 3 * rounds }, (_, i) => i));
    }
  } finally {
    await stores.close();
  }
}, 120_000);

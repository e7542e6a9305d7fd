import { describe, expect, it } from "vitest";
import { watchWaitingJobs } from "../../src/cli/dev/waiting-jobs.js";
import { waitFor } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";

function captureIo() {
  const out: string[] = [];
  return { out, io: { out: (l: string) => out.push(l), err: (l: string) => out.push(l) } };
}

describe("kairos dev: jobs no live worker can run", () => {
  it("prints a line when such a job is queued, once per function", async () => {
    const k = await memoryKairos();
    k.define("here", () => null);
    const { out, io } = captureIo();
    watchWaitingJobs(k, io);
    await k.start({ scheduler: false });
    const job = await k.enqueue("elsewhere", {}, { allowUnknown: true });
    await k.enqueue("elsewhere", {}, { allowUnknown: true });
    await k.enqueue("here", {});
    await waitFor(() => out.length > 0, "a waiting line");
    expect(out).toEqual([
      expect.stringMatching(
        new RegExp(
          `waiting\\s+elsewhere job ${job.id}: no live worker defines fn elsewhere; start one that does$`,
        ),
      ),
    ]);
  });

  it("reports jobs found queued at startup", async () => {
    const k = await memoryKairos();
    const job = await k.enqueue("elsewhere", {}, { allowUnknown: true });
    const { out, io } = captureIo();
    const waiting = watchWaitingJobs(k, io);
    await waiting.scan();
    expect(out).toEqual([expect.stringContaining(`elsewhere job ${job.id}: no live worker`)]);
  });
});

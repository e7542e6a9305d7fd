/**
 * GET /api/v1/runs/{id}/tasks/{task}/tries: every try of a task, oldest first, each naming its
 * job — the same answer through the LocalClient, the route and the HttpClient — and a 404 for
 * an unknown run or task.
 */
import { expect, it } from "vitest";
import { HttpClient } from "../../src/client/http.js";
import { nextEvent } from "../helpers/async.js";
import { apiFixture } from "./fixture.js";

it("lists a failed then cleared task's two tries, oldest first, through every client", async () => {
  const f = await apiFixture();
  let failing = true;
  f.kairos.define("flaky", () => {
    if (failing) throw new Error("upstream down");
    return "ok";
  });
  await f.kairos.workflow("relay", { tasks: [{ id: "hop_1", fn: "flaky" }] });
  await f.kairos.start({ pollIntervalMs: 20, concurrency: 2 });
  const failed = nextEvent(f.kairos, "run:finished");
  const run = await f.kairos.runs.trigger("relay");
  expect((await failed).state).toBe("failed");
  failing = false;
  const succeeded = nextEvent(f.kairos, "run:finished");
  await f.kairos.runs.clear(run.id, { tasks: ["hop_1"] });
  expect((await succeeded).state).toBe("success");

  const local = await f.client.runs.tries(run.id, "hop_1");
  expect(local.map((t) => [t.tryNumber, t.state, t.attempt, t.error])).toEqual([
    [1, "failed", 1, "upstream down"],
    [2, "succeeded", 1, null],
  ]);
  const detail = await f.kairos.runs.get(run.id);
  expect(local[1]!.jobId).toBe(detail!.tasks[0]!.jobId);
  expect((await f.kairos.jobs.get(local[0]!.jobId))?.state).toBe("failed");
  for (const t of local) {
    expect(t.createdAt).toBeInstanceOf(Date);
    expect(t.durationMs).toBe(t.finishedAt!.getTime() - t.startedAt!.getTime());
  }

  const res = await f.call("GET", `/api/v1/runs/${run.id}/tasks/hop_1/tries`, { token: f.read });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: { tryNumber: number; startedAt: string }[] };
  expect(body.items.map((t) => t.tryNumber)).toEqual([1, 2]);
  expect(body.items[0]!.startedAt).toBe(local[0]!.startedAt!.toISOString());

  const http = new HttpClient({
    url: "http://localhost",
    token: f.read!,
    fetch: ((url: string, init?: RequestInit) => f.app.request(url, init)) as typeof fetch,
  });
  const remote = await http.runs.tries(run.id, "hop_1");
  expect(remote[0]!.finishedAt).toBeInstanceOf(Date);
  expect(JSON.stringify(remote)).toBe(JSON.stringify(local));
  await f.kairos.stop();
});

it("answers 404 for an unknown task or run", async () => {
  const f = await apiFixture();
  f.kairos.define("flaky", () => "ok");
  await f.kairos.workflow("relay", { tasks: [{ id: "hop_1", fn: "flaky" }] });
  const run = await f.kairos.runs.trigger("relay");
  const task = await f.call("GET", `/api/v1/runs/${run.id}/tasks/nope/tries`, { token: f.read });
  expect(task.status).toBe(404);
  expect(JSON.stringify(await task.json())).toContain(
    'has no task \\"nope\\"; its tasks are hop_1',
  );
  const missing = await f.call("GET", "/api/v1/runs/999999/tasks/hop_1/tries", { token: f.read });
  expect(missing.status).toBe(404);
  // Triggering queues the first task's first try: one row, not started yet.
  const [first] = await f.client.runs.tries(run.id, "hop_1");
  expect(first).toMatchObject({ tryNumber: 1, startedAt: null, durationMs: null });
});

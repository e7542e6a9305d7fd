import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF } from "../retry/backoff.js";
import { jobOptionsFromSpecJson, resolveJobPolicy, type FunctionJobOptions } from "./policy.js";

const declared: FunctionJobOptions = {
  maxAttempts: 7,
  priority: 5,
  timeoutMs: 7_000,
  backoff: { type: "fixed", delayMs: 1234 },
  concurrency: { key: "report-{region}", limit: 2 },
};
const defined: FunctionJobOptions = {
  maxAttempts: 2,
  priority: 1,
  concurrency: { key: (p) => `fn-${(p as { region: string }).region}`, limit: 3 },
};
const payload = { region: "eu" };
const where = 'enqueue("report")';

describe("resolveJobPolicy: which source wins", () => {
  it.each([
    [
      "declared wins over defined",
      declared,
      defined,
      {},
      {
        maxAttempts: 7,
        priority: 5,
        timeoutMs: 7_000,
        concurrencyKey: "report-eu",
        concurrencyLimit: 2,
        source: "declared",
      },
    ],
    [
      "defined when nothing is declared",
      null,
      defined,
      {},
      {
        maxAttempts: 2,
        priority: 1,
        timeoutMs: 1_800_000,
        concurrencyKey: "fn-eu",
        concurrencyLimit: 3,
        source: "defined",
      },
    ],
    [
      "defaults when neither",
      null,
      null,
      {},
      {
        maxAttempts: 3,
        priority: 0,
        timeoutMs: 1_800_000,
        concurrencyKey: null,
        concurrencyLimit: 1,
        source: "defaults",
      },
    ],
    [
      "the call's options win field by field",
      declared,
      defined,
      { priority: 9, maxAttempts: 1, key: "k" },
      { maxAttempts: 1, priority: 9, timeoutMs: 7_000, concurrencyKey: "k", source: "declared" },
    ],
  ] as const)("%s", (_name, d, f, call, expected) => {
    expect(resolveJobPolicy({ declared: d, defined: f, call, payload, where })).toMatchObject(
      expected,
    );
  });

  it("takes the whole options of the winning source: omitted declared fields take the defaults", () => {
    const policy = resolveJobPolicy({
      declared: { maxAttempts: 4 },
      defined,
      call: {},
      payload,
      where,
    });
    expect(policy).toMatchObject({ maxAttempts: 4, priority: 0, concurrencyKey: null });
    expect(policy.backoff).toEqual(DEFAULT_BACKOFF);
  });

  it("rejects bad overrides and key functions that throw, naming the call", () => {
    expect(() =>
      resolveJobPolicy({ declared: null, defined: null, call: { priority: 1.5 }, payload, where }),
    ).toThrow(/enqueue\("report"\): priority must be an integer/);
    expect(() =>
      resolveJobPolicy({ declared: null, defined: null, call: { maxAttempts: 0 }, payload, where }),
    ).toThrow(/maxAttempts/);
    const throwing: FunctionJobOptions = {
      concurrency: {
        key: () => {
          throw new Error("no region");
        },
        limit: 1,
      },
    };
    expect(() =>
      resolveJobPolicy({ declared: null, defined: throwing, call: {}, payload, where }),
    ).toThrow(/concurrency.key\(payload\) threw: no region/);
  });
});

describe("jobOptionsFromSpecJson", () => {
  it("reads the options kairos apply stores, the key template included", () => {
    const spec = JSON.stringify({
      executor: { argv: ["x"] },
      options: { maxAttempts: 7, concurrency: { keyTemplate: "r-{region}", limit: 2 } },
    });
    expect(jobOptionsFromSpecJson(spec, "f")).toEqual({
      maxAttempts: 7,
      concurrency: { key: "r-{region}", limit: 2 },
    });
    expect(jobOptionsFromSpecJson(JSON.stringify({ executor: {} }), "f")).toEqual({});
    expect(() => jobOptionsFromSpecJson("{", "f")).toThrow(
      /function "f": its stored spec is not JSON/,
    );
  });
});

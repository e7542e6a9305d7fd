import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import {
  DEFAULT_RETENTION_MS,
  parseRetention,
  planRetention,
  resolveRetention,
  type RetentionPolicy,
} from "./retention.js";

const DAY = 86_400_000;

describe("parseRetention", () => {
  it.each([
    ["7d", 7 * DAY],
    ["30d", 30 * DAY],
    ["12h", 12 * 3_600_000],
    ["1d12h", 36 * 3_600_000],
    ["90m", 90 * 60_000],
    [1, 1],
    [3_600_000, 3_600_000],
    ["forever", null],
  ] as const)("%j -> %j", (input, expected) => {
    expect(parseRetention(input)).toBe(expected);
  });

  it.each([
    [0, /longer than 0/],
    ["0d", /longer than 0/],
    [-1, /whole number of milliseconds/],
    [1.5, /whole number of milliseconds/],
    [Number.NaN, /whole number of milliseconds/],
    [Number.POSITIVE_INFINITY, /write "forever"/],
    ["", /not a duration/],
    ["7 days", /not a duration/],
    ["Forever", /not a duration/],
    ["never", /not a duration/],
    [null, /got null/],
    [true, /got true/],
    [{ days: 7 }, /got \{"days":7\}/],
    [undefined, /got undefined/],
  ] as const)("%j is a ValidationError matching %s", (input, message) => {
    let error: unknown;
    try {
      parseRetention(input, "retention");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^retention/);
  });
});

describe("resolveRetention", () => {
  it.each<[string, Parameters<typeof resolveRetention>[0], RetentionPolicy]>([
    ["nothing: 7 days", {}, { defaultMs: DEFAULT_RETENTION_MS, perFunction: new Map() }],
    ["a default", { default: "30d" }, { defaultMs: 30 * DAY, perFunction: new Map() }],
    ["ms", { default: 5000 }, { defaultMs: 5000, perFunction: new Map() }],
    ["forever", { default: "forever" }, { defaultMs: null, perFunction: new Map() }],
    [
      "null is forever (resolved config)",
      { default: null },
      { defaultMs: null, perFunction: new Map() },
    ],
    [
      "per function; undefined ones are left out",
      {
        functions: [
          ["audit", "forever"],
          ["email", "30d"],
          ["report", undefined],
          ["ping", 60_000],
        ],
      },
      {
        defaultMs: DEFAULT_RETENTION_MS,
        perFunction: new Map([
          ["audit", null],
          ["email", 30 * DAY],
          ["ping", 60_000],
        ]),
      },
    ],
  ])("%s", (_, input, expected) => {
    expect(resolveRetention(input)).toEqual(expected);
  });

  it("names the bad value and its function", () => {
    expect(() => resolveRetention({ default: "7 days" })).toThrow(/^retention "7 days"/);
    expect(() => resolveRetention({ functions: [["email", "0s"]] })).toThrow(
      /^retention of function "email" must be longer than 0/,
    );
    expect(() => resolveRetention({ functions: [["email", "1w"]] })).toThrow(ValidationError);
  });
});

describe("planRetention", () => {
  const NOW = 1_700_000_000_000;
  const policy = (defaultMs: number | null, entries: [string, number | null][] = []) => ({
    defaultMs,
    perFunction: new Map(entries),
  });

  it.each<[string, RetentionPolicy, ReturnType<typeof planRetention>]>([
    [
      "default only",
      policy(7 * DAY),
      {
        jobs: [{ kind: "default", finishedBefore: NOW - 7 * DAY, excludeFns: [] }],
        historyBefore: NOW - 7 * DAY,
      },
    ],
    [
      "forever by default, one function 30d",
      policy(null, [["email", 30 * DAY]]),
      {
        jobs: [{ kind: "function", fn: "email", finishedBefore: NOW - 30 * DAY }],
        historyBefore: null,
      },
    ],
    [
      "forever and longer and shorter functions are excluded from the default pass",
      policy(7 * DAY, [
        ["report", 30 * DAY],
        ["audit", null],
        ["ping", DAY],
        ["same", 7 * DAY],
      ]),
      {
        jobs: [
          { kind: "function", fn: "ping", finishedBefore: NOW - DAY },
          { kind: "function", fn: "report", finishedBefore: NOW - 30 * DAY },
          {
            kind: "default",
            finishedBefore: NOW - 7 * DAY,
            excludeFns: ["audit", "ping", "report"],
          },
        ],
        historyBefore: NOW - 7 * DAY,
      },
    ],
    ["everything forever", policy(null, [["audit", null]]), { jobs: [], historyBefore: null }],
  ])("%s", (_, input, expected) => {
    expect(planRetention(input, NOW)).toEqual(expected);
  });
});

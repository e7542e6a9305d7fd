/** Tests of parseDuration: accepted forms, units, and everything that is rejected. */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["250ms", 250],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["2d", 172_800_000],
    ["1d12h", 129_600_000],
    ["1h30m15s500ms", 5_415_500],
    ["0s", 0],
    ["90m", 5_400_000],
  ])("%s = %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it("numbers are milliseconds", () => {
    expect(parseDuration(0)).toBe(0);
    expect(parseDuration(1_500)).toBe(1_500);
  });

  it.each([
    "",
    "5",
    "5 m",
    "5min",
    "1.5h",
    "-5s",
    "30m1h",
    "1h1h",
    "1s1ms2ms",
    "h",
    "1w",
    " 5m",
    "5m ",
    "1H",
    "ms",
  ])("rejects %j", (text) => {
    expect(() => parseDuration(text)).toThrow(ValidationError);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    "rejects the number %d",
    (n) => {
      expect(() => parseDuration(n)).toThrow(ValidationError);
    },
  );

  it("names the setting in the message", () => {
    expect(() => parseDuration("soon", "catchupWindow")).toThrow(
      'catchupWindow "soon" is not a duration; use milliseconds (a number) or a string such as "250ms", "30s", "5m", "1h30m" or "2d"',
    );
    expect(() => parseDuration(-3, "jitter")).toThrow(
      /jitter must be a whole number of milliseconds/,
    );
  });

  it("rejects non-string, non-number input from untyped callers", () => {
    expect(() => parseDuration(null as unknown as string)).toThrow(ValidationError);
    expect(() => parseDuration({} as unknown as string)).toThrow(ValidationError);
  });
});

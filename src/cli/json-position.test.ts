import { describe, expect, it } from "vitest";
import { jsonErrorOffset } from "./json-position.js";

describe("jsonErrorOffset", () => {
  it.each([
    "{}",
    "[]",
    ' { "a" : [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {} } ',
    "0",
    '"s"',
  ])("finds no error in valid JSON %j (and agrees with JSON.parse)", (text) => {
    expect(() => JSON.parse(text) as unknown).not.toThrow();
    expect(jsonErrorOffset(text)).toBeNull();
  });

  it.each([
    ["{bad", 1],
    ['{"a": }', 6],
    ['{\n  "a": 1,\n  oops\n}', 14],
    ['{"a":1', 6],
    ["[1,]", 3],
    ["[1 2]", 3],
    ["01", 1],
    ['"tab\there"', 0],
    ["{} x", 3],
    ["", 0],
    ["tru", 0],
  ])("points at the first invalid character of %j", (text, at) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(jsonErrorOffset(text)).toBe(at);
  });
});

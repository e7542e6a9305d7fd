/** Tests of workflow params: validation of a manual run's params and merging with defaults. */
import { describe, expect, it } from "vitest";
import {
  jsonTypeOf,
  mergeParams,
  resolveRunParams,
  validateParamsDeclaration,
  validateRunParams,
} from "./params.js";

const declared = { full: false, region: "eu", limit: 10, tags: [], extra: null, opts: {} };

describe("validateRunParams", () => {
  it("accepts a subset of declared params of the right JSON types", () => {
    expect(
      validateRunParams(declared, { full: true, limit: 3, tags: ["a"], opts: { x: 1 } }),
    ).toEqual([]);
    expect(validateRunParams(declared, undefined)).toEqual([]);
  });

  it("a null default accepts any JSON value", () => {
    expect(validateRunParams(declared, { extra: { any: [1] } })).toEqual([]);
    expect(validateRunParams(declared, { extra: "x" })).toEqual([]);
  });

  it("rejects an unknown param with its path and a did-you-mean", () => {
    const issues = validateRunParams(declared, { ful: true });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(["params", "ful"]);
    expect(issues[0]?.message).toContain('unknown param "ful"');
    expect(issues[0]?.message).toContain('did you mean "full"?');
  });

  it("rejects an unknown param of a workflow that declares none", () => {
    expect(validateRunParams({}, { a: 1 })[0]?.message).toContain("it declares none");
  });

  it.each([
    ["full", "yes", 'param "full" must be a boolean like its default false, got a string "yes"'],
    ["limit", "10", 'param "limit" must be a number like its default 10, got a string "10"'],
    ["tags", {}, 'param "tags" must be an array like its default [], got an object {}'],
    ["opts", [], 'param "opts" must be an object like its default {}, got an array []'],
    ["region", null, 'param "region" must be a string like its default "eu", got a null null'],
  ])("rejects %s of the wrong JSON type", (name, value, message) => {
    expect(validateRunParams(declared, { [name]: value })).toEqual([
      { path: ["params", name], message },
    ]);
  });

  it("rejects values that are not JSON and params that are not an object", () => {
    expect(validateRunParams(declared, { limit: Number.NaN })[0]?.message).toContain(
      "not a JSON value",
    );
    expect(validateRunParams(declared, [1])).toEqual([
      { path: ["params"], message: "params must be an object of name: value" },
    ]);
  });
});

describe("params declaration and merge", () => {
  it("rejects a default that is not JSON", () => {
    expect(validateParamsDeclaration({ ok: 1, bad: new Date(0) })).toHaveLength(1);
    expect(validateParamsDeclaration({ ok: 1, bad: new Date(0) })[0]?.path).toEqual([
      "params",
      "bad",
    ]);
  });

  it("merges given params over the defaults", () => {
    expect(mergeParams({ full: false, region: "eu" }, { full: true })).toEqual({
      full: true,
      region: "eu",
    });
    expect(mergeParams({ full: false }, undefined)).toEqual({ full: false });
  });

  it("jsonTypeOf names JSON types and rejects the rest", () => {
    expect([1, "s", true, null, [], {}, undefined, Infinity].map(jsonTypeOf)).toEqual([
      "number",
      "string",
      "boolean",
      "null",
      "array",
      "object",
      null,
      null,
    ]);
  });
});

describe("resolveRunParams", () => {
  it("returns the merged params when the given ones are valid", () => {
    expect(resolveRunParams("etl", { full: false, region: "eu" }, { full: true })).toEqual({
      full: true,
      region: "eu",
    });
  });

  it("throws a ValidationError listing every problem", () => {
    expect(() => resolveRunParams("etl", { full: false }, { full: 1, fulll: true })).toThrow(
      /workflow "etl" run params are invalid:\n {2}- param "full" must be a boolean.*\n {2}- unknown param "fulll"/,
    );
  });
});

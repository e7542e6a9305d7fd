/**
 * Tests of canonical JSON: equal values give equal strings whatever their key order; values
 * JSON cannot hold faithfully are rejected with ValidationError naming where they are.
 */
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";
import { KairosError, ValidationError } from "./errors.js";

/** Call canonicalJson and return what it threw (failing if it did not throw). */
function thrownBy(value: unknown, where?: string): ValidationError {
  try {
    canonicalJson(value, where);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(KairosError);
    expect((error as ValidationError).code).toBe("VALIDATION");
    return error as ValidationError;
  }
  return expect.fail(`canonicalJson(${String(value)}) should have thrown`);
}

describe("canonicalJson", () => {
  describe("key order", () => {
    it("sorts object keys, so insertion order does not matter", () => {
      expect(canonicalJson({ b: 1, a: 2, c: 3 })).toBe('{"a":2,"b":1,"c":3}');
      expect(canonicalJson({ c: 3, a: 2, b: 1 })).toBe(canonicalJson({ a: 2, b: 1, c: 3 }));
    });

    it("sorts nested objects, including objects inside arrays", () => {
      const one = { z: { y: 1, x: [{ b: 1, a: 2 }, { d: { f: 1, e: 2 } }] }, a: null };
      const two = { a: null, z: { x: [{ a: 2, b: 1 }, { d: { e: 2, f: 1 } }], y: 1 } };
      expect(canonicalJson(one)).toBe(canonicalJson(two));
      expect(canonicalJson(one)).toBe(
        '{"a":null,"z":{"x":[{"a":2,"b":1},{"d":{"e":2,"f":1}}],"y":1}}',
      );
    });

    it("is independent of key order for integer-like, upper- and lower-case keys", () => {
      const keys = ["b", "a", "B", "10", "9", "aa", "_", "é"];
      const forward = Object.fromEntries(keys.map((k, i) => [k, i]));
      const backward = Object.fromEntries([...keys].reverse().map((k) => [k, keys.indexOf(k)]));
      expect(canonicalJson(forward)).toBe(canonicalJson(backward));
      expect(JSON.parse(canonicalJson(forward))).toEqual(forward);
    });

    it("has no whitespace", () => {
      expect(canonicalJson({ a: [1, 2, { b: "x y" }] })).toBe('{"a":[1,2,{"b":"x y"}]}');
    });
  });

  describe("values", () => {
    it("serialises primitives as JSON does", () => {
      for (const value of [null, true, false, 0, -1.5, 1e21, 2 ** 53, "", 'héllo "q" \n \u2028']) {
        expect(canonicalJson(value)).toBe(JSON.stringify(value));
      }
      expect(canonicalJson(-0)).toBe("0");
    });

    it("keeps array order (arrays are not sorted)", () => {
      expect(canonicalJson([3, 1, 2])).toBe("[3,1,2]");
      expect(canonicalJson([[2, 1], []])).toBe("[[2,1],[]]");
      expect(canonicalJson([3, 1, 2])).not.toBe(canonicalJson([1, 2, 3]));
    });

    it("round-trips through JSON.parse", () => {
      const value = { list: [1, "two", null, { three: [true] }], nested: { deep: { n: 0.1 } } };
      expect(JSON.parse(canonicalJson(value))).toEqual(value);
    });

    it("serialises a Date as its ISO string", () => {
      expect(canonicalJson({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)) })).toBe(
        '{"at":"2024-01-02T03:04:05.006Z"}',
      );
    });

    it("keeps a __proto__ key as an ordinary key", () => {
      const parsed: unknown = JSON.parse('{"__proto__":{"x":1},"b":2}');
      expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":1},"b":2}');
      expect(canonicalJson(parsed)).not.toBe(canonicalJson({ b: 2 }));
    });

    it("accepts the same object twice when it is not a cycle", () => {
      const shared = { k: 1 };
      expect(canonicalJson({ a: shared, b: shared, c: [shared, shared] })).toBe(
        '{"a":{"k":1},"b":{"k":1},"c":[{"k":1},{"k":1}]}',
      );
    });
  });

  describe("undefined", () => {
    it("drops object properties that are undefined", () => {
      expect(canonicalJson({ a: 1, b: undefined, c: { d: undefined } })).toBe('{"a":1,"c":{}}');
      expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    });

    it("turns undefined array items into null, as JSON does", () => {
      expect(canonicalJson([1, undefined, 3])).toBe("[1,null,3]");
      // eslint-disable-next-line no-sparse-arrays
      expect(canonicalJson([1, , 3])).toBe("[1,null,3]");
    });

    it("serialises a top-level undefined as null", () => {
      expect(canonicalJson(undefined)).toBe("null");
    });
  });

  describe("rejects what JSON cannot hold", () => {
    it("bigint", () => {
      expect(thrownBy({ n: 10n }).message).toMatch(/payload\.n is a bigint/);
    });

    it("function", () => {
      expect(thrownBy({ f: () => 1 }).message).toMatch(/payload\.f is a function/);
      expect(thrownBy([1, () => 1]).message).toMatch(/payload\[1\] is a function/);
    });

    it("symbol", () => {
      expect(thrownBy({ s: Symbol("x") }).message).toMatch(/payload\.s is a symbol/);
    });

    it("NaN and infinities", () => {
      expect(thrownBy({ a: { b: Number.NaN } }).message).toMatch(/payload\.a\.b is NaN/);
      expect(thrownBy([Infinity]).message).toMatch(/payload\[0\] is Infinity/);
      expect(thrownBy(-Infinity).message).toMatch(/payload is -Infinity/);
    });

    it("a cycle through an object", () => {
      const node: Record<string, unknown> = { name: "a" };
      node.self = node;
      expect(thrownBy(node).message).toMatch(/payload\.self contains a cycle/);
    });

    it("a cycle through an array", () => {
      const list: unknown[] = [1];
      list.push({ back: list });
      expect(thrownBy({ list }).message).toMatch(/payload\.list\[1\]\.back contains a cycle/);
    });

    it("an invalid Date", () => {
      expect(thrownBy({ at: new Date(Number.NaN) }).message).toMatch(
        /payload\.at is an invalid Date/,
      );
    });

    it("names the location given by the caller", () => {
      expect(thrownBy({ x: 1n }, "schedules.nightly.payload").message).toMatch(
        /^schedules\.nightly\.payload\.x is a bigint/,
      );
    });
  });
});

import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";
import { PayloadTooLargeError, ValidationError } from "./errors.js";
import { payloadJson } from "./payload.js";

const check = { path: "payload", maxBytes: 1_048_576, context: 'function "f"' };

function rejection(value: unknown): string {
  try {
    payloadJson(value, check);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error("accepted");
}

describe("payloadJson", () => {
  it("returns the canonical JSON of plain data, the same string canonicalJson gives", () => {
    const value = { b: [1, "x", null, { d: true, c: 2.5 }], a: { z: {}, y: [] }, u: undefined };
    expect(payloadJson(value, check)).toBe(canonicalJson(value));
    expect(payloadJson(value, check)).toBe(
      '{"a":{"y":[],"z":{}},"b":[1,"x",null,{"c":2.5,"d":true}]}',
    );
    expect(payloadJson(Object.assign(Object.create(null), { k: 1 }) as object, check)).toBe(
      '{"k":1}',
    );
  });

  it("rejects values JSON would change silently, naming the path", () => {
    expect(rejection({ items: [{}, {}, {}, { at: new Date(0) }] })).toBe(
      "payload.items[3].at: Date is not a JSON value; pass an ISO string (date.toISOString())",
    );
    expect(rejection({ m: new Map([["a", 1]]) })).toMatch(/^payload\.m: Map is not a JSON value/);
    expect(rejection({ s: new Set([1]) })).toMatch(/^payload\.s: Set is not a JSON value/);
    class Point {
      x = 1;
    }
    expect(rejection({ p: new Point() })).toMatch(/^payload\.p: a Point instance is not plain/);
    expect(rejection(undefined)).toMatch(/^payload: undefined is not a JSON value/);
    expect(rejection([1, undefined])).toMatch(/^payload\[1\]: undefined is not a JSON value/);
    expect(rejection({ n: NaN })).toMatch(/^payload\.n: NaN is not a JSON value/);
    expect(rejection({ n: -Infinity })).toMatch(/^payload\.n: -Infinity is not a JSON value/);
    expect(rejection({ b: 10n })).toMatch(/^payload\.b: bigint is not a JSON value/);
    expect(rejection({ f: () => 1 })).toMatch(/^payload\.f: a function is not a JSON value/);
    expect(rejection({ s: Symbol("x") })).toMatch(/^payload\.s: a symbol is not a JSON value/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = { again: cyclic };
    expect(rejection(cyclic)).toMatch(/^payload\.self\.again: contains a cycle/);
  });

  it("rejects JSON over the limit with PayloadTooLargeError: the size, the limit, where to raise it", () => {
    const limit = { ...check, maxBytes: 100 };
    expect(payloadJson("x".repeat(98), limit)).toHaveLength(100);
    let error: unknown;
    try {
      payloadJson("x".repeat(99), limit);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", bytes: 101, maxBytes: 100 });
    expect((error as Error).message).toMatch(
      /^payload is 101 bytes of JSON, over the limit of 100 bytes \(function "f"\).*maxPayloadBytes/,
    );
    // Bytes are UTF-8: "é" is 2 bytes, "😀" 4.
    expect(payloadJson("é".repeat(49), limit)).toBeTruthy(); // 98 bytes + 2 quotes
    expect(() => payloadJson("é".repeat(50), limit)).toThrow(/102 bytes/);
    expect(() => payloadJson("😀".repeat(25), limit)).toThrow(/102 bytes/);
  });
});

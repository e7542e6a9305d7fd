import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { concurrencyKeyFromTemplate, parseKeyTemplate } from "./concurrency-key.js";

describe("concurrencyKeyFromTemplate", () => {
  it("replaces {path} from the payload, walking objects and arrays", () => {
    expect(concurrencyKeyFromTemplate("report-{region}", { region: "eu" })).toBe("report-eu");
    expect(
      concurrencyKeyFromTemplate("{customer.id}:{items.0.sku}", {
        customer: { id: 42 },
        items: [{ sku: "a1" }],
      }),
    ).toBe("42:a1");
    expect(concurrencyKeyFromTemplate("fixed", { any: 1 })).toBe("fixed");
  });

  it("renders non-strings as canonical JSON", () => {
    expect(concurrencyKeyFromTemplate("k-{v}", { v: { b: 1, a: [true, null] } })).toBe(
      'k-{"a":[true,null],"b":1}',
    );
    expect(concurrencyKeyFromTemplate("k-{v}", { v: null })).toBe("k-null");
  });

  it("writes literal braces for {{ and }}", () => {
    expect(concurrencyKeyFromTemplate("{{{a}}}", { a: "x" })).toBe("{x}");
  });

  it("throws a ValidationError naming a missing path", () => {
    expect(() => concurrencyKeyFromTemplate("report-{region}", {})).toThrow(ValidationError);
    expect(() => concurrencyKeyFromTemplate("report-{a.b}", { a: 1 })).toThrow(
      /no value at "a\.b"/,
    );
    expect(() => concurrencyKeyFromTemplate("{x}", null)).toThrow(/no value at "x"/);
  });

  it("rejects malformed templates", () => {
    expect(() => parseKeyTemplate("a-{region")).toThrow(/unterminated/);
    expect(() => parseKeyTemplate("a-}")).toThrow(/unmatched/);
    expect(() => parseKeyTemplate("a-{}")).toThrow(/not a payload path/);
    expect(() => parseKeyTemplate("a-{x..y}")).toThrow(/not a payload path/);
  });
});

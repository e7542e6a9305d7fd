/**
 * Payload limits at enqueue: `maxPayloadBytes` (default 1 MiB; per function in define(),
 * global in createKairos; the function's wins), and values JSON would change refused.
 */
import { describe, expect, it } from "vitest";
import { PayloadTooLargeError, ValidationError } from "../../src/index.js";
import { applyConfig } from "../../src/config/apply.js";
import { parseConfig } from "../../src/config/index.js";
import { memoryKairos } from "../helpers/kairos.js";

describe("payload limits", () => {
  it("refuses a payload over 1 MiB by default with PayloadTooLargeError, and writes nothing", async () => {
    const k = await memoryKairos();
    k.define("f", () => null);
    const big = { data: "x".repeat(1_048_576) };
    await expect(k.enqueue("f", big)).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(k.enqueue("f", big)).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    await expect(k.enqueueMany("f", [{}, big])).rejects.toThrow(/^payloads\[1\] is 1048587 bytes/);
    expect(await k.jobs.list({ fn: "f" })).toEqual([]);
    await expect(k.enqueue("f", { data: "x".repeat(1_000_000) })).resolves.toBeTruthy();
  });

  it("takes the limit from define() over createKairos's", async () => {
    const k = await memoryKairos({ maxPayloadBytes: 100 });
    k.define("roomy", () => null, { maxPayloadBytes: 10_000 });
    k.define("other", () => null);
    const payload = { data: "x".repeat(500) };
    await expect(k.enqueue("other", payload)).rejects.toThrow(/over the limit of 100 bytes/);
    await expect(k.enqueue("roomy", payload)).resolves.toBeTruthy();
    expect(() => k.define("bad", () => null, { maxPayloadBytes: 0 })).toThrow(ValidationError);
  });

  it("refuses values JSON would change silently, naming the path", async () => {
    const k = await memoryKairos();
    k.define("f", () => null);
    await expect(k.enqueue("f", { items: [0, 1, 2, { at: new Date() }] })).rejects.toThrow(
      "payload.items[3].at: Date is not a JSON value; pass an ISO string",
    );
    await expect(k.enqueue("f", new Map([["a", 1]]))).rejects.toThrow(/payload: Map is not/);
    await expect(k.enqueue("f", undefined)).rejects.toThrow(/payload: undefined is not/);
    await expect(
      k.schedules.create({ name: "s", fn: "f", every: "1h", payload: { s: new Set() } }),
    ).rejects.toThrow(/payload\.s: Set is not a JSON value/);
    expect(await k.jobs.list({ fn: "f" })).toEqual([]);
  });
});

describe("payload limits in kairos.yaml", () => {
  it("a function's declared maxPayloadBytes wins over define() and the engine's", async () => {
    const k = await memoryKairos({ maxPayloadBytes: 10 });
    k.define("f", () => null, { maxPayloadBytes: 20 });
    const config = parseConfig(
      `maxPayloadBytes: 100
functions:
  - name: f
    kind: command
    command: ["true"]
    maxPayloadBytes: 50
`,
      "/project/kairos.yaml",
      {},
    );
    expect(config.maxPayloadBytes).toBe(100);
    await applyConfig(k, config, { prune: false, dryRun: false });
    await expect(k.enqueue("f", { s: "x".repeat(30) })).resolves.toBeTruthy();
    await expect(k.enqueue("f", { s: "x".repeat(50) })).rejects.toThrow(
      /over the limit of 50 bytes \(function "f"\)/,
    );
  });
});

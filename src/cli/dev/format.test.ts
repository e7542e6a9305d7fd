import { afterEach, describe, expect, it } from "vitest";
import { boundedError, clockTime, zoneLabel } from "./format.js";

describe("kairos dev's formatting", () => {
  const tz = process.env.TZ;
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it("keeps short errors whole, continuation lines indented", () => {
    expect(boundedError("one", "7")).toBe("one");
    expect(boundedError("a\nb", "7")).toBe("a\n    b");
  });

  it("keeps the first and last 10 lines of a long error, saying how many were left out", () => {
    const text = (n: number) => Array.from({ length: n }, (_, i) => `l${i}`).join("\n");
    const twelve = boundedError(text(12), "7").split("\n");
    expect(twelve).toHaveLength(12);
    const thirteen = boundedError(text(13), "7").split("\n");
    expect(thirteen[1]).toBe("    ... 2 more lines (see `kairos jobs show 7 --logs all`)");
    expect(thirteen).toHaveLength(12);
    expect(boundedError(text(12_002), "7")).toContain("... 11,991 more lines");
  });

  it("cuts very long lines", () => {
    expect(boundedError("x".repeat(10_000), "1")).toMatch(/^x{500}…\[9500 more chars\]$/);
  });

  it("writes local times and names the zone's offset", () => {
    process.env.TZ = "America/St_Johns"; // UTC-03:30 in winter
    const at = Date.UTC(2026, 0, 15, 12, 0, 0, 7);
    expect(clockTime(at)).toBe("08:30:00.007");
    expect(zoneLabel(at)).toBe("UTC-03:30");
    process.env.TZ = "UTC";
    expect(zoneLabel(at)).toBe("UTC+00:00");
  });
});

/**
 * Tests of nextCronFire: strictness, seconds, OR semantics, and the DST rule with concrete
 * UTC instants in America/New_York, Europe/London, Australia/Sydney (southern hemisphere),
 * Australia/Lord_Howe (a 30-minute shift) and UTC; then a sweep against a brute-force
 * reference around every 2026 transition of those zones. Also pins what croner's own
 * timezone mode does differently, which is why Kairos maps wall times itself.
 */
import { Cron } from "croner";
import { describe, expect, it } from "vitest";
import { referenceFires, type ReferenceSpec } from "../../../test/helpers/cron-reference.js";
import { CronError } from "./cron-error.js";
import { nextCronFire } from "./next.js";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The first `n` fires after `from`, as ISO strings. */
function fires(expr: string, timezone: string, from: string, n: number): string[] {
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    const next = nextCronFire(expr, timezone, t);
    if (next === null) break;
    expect(next).toBeGreaterThan(t);
    out.push(new Date(next).toISOString());
    t = next;
  }
  return out;
}

describe("nextCronFire basics (UTC)", () => {
  it("is strictly after its argument", () => {
    expect(iso(nextCronFire("0 * * * *", "UTC", at("2026-01-01T10:00:00Z")))).toBe(
      "2026-01-01T11:00:00.000Z",
    );
    expect(iso(nextCronFire("0 * * * *", "UTC", at("2026-01-01T09:59:59.999Z")))).toBe(
      "2026-01-01T10:00:00.000Z",
    );
  });

  it("handles milliseconds and seconds fields", () => {
    expect(iso(nextCronFire("* * * * * *", "UTC", at("2026-01-01T00:00:00.500Z")))).toBe(
      "2026-01-01T00:00:01.000Z",
    );
    expect(fires("*/20 * * * * *", "UTC", "2026-01-01T00:00:05Z", 3)).toEqual([
      "2026-01-01T00:00:20.000Z",
      "2026-01-01T00:00:40.000Z",
      "2026-01-01T00:01:00.000Z",
    ]);
  });

  it("nicknames", () => {
    expect(fires("@weekly", "UTC", "2026-01-01T00:00:00Z", 2)).toEqual([
      "2026-01-04T00:00:00.000Z",
      "2026-01-11T00:00:00.000Z",
    ]);
    expect(fires("@yearly", "UTC", "2026-01-01T00:00:00Z", 1)).toEqual([
      "2027-01-01T00:00:00.000Z",
    ]);
  });

  it("day-of-month OR day-of-week when both are restricted: 0 0 13 * 5 fires on the 13th and on Fridays", () => {
    // 2026-02: Fridays 6, 13, 20, 27; 2026-03-13 is a Friday too.
    expect(fires("0 0 13 * 5", "UTC", "2026-02-01T00:00:00Z", 6)).toEqual([
      "2026-02-06T00:00:00.000Z",
      "2026-02-13T00:00:00.000Z",
      "2026-02-20T00:00:00.000Z",
      "2026-02-27T00:00:00.000Z",
      "2026-03-06T00:00:00.000Z",
      "2026-03-13T00:00:00.000Z",
    ]);
    // 2026-01-13 is a Tuesday: the 13th fires even though it is not a Friday.
    expect(fires("0 0 13 * 5", "UTC", "2026-01-10T00:00:00Z", 2)).toEqual([
      "2026-01-13T00:00:00.000Z",
      "2026-01-16T00:00:00.000Z",
    ]);
  });

  it("AND when one of the day fields is *", () => {
    expect(fires("0 0 13 * *", "UTC", "2026-01-01T00:00:00Z", 2)).toEqual([
      "2026-01-13T00:00:00.000Z",
      "2026-02-13T00:00:00.000Z",
    ]);
    expect(fires("0 0 * * 5", "UTC", "2026-01-01T00:00:00Z", 2)).toEqual([
      "2026-01-02T00:00:00.000Z",
      "2026-01-09T00:00:00.000Z",
    ]);
    expect(fires("0 0 ? * 5", "UTC", "2026-01-01T00:00:00Z", 1)).toEqual([
      "2026-01-02T00:00:00.000Z",
    ]);
  });

  it("February 29th", () => {
    expect(fires("0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", 2)).toEqual([
      "2028-02-29T00:00:00.000Z",
      "2032-02-29T00:00:00.000Z",
    ]);
  });

  it("null past croner's horizon (the year 3000)", () => {
    expect(nextCronFire("0 0 1 1 *", "UTC", at("2999-06-01T00:00:00Z"))).toBeNull();
  });

  it("throws CronError for a bad expression or timezone, ValidationError for a bad instant", () => {
    expect(() => nextCronFire("0 0 30 2 *", "UTC", 0)).toThrow(CronError);
    expect(() => nextCronFire("0 0 * * *", "Europe/Atlantis", 0)).toThrow(/unknown IANA timezone/);
    expect(() => nextCronFire("0 0 * * *", "UTC", Number.NaN)).toThrow(/afterMs must be a finite/);
  });
});

describe("DST: America/New_York (EST -5 / EDT -4; 2026-03-08 02:00 -> 03:00, 2026-11-01 02:00 -> 01:00)", () => {
  const tz = "America/New_York";

  it("spring-forward gap: a fixed-time schedule fires once, at the first instant after the jump", () => {
    expect(fires("30 2 * * *", tz, "2026-03-07T12:00:00Z", 3)).toEqual([
      "2026-03-08T07:00:00.000Z", // 03:00 EDT
      "2026-03-09T06:30:00.000Z", // 02:30 EDT
      "2026-03-10T06:30:00.000Z",
    ]);
    expect(fires("0 2 * * *", tz, "2026-03-07T12:00:00Z", 2)).toEqual([
      "2026-03-08T07:00:00.000Z",
      "2026-03-09T06:00:00.000Z",
    ]);
  });

  it("a gap fire that coincides with a normal fire is one fire", () => {
    expect(fires("0 2,3 * * *", tz, "2026-03-07T12:00:00Z", 3)).toEqual([
      "2026-03-08T07:00:00.000Z", // 02:00 (gap) and 03:00 EDT are the same instant
      "2026-03-09T06:00:00.000Z",
      "2026-03-09T07:00:00.000Z",
    ]);
  });

  it("fall-back overlap: a fixed-time schedule fires once, at the first occurrence", () => {
    expect(fires("30 1 * * *", tz, "2026-10-31T12:00:00Z", 3)).toEqual([
      "2026-11-01T05:30:00.000Z", // 01:30 EDT; not again at 01:30 EST (06:30Z)
      "2026-11-02T06:30:00.000Z",
      "2026-11-03T06:30:00.000Z",
    ]);
    // Asked from inside the repeated hour, the second occurrence is still not a fire.
    expect(iso(nextCronFire("30 1 * * *", tz, at("2026-11-01T06:10:00Z")))).toBe(
      "2026-11-02T06:30:00.000Z",
    );
  });

  it("hourly across fall-back fires every real hour (05:00Z and 06:00Z are both 01:00 local)", () => {
    expect(fires("0 * * * *", tz, "2026-11-01T03:30:00Z", 5)).toEqual([
      "2026-11-01T04:00:00.000Z",
      "2026-11-01T05:00:00.000Z",
      "2026-11-01T06:00:00.000Z",
      "2026-11-01T07:00:00.000Z",
      "2026-11-01T08:00:00.000Z",
    ]);
    // From inside the first pass of the repeated hour, the next fire is the repeat.
    expect(iso(nextCronFire("0 * * * *", tz, at("2026-11-01T05:30:00Z")))).toBe(
      "2026-11-01T06:00:00.000Z",
    );
  });

  it("every 30 minutes across fall-back: every real half hour", () => {
    expect(fires("*/30 * * * *", tz, "2026-11-01T04:50:00Z", 6)).toEqual([
      "2026-11-01T05:00:00.000Z",
      "2026-11-01T05:30:00.000Z",
      "2026-11-01T06:00:00.000Z",
      "2026-11-01T06:30:00.000Z",
      "2026-11-01T07:00:00.000Z",
      "2026-11-01T07:30:00.000Z",
    ]);
  });

  it("hourly across spring-forward: no duplicate, no lost real hour", () => {
    expect(fires("0 * * * *", tz, "2026-03-08T04:30:00Z", 5)).toEqual([
      "2026-03-08T05:00:00.000Z", // 00:00 EST
      "2026-03-08T06:00:00.000Z", // 01:00 EST
      "2026-03-08T07:00:00.000Z", // 03:00 EDT (02:00 does not exist)
      "2026-03-08T08:00:00.000Z",
      "2026-03-08T09:00:00.000Z",
    ]);
    expect(iso(nextCronFire("0 * * * *", tz, at("2026-03-08T07:00:00Z")))).toBe(
      "2026-03-08T08:00:00.000Z",
    );
  });

  it("a stepped hour follows elapsed time: the 02:00 slot of 0 */2 does not exist on spring-forward day", () => {
    expect(fires("0 */2 * * *", tz, "2026-03-08T04:30:00Z", 2)).toEqual([
      "2026-03-08T05:00:00.000Z", // 00:00 EST
      "2026-03-08T08:00:00.000Z", // 04:00 EDT
    ]);
  });

  it("every second across fall-back: the repeated hour runs twice, second by second", () => {
    expect(fires("* * * * * *", tz, "2026-11-01T05:59:58Z", 4)).toEqual([
      "2026-11-01T05:59:59.000Z", // 01:59:59 EDT
      "2026-11-01T06:00:00.000Z", // 01:00:00 EST
      "2026-11-01T06:00:01.000Z",
      "2026-11-01T06:00:02.000Z",
    ]);
    expect(fires("* * * * * *", tz, "2026-03-08T06:59:58Z", 3)).toEqual([
      "2026-03-08T06:59:59.000Z", // 01:59:59 EST
      "2026-03-08T07:00:00.000Z", // 03:00:00 EDT
      "2026-03-08T07:00:01.000Z",
    ]);
  });
});

describe("DST: Europe/London (GMT / BST; 2026-03-29 01:00 -> 02:00, 2026-10-25 02:00 -> 01:00)", () => {
  const tz = "Europe/London";

  it("gap: 30 1 * * * fires at 02:00 BST = 01:00Z", () => {
    expect(fires("30 1 * * *", tz, "2026-03-28T12:00:00Z", 2)).toEqual([
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:30:00.000Z",
    ]);
  });

  it("overlap: 30 1 * * * fires at 01:30 BST = 00:30Z only", () => {
    expect(fires("30 1 * * *", tz, "2026-10-24T12:00:00Z", 2)).toEqual([
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
    ]);
  });

  it("hourly across both changes", () => {
    expect(fires("0 * * * *", tz, "2026-10-24T23:30:00Z", 3)).toEqual([
      "2026-10-25T00:00:00.000Z", // 01:00 BST
      "2026-10-25T01:00:00.000Z", // 01:00 GMT
      "2026-10-25T02:00:00.000Z",
    ]);
    expect(fires("0 * * * *", tz, "2026-03-28T23:30:00Z", 3)).toEqual([
      "2026-03-29T00:00:00.000Z", // 00:00 GMT
      "2026-03-29T01:00:00.000Z", // 02:00 BST
      "2026-03-29T02:00:00.000Z",
    ]);
  });
});

describe("DST: Australia/Sydney (AEST +10 / AEDT +11; 2026-04-05 03:00 -> 02:00, 2026-10-04 02:00 -> 03:00)", () => {
  const tz = "Australia/Sydney";

  it("gap (October): 30 2 * * * fires at 03:00 AEDT = 16:00Z the day before", () => {
    expect(fires("30 2 * * *", tz, "2026-10-03T00:00:00Z", 2)).toEqual([
      "2026-10-03T16:00:00.000Z",
      "2026-10-04T15:30:00.000Z",
    ]);
  });

  it("overlap (April): 30 2 * * * fires at 02:30 AEDT = 15:30Z only", () => {
    expect(fires("30 2 * * *", tz, "2026-04-04T00:00:00Z", 2)).toEqual([
      "2026-04-04T15:30:00.000Z",
      "2026-04-05T16:30:00.000Z",
    ]);
  });

  it("hourly across both changes", () => {
    expect(fires("0 * * * *", tz, "2026-04-04T13:30:00Z", 4)).toEqual([
      "2026-04-04T14:00:00.000Z", // 01:00 AEDT
      "2026-04-04T15:00:00.000Z", // 02:00 AEDT
      "2026-04-04T16:00:00.000Z", // 02:00 AEST
      "2026-04-04T17:00:00.000Z", // 03:00 AEST
    ]);
    expect(fires("0 * * * *", tz, "2026-10-03T14:30:00Z", 3)).toEqual([
      "2026-10-03T15:00:00.000Z", // 01:00 AEST
      "2026-10-03T16:00:00.000Z", // 03:00 AEDT
      "2026-10-03T17:00:00.000Z",
    ]);
  });
});

describe("DST: Australia/Lord_Howe (a 30-minute shift; 2026-10-04 02:00 -> 02:30)", () => {
  it("a fixed time in the half-hour gap fires at 02:30 LHDT = 15:30Z", () => {
    expect(fires("15 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", 2)).toEqual([
      "2026-10-03T15:30:00.000Z",
      "2026-10-04T15:15:00.000Z",
    ]);
  });
});

describe("a skipped day: Pacific/Apia jumped from 2011-12-29 24:00 (-10) to 2011-12-31 00:00 (+14)", () => {
  it("a fixed time on the missing day fires once, at the jump", () => {
    expect(fires("0 12 * * *", "Pacific/Apia", "2011-12-28T00:00:00Z", 4)).toEqual([
      "2011-12-28T22:00:00.000Z",
      "2011-12-29T22:00:00.000Z",
      "2011-12-30T10:00:00.000Z", // the jump
      "2011-12-30T22:00:00.000Z", // 2011-12-31 12:00 +14
    ]);
  });
});

describe("croner 10.0.1's own timezone mode, and what Kairos does instead", () => {
  const tz = "America/New_York";
  const croner = (expr: string, from: string): string | undefined =>
    new Cron(expr, { timezone: tz }).nextRun(new Date(from))?.toISOString();

  it("gap: croner fires at 03:30 EDT; Kairos at 03:00 EDT (the first instant after the jump)", () => {
    expect(croner("30 2 * * *", "2026-03-08T00:00:00Z")).toBe("2026-03-08T07:30:00.000Z");
    expect(iso(nextCronFire("30 2 * * *", tz, at("2026-03-08T00:00:00Z")))).toBe(
      "2026-03-08T07:00:00.000Z",
    );
  });

  it("overlap: croner skips the repeated 01:00 of an hourly schedule; Kairos fires it", () => {
    expect(croner("0 * * * *", "2026-11-01T05:00:00Z")).toBe("2026-11-01T07:00:00.000Z");
    expect(iso(nextCronFire("0 * * * *", tz, at("2026-11-01T05:00:00Z")))).toBe(
      "2026-11-01T06:00:00.000Z",
    );
  });

  it("spring-forward: croner's nextRuns lists 07:00Z twice (a duplicate fire); Kairos does not", () => {
    const runs = new Cron("0 * * * *", { timezone: tz })
      .nextRuns(3, new Date("2026-03-08T06:00:00Z"))
      .map((d) => d.toISOString());
    expect(runs).toEqual([
      "2026-03-08T07:00:00.000Z",
      "2026-03-08T07:00:00.000Z",
      "2026-03-08T08:00:00.000Z",
    ]);
    expect(fires("0 * * * *", tz, "2026-03-08T06:00:00Z", 2)).toEqual([
      "2026-03-08T07:00:00.000Z",
      "2026-03-08T08:00:00.000Z",
    ]);
  });
});

/** Specs for the sweep: an expression, its DST class, and the same rule as a predicate. */
const SPECS: ReferenceSpec[] = [
  { expr: "30 2 * * *", elapsed: false, match: (w) => w.h === 2 && w.mi === 30 },
  { expr: "0 2 * * *", elapsed: false, match: (w) => w.h === 2 && w.mi === 0 },
  { expr: "30 1 * * *", elapsed: false, match: (w) => w.h === 1 && w.mi === 30 },
  { expr: "0 1 * * *", elapsed: false, match: (w) => w.h === 1 && w.mi === 0 },
  { expr: "0 3 * * *", elapsed: false, match: (w) => w.h === 3 && w.mi === 0 },
  { expr: "0 2,3 * * *", elapsed: false, match: (w) => (w.h === 2 || w.h === 3) && w.mi === 0 },
  { expr: "15 2 * * *", elapsed: false, match: (w) => w.h === 2 && w.mi === 15 },
  { expr: "45 0 * * 0", elapsed: false, match: (w) => w.h === 0 && w.mi === 45 && w.dow === 0 },
  { expr: "0 * * * *", elapsed: true, match: (w) => w.mi === 0 },
  { expr: "30 * * * *", elapsed: true, match: (w) => w.mi === 30 },
  { expr: "*/20 * * * *", elapsed: true, match: (w) => w.mi % 20 === 0 },
  { expr: "0 */2 * * *", elapsed: true, match: (w) => w.h % 2 === 0 && w.mi === 0 },
  { expr: "0 1-23/2 * * *", elapsed: true, match: (w) => w.h % 2 === 1 && w.mi === 0 },
  { expr: "0,30 1 * * *", elapsed: true, match: (w) => w.h === 1 && w.mi % 30 === 0 },
  { expr: "*/15 1-3 * * *", elapsed: true, match: (w) => w.h >= 1 && w.h <= 3 && w.mi % 15 === 0 },
];

/** 2026 transitions (instants) of the zones in the sweep, and a DST-free control. */
const TRANSITIONS: [string, string][] = [
  ["America/New_York", "2026-03-08T07:00:00Z"],
  ["America/New_York", "2026-11-01T06:00:00Z"],
  ["Europe/London", "2026-03-29T01:00:00Z"],
  ["Europe/London", "2026-10-25T01:00:00Z"],
  ["Australia/Sydney", "2026-04-04T16:00:00Z"],
  ["Australia/Sydney", "2026-10-03T16:00:00Z"],
  ["Australia/Lord_Howe", "2026-04-04T15:00:00Z"],
  ["Australia/Lord_Howe", "2026-10-03T15:30:00Z"],
  ["UTC", "2026-03-08T07:00:00Z"],
];

describe("sweep against a brute-force reference around each 2026 transition", () => {
  it.each(TRANSITIONS)("%s around %s", (tz, transition) => {
    const t0 = at(transition);
    const from = t0 - 30 * 3_600_000;
    const to = t0 + 30 * 3_600_000;
    for (const spec of SPECS) {
      const ref = referenceFires(spec, tz, from, to);
      const probes = new Set<number>();
      for (let t = from + 3 * 3_600_000; t < to - 2 * 3_600_000; t += 17 * 60_000) probes.add(t);
      for (const f of ref) for (const d of [-60_000, -1, 0, 1]) probes.add(f + d);
      for (const p of probes) {
        const expected = ref.find((f) => f > p);
        if (expected === undefined || p < from + 3 * 3_600_000) continue;
        const got = nextCronFire(spec.expr, tz, p);
        if (got !== expected) {
          expect({ spec: spec.expr, tz, after: iso(p), got: iso(got) }).toEqual({
            spec: spec.expr,
            tz,
            after: iso(p),
            got: iso(expected),
          });
        }
      }
    }
  });

  it("seconds resolution: */20 * * * * * around the New York fall-back", () => {
    const spec: ReferenceSpec = {
      expr: "*/20 * * * * *",
      elapsed: true,
      match: (w) => w.s % 20 === 0,
    };
    const t0 = at("2026-11-01T06:00:00Z");
    const ref = referenceFires(spec, "America/New_York", t0 - 3_600_000, t0 + 3_600_000, 1_000);
    for (let i = 0; i + 1 < ref.length; i += 7) {
      const f = ref[i]!;
      expect(nextCronFire(spec.expr, "America/New_York", f)).toBe(ref[i + 1]);
      expect(nextCronFire(spec.expr, "America/New_York", f - 1)).toBe(f);
    }
  });
});

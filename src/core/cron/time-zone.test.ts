/**
 * Tests of the wall-time helpers: offsets, resolving a wall time into zero, one or two
 * instants, and finding transitions.
 */
import { describe, expect, it } from "vitest";
import {
  isTimeZone,
  nextTransition,
  offsetAt,
  recentTransition,
  resolveWall,
  wallAt,
} from "./time-zone.js";

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;
const NY = "America/New_York";

describe("offsets", () => {
  it("New York winter and summer, Kolkata's half hour, UTC", () => {
    expect(offsetAt(NY, at("2026-01-15T12:00:00Z"))).toBe(-5 * HOUR);
    expect(offsetAt(NY, at("2026-07-15T12:00:00Z"))).toBe(-4 * HOUR);
    expect(offsetAt("Asia/Kolkata", at("2026-07-15T12:00:00.999Z"))).toBe(5.5 * HOUR);
    expect(offsetAt("UTC", 0)).toBe(0);
    expect(wallAt(NY, at("2026-07-15T12:00:00.250Z"))).toBe(at("2026-07-15T08:00:00.250Z"));
  });

  it("isTimeZone", () => {
    expect(isTimeZone("Europe/London")).toBe(true);
    expect(isTimeZone("Not/AZone")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});

describe("resolveWall", () => {
  it("a normal wall time has one instant", () => {
    expect(resolveWall(NY, at("2026-03-09T02:30:00Z"))).toEqual({
      kind: "normal",
      instant: at("2026-03-09T06:30:00Z"),
    });
  });

  it("a wall time in the spring-forward gap resolves to the jump", () => {
    expect(resolveWall(NY, at("2026-03-08T02:30:00Z"))).toEqual({
      kind: "gap",
      transition: at("2026-03-08T07:00:00Z"),
      resumesAtWall: at("2026-03-08T03:00:00Z"),
    });
  });

  it("a wall time in the fall-back overlap has two instants", () => {
    expect(resolveWall(NY, at("2026-11-01T01:30:00Z"))).toEqual({
      kind: "overlap",
      instants: [at("2026-11-01T05:30:00Z"), at("2026-11-01T06:30:00Z")],
    });
  });
});

describe("transitions", () => {
  it("finds New York's 2026 changes in order", () => {
    const spring = nextTransition(NY, at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"));
    expect(spring).toEqual({ at: at("2026-03-08T07:00:00Z"), before: -5 * HOUR, after: -4 * HOUR });
    const autumn = nextTransition(NY, spring!.at, at("2027-01-01T00:00:00Z"));
    expect(autumn).toEqual({ at: at("2026-11-01T06:00:00Z"), before: -4 * HOUR, after: -5 * HOUR });
    expect(nextTransition(NY, autumn!.at, at("2027-01-01T00:00:00Z"))).toBeNull();
  });

  it("recentTransition sees a change within the last 3 hours only", () => {
    expect(recentTransition(NY, at("2026-11-01T06:30:00Z"))?.at).toBe(at("2026-11-01T06:00:00Z"));
    expect(recentTransition(NY, at("2026-11-01T09:30:00Z"))).toBeNull();
  });
});

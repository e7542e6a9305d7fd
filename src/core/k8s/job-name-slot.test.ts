import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { slotOfJobName } from "./job-name-slot.js";
import { k8sName, MAX_CRONJOB_NAME } from "./names.js";

/** 2026-12-04T10:00:00Z in minutes since the epoch, as the CronJob controller writes it. */
const MINUTES = Date.parse("2026-12-04T10:00:00Z") / 60_000;

describe("slotOfJobName", () => {
  it("reads the scheduled minute of a Job of a cleanly named CronJob", () => {
    expect(slotOfJobName("nightly-report", `nightly-report-${MINUTES}`)).toBe(
      Date.parse("2026-12-04T10:00:00Z"),
    );
  });

  it("reads a Job of a hash-suffixed long name (the Job name still fits 63 characters)", () => {
    const name = `Reports.Daily_${"x".repeat(60)}`;
    const cronJob = k8sName(name);
    expect(cronJob).toHaveLength(MAX_CRONJOB_NAME);
    const jobName = `${cronJob}-${MINUTES}`;
    expect(jobName.length).toBeLessThanOrEqual(63);
    expect(slotOfJobName(name, jobName)).toBe(MINUTES * 60_000);
  });

  it("refuses a Job of another CronJob, showing the expected prefix", () => {
    const call = () => slotOfJobName("nightly-report", `weekly-report-${MINUTES}`);
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(/expected "nightly-report-<scheduled minutes since the epoch>"/);
  });

  it("refuses a Job of a CronJob whose name merely starts like this one's", () => {
    expect(() => slotOfJobName("a", `a-b-${MINUTES}`)).toThrow(/decimal digits/);
  });

  it("refuses a suffix that is not decimal digits, or missing", () => {
    for (const suffix of ["12a", "", "-5", "1e9", " 12", "1234567890123"]) {
      expect(() => slotOfJobName("nightly-report", `nightly-report-${suffix}`)).toThrow(
        ValidationError,
      );
    }
  });
});

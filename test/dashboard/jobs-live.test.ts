import { describe, expect, it } from "vitest";
import { newerId, newJobOf } from "../../dashboard/src/jobs-live.js";

const ev = (name: string, subject: string, fn = "report") => ({
  kind: "job" as const,
  name,
  fn,
  subject,
});

describe("jobs list: which events announce a new job", () => {
  it("compares decimal ids by value", () => {
    expect(newerId("10", "9")).toBe(true);
    expect(newerId("9", "10")).toBe(false);
    expect(newerId("12", "12")).toBe(false);
  });

  it("counts a job newer than the newest row, of the filtered function and state", () => {
    const all = { state: "", fn: "", newestId: "17" };
    expect(newJobOf(ev("job:started", "18"), all)).toBe("18");
    expect(newJobOf(ev("job:succeeded", "17"), all)).toBeNull();
    expect(newJobOf(ev("job:started", "18"), { ...all, fn: "etl" })).toBeNull();
    expect(newJobOf(ev("job:failed", "20"), { ...all, state: "failed" })).toBe("20");
    expect(newJobOf(ev("job:progress", "20"), { ...all, state: "failed" })).toBeNull();
    expect(newJobOf(ev("job:queued", "1"), { ...all, newestId: undefined })).toBe("1");
    expect(newJobOf({ ...ev("schedule:fired", "nightly"), kind: "schedule" }, all)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { closest, didYouMean, editDistance } from "./suggest.js";

describe("suggestions", () => {
  it("measures edit distance", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
  });

  it("suggests only plausible typos", () => {
    const keys = ["timezone", "schedules", "catchup", "catchupWindow"];
    expect(closest("timeZone", keys)).toBe("timezone");
    expect(closest("schedule", keys)).toBe("schedules");
    expect(closest("catch_up", keys)).toBe("catchup");
    expect(closest("zzzzzz", keys)).toBeNull();
    expect(closest("buffer", ["skip", "buffer_one", "buffer_all"])).toBe("buffer_one");
    expect(didYouMean("lates", ["skip", "latest", "all"])).toBe('did you mean "latest"?');
    expect(didYouMean("x", ["alpha"])).toBeNull();
  });
});

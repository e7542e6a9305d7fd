import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DNS1123_LABEL, k8sName, labelValue, MAX_CRONJOB_NAME } from "./names.js";

/** Names kairos.yaml accepts (config NAME_PATTERN), biased towards long and lossy ones. */
const kairosName = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,200}$/);

describe("k8sName", () => {
  it("keeps a clean name that fits", () => {
    expect(k8sName("nightly-report")).toBe("nightly-report");
  });

  it("hashes a lossy name (case, other characters) so it cannot collide with a clean one", () => {
    expect(k8sName("Nightly_Report")).toMatch(/^nightly-report--[0-9a-f]{10}$/);
    expect(k8sName("nightly-report")).not.toBe(k8sName("Nightly-Report"));
    expect(k8sName("a--b")).toMatch(/^a-b--[0-9a-f]{10}$/);
  });

  it("cuts a long name to 52 characters with a hash suffix", () => {
    const long = "x".repeat(80);
    expect(k8sName(long)).toHaveLength(MAX_CRONJOB_NAME);
    expect(k8sName(`${long}a`)).not.toBe(k8sName(`${long}b`));
  });

  it("gives a name to one made only of other characters", () => {
    expect(k8sName("___")).toMatch(/^k--[0-9a-f]{10}$/);
  });

  it("property: at most 52 characters, a DNS-1123 label, deterministic", () => {
    fc.assert(
      fc.property(kairosName, (name) => {
        const out = k8sName(name);
        expect(out.length).toBeLessThanOrEqual(MAX_CRONJOB_NAME);
        expect(out).toMatch(DNS1123_LABEL);
        expect(k8sName(name)).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: distinct names give distinct results, also when both are truncated", () => {
    const prefix = "a".repeat(60);
    fc.assert(
      fc.property(kairosName, kairosName, fc.boolean(), (a, b, long) => {
        fc.pre(a !== b);
        const [x, y] = long ? [prefix + a, prefix + b] : [a, b];
        expect(k8sName(x)).not.toBe(k8sName(y));
      }),
      { numRuns: 2000 },
    );
  });

  it("property: label values fit 63 characters and are DNS-1123 labels", () => {
    fc.assert(
      fc.property(kairosName, (name) => {
        expect(labelValue(name).length).toBeLessThanOrEqual(63);
        expect(labelValue(name)).toMatch(DNS1123_LABEL);
      }),
    );
  });
});

/**
 * `kairos k8s export` from kairos.yaml to manifests: goldens (update with `npx vitest run -u`),
 * offline schema validation of every object, refusals and `--approximate`.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { K8sExportError } from "../../src/core/k8s/errors.js";
import { exportManifests } from "../../src/core/k8s/export.js";
import type { K8sExport } from "../../src/core/k8s/types.js";
import { exportInput, type ExportFlags } from "../../src/cli/k8s/export-input.js";
import { manifestsYaml } from "../../src/cli/k8s/render.js";
import { validateObject } from "./validate.js";

const root = path.resolve(import.meta.dirname, "../..");

function exportFile(file: string, flags: ExportFlags = {}): K8sExport & { notes: string[] } {
  const config = parseConfig(fs.readFileSync(file, "utf8"), file, {});
  const { input, warnings } = exportInput(config, flags);
  const result = exportManifests(input);
  return { ...result, notes: [...warnings, ...result.warnings] };
}

function exportText(yaml: string, flags: ExportFlags = {}): K8sExport {
  const config = parseConfig(yaml, "/tmp/kairos.yaml", {});
  return exportManifests(exportInput(config, flags).input);
}

/** The schedule of the last object (the CronJob of a one-schedule file). */
function lastSchedule(result: K8sExport): string {
  return (result.objects.at(-1) as unknown as { spec: { schedule: string } }).spec.schedule;
}

function refusalsOf(fn: () => unknown): { schedule: string; reason: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(K8sExportError);
    expect((e as K8sExportError).code).toBe("K8S_UNEXPORTABLE");
    return (e as K8sExportError).refusals.map(({ schedule, reason }) => ({ schedule, reason }));
  }
  throw new Error("expected a K8sExportError");
}

const fixture = path.join(root, "test/k8s/fixtures/every-mapping.yaml");
const example = path.join(root, "examples/kairos.yaml");

describe("k8s export goldens", () => {
  it("every mapping", async () => {
    const result = exportFile(fixture);
    for (const object of result.objects) validateObject(object);
    await expect(manifestsYaml(result.objects)).toMatchFileSnapshot(
      "./__golden__/every-mapping.yaml",
    );
    await expect(`${result.notes.join("\n")}\n`).toMatchFileSnapshot(
      "./__golden__/every-mapping.warnings.txt",
    );
  });

  it("examples/kairos.yaml with --approximate", async () => {
    const result = exportFile(example, { approximate: true });
    for (const object of result.objects) validateObject(object);
    await expect(manifestsYaml(result.objects)).toMatchFileSnapshot(
      "./__golden__/example-approximate.yaml",
    );
    await expect(`${result.notes.join("\n")}\n`).toMatchFileSnapshot(
      "./__golden__/example-approximate.warnings.txt",
    );
  });

  it("examples/kubernetes/kairos.yaml exactly, with no warning", async () => {
    const result = exportFile(path.join(root, "examples/kubernetes/kairos.yaml"));
    for (const object of result.objects) validateObject(object);
    expect(result.notes).toEqual([]);
    expect(result.objects.filter((o) => o.kind === "CronJob")).toHaveLength(4);
    await expect(manifestsYaml(result.objects)).toMatchFileSnapshot(
      "./__golden__/example-kubernetes.yaml",
    );
  });

  it("is byte-stable: the same file exports the same bytes", () => {
    expect(manifestsYaml(exportFile(fixture).objects)).toBe(
      manifestsYaml(exportFile(fixture).objects),
    );
  });
});

const one = (schedule: string, fn = ""): string => `
functions:
  - name: f
    kind: command
    command: ["true"]
    ${fn}
    schedules:
      - ${schedule}
`;

describe("k8s export refusals", () => {
  it("refuses examples/kairos.yaml without --approximate, naming each schedule", () => {
    const refusals = refusalsOf(() => exportFile(example));
    expect(refusals.map((r) => r.schedule)).toEqual([
      "heartbeat-every-5s",
      "report-eu-every-10s",
      "report-us-every-15s",
      "report-us-every-15s",
    ]);
    expect(refusals[0]?.reason).toContain("every 5s is not a cron");
    expect(refusals[1]?.reason).toContain("no seconds field");
    expect(refusals[3]?.reason).toContain("jitter 2s");
  });

  it("refuses an `at` schedule even with --approximate", () => {
    const yaml = one("{ name: launch, at: 2026-12-01T09:00:00Z }");
    expect(refusalsOf(() => exportText(yaml, { approximate: true }))).toEqual([
      { schedule: "launch", reason: expect.stringContaining("fires once") },
    ]);
  });

  it("refuses an every: longer than 31 days even with --approximate", () => {
    const yaml = one("{ name: rare, every: 1000h }");
    expect(refusalsOf(() => exportText(yaml, { approximate: true }))[0]?.schedule).toBe("rare");
  });

  it("approximates an every: that is not a cron, and says how", () => {
    const cases: [string, string][] = [
      ["5s", "* * * * *"],
      ["7m", "*/7 * * * *"],
      ["90m", "0 */2 * * *"],
      ["48h", "0 0 */2 * *"],
    ];
    for (const [every, schedule] of cases) {
      const yaml = one(`{ name: e, every: ${every} }`);
      expect(refusalsOf(() => exportText(yaml))[0]?.reason).toContain("is not a cron");
      const result = exportText(yaml, { approximate: true });
      expect(lastSchedule(result)).toBe(schedule);
      expect(result.warnings[0]).toContain(`exported as "${schedule}"`);
    }
  });

  it("exports a seconds field of 0 exactly, and approximates another single second", () => {
    const exact = exportText(one('{ name: s, cron: "0 0 3 * * *" }'));
    expect(lastSchedule(exact)).toBe("0 3 * * *");
    expect(exact.warnings).toEqual([]);
    const yaml = one('{ name: s, cron: "30 0 3 * * *" }');
    expect(refusalsOf(() => exportText(yaml))[0]?.reason).toContain("no seconds field");
    expect(exportText(yaml, { approximate: true }).warnings[0]).toContain(
      "fires at second 0 instead of second 30",
    );
  });

  it("refuses a run-mode function without an image (from the file-wide mode)", () => {
    const yaml = `kubernetes: { mode: run }\n${one('{ name: r, cron: "@daily" }')}`;
    expect(refusalsOf(() => exportText(yaml))[0]?.reason).toContain("has no kubernetes.image");
  });
});

describe("k8s export flags", () => {
  it("--namespace, --server-url and --image override the file", () => {
    const result = exportFile(fixture, {
      namespace: "other",
      serverUrl: "http://k.other.svc:7070/",
      image: "curlimages/curl:8.12.0",
    });
    const cronJob = result.objects.find((o) => (o.metadata as { name: string }).name === "nightly");
    const text = JSON.stringify(cronJob);
    expect(text).toContain('"namespace":"other"');
    expect(text).toContain("http://k.other.svc:7070/api/v1/schedules/nightly/fire");
    expect(text).toContain("curlimages/curl:8.12.0");
  });
});

/**
 * `kairos k8s export` end to end: a real process on a kairos.yaml. Local only by construction
 * (it reads the file and talks to no store or server), so it is left out of cli-remote.
 */
import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/kairos.js";
import { runKairos } from "../helpers/cli.js";
import type { K8sObject } from "../../src/core/k8s/types.js";
import { validateObject } from "../k8s/validate.js";

const CONFIG = `
functions:
  - name: hello
    kind: command
    command: ["node", "-e", "1"]
    schedules:
      - name: nightly
        cron: "0 3 * * *"
        timezone: Europe/Paris
      - name: fast
        every: 5s
`;

const LOCAL = { KAIROS_CLI_MODE: "local" };
let dir: string;
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
});

describe("kairos k8s export", { timeout: 120_000 }, () => {
  it("refuses what Kubernetes cannot express, naming the schedule, with exit code 2", async () => {
    const r = await runKairos(dir, ["k8s", "export"], LOCAL);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('schedule "fast": every 5s is not a cron');
    expect(r.stderr).toContain("--approximate");
  });

  it("--approximate prints valid multi-document YAML and the approximation on stderr", async () => {
    const r = await runKairos(dir, ["k8s", "export", "--approximate", "--namespace", "ops"], LOCAL);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('kairos: warning: schedule "fast": every 5s exported as');
    const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject);
    expect(objects.map((o) => o.kind)).toEqual([
      "Secret",
      "ServiceAccount",
      "Role",
      "RoleBinding",
      "CronJob",
      "CronJob",
    ]);
    for (const o of objects) {
      validateObject(o);
      expect((o.metadata as { namespace: string }).namespace).toBe("ops");
    }
    const again = await runKairos(
      dir,
      ["k8s", "export", "--approximate", "--namespace", "ops"],
      LOCAL,
    );
    expect(again.stdout).toBe(r.stdout);
  });

  it("--out DIR writes one file per object with stable names; --json prints a List", async () => {
    const out = path.join(dir, "k8s");
    const r = await runKairos(dir, ["k8s", "export", "--approximate", "--out", out], LOCAL);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([
      "cronjob-fast.yaml",
      "cronjob-nightly.yaml",
      "role-kairos.yaml",
      "rolebinding-kairos.yaml",
      "secret-kairos-trigger-token.yaml",
      "serviceaccount-kairos.yaml",
    ]);
    const bad = await runKairos(dir, ["k8s", "export", "--server-url", "kairos:7070"], LOCAL);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--server-url: expected an http(s) URL");
    const json = await runKairos(dir, ["k8s", "export", "--approximate", "--json"], LOCAL);
    const list = JSON.parse(json.stdout) as { kind: string; items: K8sObject[] };
    expect(list.kind).toBe("List");
    expect(list.items).toHaveLength(6);
  });

  it("refuses a --namespace or --image Kubernetes would not take, writing nothing", async () => {
    const ns = await runKairos(
      dir,
      ["k8s", "export", "--approximate", "--namespace", "BAD_NS"],
      LOCAL,
    );
    expect(ns.code).toBe(2);
    expect(ns.stdout).toBe("");
    expect(ns.stderr).toContain('--namespace: "BAD_NS" is not a DNS-1123 label');
    const image = await runKairos(
      dir,
      ["k8s", "export", "--approximate", "--image", "curl images:8"],
      LOCAL,
    );
    expect(image.code).toBe(2);
    expect(image.stdout).toBe("");
    expect(image.stderr).toContain('--image: "curl images:8" is not an image reference');
  });

  it("reports a bad kubernetes block with file:line", async () => {
    fs.writeFileSync(
      path.join(dir, "kairos.yaml"),
      `${CONFIG}kubernetes:\n  namespace: Not_Valid\n  mod: run\n`,
    );
    const r = await runKairos(dir, ["k8s", "export"], LOCAL);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /kairos\.yaml:\d+:\d+: kubernetes\.namespace: must be a DNS-1123 label/,
    );
    expect(r.stderr).toContain('did you mean "mode"?');
  });
});

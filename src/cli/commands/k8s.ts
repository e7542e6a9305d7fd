/**
 * @module cli/commands/k8s
 * `kairos k8s export`: every schedule of kairos.yaml as a Kubernetes CronJob, with the Secret
 * template and the RBAC objects of the runtime backend. Local only: it reads the file and
 * talks to no store, server or cluster.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { ValidationError } from "../../core/errors.js";
import { exportManifests } from "../../core/k8s/export.js";
import { DNS1123_LABEL, MAX_LABEL_VALUE } from "../../core/k8s/names.js";
import { maybeLoadConfig, type GlobalOptions } from "../context.js";
import { exportInput, K8S_DEFAULTS } from "../k8s/export-input.js";
import type { Io } from "../output.js";

interface ExportOptions {
  out?: string;
  namespace?: string;
  serverUrl?: string;
  image?: string;
  approximate?: boolean;
  json?: boolean;
}

/** Register `kairos k8s export`. */
export function registerK8s(
  program: Command,
  io: Io,
  globals: () => GlobalOptions,
  run: (fn: () => Promise<void>) => Promise<void>,
): void {
  const k8s = program.command("k8s").description("Kubernetes: export schedules as CronJobs");
  k8s
    .command("export")
    .description("print kairos.yaml's schedules as Kubernetes CronJobs plus Secret and RBAC")
    .option("--out <dir>", "write one file per object into this directory")
    .option("--namespace <ns>", `namespace of every object (default ${K8S_DEFAULTS.namespace})`)
    .option("--server-url <url>", `Kairos server the trigger containers call`)
    .option("--image <image>", `trigger container image (default ${K8S_DEFAULTS.triggerImage})`)
    .option("--approximate", "export what Kubernetes can only approximate, with a warning")
    .option("--json", "print a v1 List as JSON instead of YAML")
    .addHelpText(
      "after",
      `
Schedules Kubernetes cannot express (seconds, an every: that is not a cron, jitter, at:) are
refused, each named with why; --approximate exports the approximable ones and prints what
changes. Warnings go to stderr. See docs/kubernetes.md.

Examples:
  kairos k8s export > kairos-k8s.yaml
  kairos k8s export --namespace jobs --server-url http://kairos.jobs.svc:7070 --out k8s/
  kairos k8s export --approximate --config deploy/kairos.yaml`,
    )
    .action((opts: ExportOptions) =>
      run(async () => {
        const config = await maybeLoadConfig(globals());
        if (!config) throw new ValidationError("no kairos.yaml here; pass --config FILE");
        checkFlags(opts);
        const { input, warnings } = exportInput(config, opts);
        const result = exportManifests(input);
        // The YAML writer loads with the command that writes manifests, not at CLI start-up.
        const { fileNameOf, manifestJson, manifestsJson, manifestsYaml, objectYaml } =
          await import("../k8s/render.js");
        for (const w of [...warnings, ...result.warnings]) io.err(`kairos: warning: ${w}`);
        if (opts.out !== undefined) {
          await mkdir(opts.out, { recursive: true });
          for (const object of result.objects) {
            const file = path.join(opts.out, fileNameOf(object, opts.json ? "json" : "yaml"));
            await writeFile(file, opts.json ? manifestJson(object) : objectYaml(object));
            io.out(file);
          }
          return;
        }
        const text = opts.json ? manifestsJson(result.objects) : manifestsYaml(result.objects);
        io.out(text.replace(/\n$/, ""));
      }),
    );
}

/** The flags the file's schema would check were they in kairos.yaml: ValidationError naming one. */
function checkFlags(opts: ExportOptions): void {
  if (opts.serverUrl !== undefined && !/^https?:\/\/[^\s/]+/i.test(opts.serverUrl)) {
    throw new ValidationError(
      `--server-url: expected an http(s) URL such as http://kairos.jobs.svc:7070, got ${JSON.stringify(opts.serverUrl)}`,
    );
  }
  if (
    opts.namespace !== undefined &&
    !(DNS1123_LABEL.test(opts.namespace) && opts.namespace.length <= MAX_LABEL_VALUE)
  ) {
    throw new ValidationError(
      `--namespace: ${JSON.stringify(opts.namespace)} is not a DNS-1123 label (lowercase letters, digits and '-', alphanumeric at both ends, at most 63)`,
    );
  }
  if (opts.image !== undefined && !/^\S+$/.test(opts.image)) {
    throw new ValidationError(
      `--image: ${JSON.stringify(opts.image)} is not an image reference (no spaces), e.g. curlimages/curl:8.11.1`,
    );
  }
}

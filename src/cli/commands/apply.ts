/**
 * @module cli/commands/apply
 * `kairos apply [--dry-run] [--prune]`: reconcile kairos.yaml into the store like Terraform.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { ValidationError } from "../../core/errors.js";
import type { ResolvedConfig } from "../../config/index.js";
import { formatPlan } from "../../core/reconcile/format.js";
import type { ClientTarget, ConfigSource } from "../../runtime/client.js";
import { formatBackendChanges } from "../backend-plan.js";
import type { Io } from "../output.js";
import type { WithClient } from "../context.js";

/** Register `kairos apply`. */
export function registerApply(program: Command, io: Io, withClient: WithClient): void {
  program
    .command("apply")
    .description(
      "reconcile kairos.yaml into the store: print the plan, then apply it in one transaction",
    )
    .option("--dry-run", "print the plan only")
    .option("--prune", "delete config-sourced schedules and functions missing from the file")
    .option("--json", "print the plan as JSON")
    .option(
      "--allow-unknown",
      "accept workflow task functions neither the file nor the store knows (their worker starts later)",
    )
    .addHelpText(
      "after",
      `
Declared fields are enforced; omitted fields keep what the store has; payloads compare as
canonical JSON; schedules created through the API are never touched; objects missing from the
file are deleted only with --prune. The whole file is validated and the plan computed before
anything changes; the changes apply in one transaction.

Examples:
  kairos apply --dry-run
  kairos apply
  kairos apply --prune --config deploy/kairos.yaml`,
    )
    .action((opts: { dryRun?: boolean; prune?: boolean; json?: boolean; allowUnknown?: boolean }) =>
      withClient({ ...opts, backend: true }, async ({ client, config, target }) => {
        if (!config) throw new ValidationError("no kairos.yaml here; pass --config FILE");
        const result = await client.apply(await configSource(config, target), {
          prune: opts.prune === true,
          dryRun: opts.dryRun === true,
          allowUnknown: opts.allowUnknown === true,
        });
        for (const warning of result.warnings) io.err(`kairos: warning: ${warning}`);
        for (const warning of result.backend?.warnings ?? []) io.err(`kairos: warning: ${warning}`);
        if (opts.json) {
          const backend = result.backend ? { backend: result.backend } : {};
          return io.out(
            JSON.stringify({ dryRun: opts.dryRun === true, items: result.items, ...backend }),
          );
        }
        io.out(formatPlan({ items: result.items, changes: [] }));
        if (result.backend) {
          io.out(formatBackendChanges(result.backend.location, result.backend.changes));
        }
        io.out(opts.dryRun ? "Dry run: nothing changed." : "Applied.");
      }),
    );
}

/**
 * The loaded (and so already validated) kairos.yaml as a client posts it: its text, the
 * values of exactly the variables it references (from this process's environment), and its
 * name: the absolute path locally (messages unchanged), the base name for a server (which
 * places it in its own config directory).
 */
export async function configSource(
  config: Pick<ResolvedConfig, "file">,
  target: Pick<ClientTarget, "kind">,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConfigSource> {
  const text = await readFile(config.file, "utf8");
  const { referencedVariables } = await import("../../config/interpolate.js");
  const vars: Record<string, string> = {};
  for (const name of referencedVariables(text)) {
    const value = env[name];
    if (value !== undefined) vars[name] = value;
  }
  const file = target.kind === "local" ? config.file : path.basename(config.file);
  return { file, text, vars };
}

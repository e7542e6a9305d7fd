/**
 * @module cli/commands/apply
 * `kairos apply [--dry-run] [--prune]`: reconcile kairos.yaml into the store like Terraform.
 */
import type { Command } from "commander";
import { ValidationError } from "../../core/errors.js";
import { applyConfig, applyWarnings } from "../../config/apply.js";
import { formatPlan } from "../../core/reconcile/index.js";
import type { Io } from "../output.js";
import type { WithEngine } from "../context.js";

/** Register `kairos apply`. */
export function registerApply(program: Command, io: Io, withEngine: WithEngine): void {
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
      withEngine(opts, async ({ kairos, config }) => {
        if (!config) throw new ValidationError("no kairos.yaml here; pass --config FILE");
        for (const warning of applyWarnings(config)) io.err(`kairos: warning: ${warning}`);
        const plan = await applyConfig(kairos, config, {
          prune: opts.prune === true,
          dryRun: opts.dryRun === true,
          allowUnknown: opts.allowUnknown === true,
        });
        if (opts.json)
          return io.out(JSON.stringify({ dryRun: opts.dryRun === true, items: plan.items }));
        io.out(formatPlan(plan));
        io.out(opts.dryRun ? "Dry run: nothing changed." : "Applied.");
      }),
    );
}

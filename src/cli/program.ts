/**
 * @module cli/program
 * The `kairos` command tree (commander). Commands hold no logic: they parse flags, call a
 * KairosClient (an engine on a local store, or a server), and print. Errors become a message on stderr and a stable exit code.
 */
import { Command, CommanderError } from "commander";
import {
  CLI_QUERY_TIMEOUT_MS,
  maybeLoadConfig,
  openClient,
  type GlobalOptions,
  type WithClient,
} from "./context.js";
import { maskedIo } from "./masked-io.js";
import { EXIT, errorBlock, exitCodeFor, type Io } from "./output.js";
import { registerCron } from "./commands/cron.js";
import { registerJobs } from "./commands/jobs.js";
import { registerSchedules } from "./commands/schedules.js";
import { registerApply } from "./commands/apply.js";
import { registerDev } from "./commands/dev.js";
import { registerServer } from "./commands/server.js";
import { registerFunctions } from "./commands/functions.js";
import { registerInstances } from "./commands/instances.js";
import { registerScheduler } from "./commands/scheduler.js";
import { registerRuns } from "./commands/runs.js";
import { registerWorkflows } from "./commands/workflows.js";
import { registerTokens } from "./commands/tokens.js";
import { registerK8s } from "./commands/k8s.js";
import { registerExec } from "./commands/exec.js";
import { registerStats } from "./commands/stats.js";
import { kairosVersion } from "../runtime/package-version.js";

/** Build the program; `setExit` receives the exit code of the command that ran. */
export function buildProgram(rawIo: Io, setExit: (code: number) => void): Command {
  const program = new Command("kairos");
  // Everything printed hides credentials (of --store / KAIROS_STORE / server URLs and any URL).
  const io = maskedIo(rawIo, () => [
    program.opts<GlobalOptions>().store,
    process.env.KAIROS_STORE,
    program.opts<GlobalOptions>().server,
    process.env.KAIROS_SERVER,
  ]);
  program
    .description("Kairos: durable, local-first scheduler for functions and workflows")
    .option("--store <url>", 'store URL, e.g. "sqlite:.kairos/kairos.db" (or env KAIROS_STORE)')
    .option(
      "--server <url>",
      'a Kairos server instead of a store, e.g. "http://127.0.0.1:7070" (or env KAIROS_SERVER; token: env KAIROS_TOKEN)',
    )
    .option("--config <file>", "config file (default ./kairos.yaml)")
    .version(kairosVersion(), "-V, --version", "print the kairos version")
    // Every subcommand's --help lists --store and --config too.
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(add --help for usage and examples)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, "")),
      writeErr: (s) => io.err(s.replace(/\n$/, "")),
    });

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();

  const run = async (body: () => Promise<void>): Promise<void> => {
    try {
      await body();
      setExit(EXIT.ok);
    } catch (error) {
      io.err(errorBlock(error instanceof Error ? error.message : String(error)));
      setExit(exitCodeFor(error));
    }
  };

  const withClient: WithClient = (local, body) =>
    run(async () => {
      const config = await maybeLoadConfig(globals());
      const client = await openClient(globals(), config, io, {
        queryTimeoutMs: CLI_QUERY_TIMEOUT_MS,
        ...(local.mustExist === true ? { mustExist: true } : {}),
        ...(local.backend === true ? { backend: true } : {}),
      });
      try {
        await body({ client, config, target: client.target });
      } finally {
        await client.close();
      }
    });

  registerDev(program, io, globals, run, kairosVersion());
  registerServer(program, io, globals, run, kairosVersion());
  registerApply(program, io, withClient);
  registerSchedules(program, io, withClient);
  registerJobs(program, io, withClient);
  registerFunctions(program, io, withClient);
  registerInstances(program, io, withClient);
  registerScheduler(program, io, withClient);
  registerWorkflows(program, io, withClient);
  registerRuns(program, io, withClient);
  registerTokens(program, io, withClient);
  registerStats(program, io, withClient);
  registerCron(program, io, run);
  registerK8s(program, io, globals, run);
  registerExec(program, io, globals, run);
  return program;
}

/** Parse argv and run; resolves with the exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return code;
}

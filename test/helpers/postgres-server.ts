/**
 * A throwaway PostgreSQL server for one test run, started from the real binaries of the machine
 * (Debian's `postgresql` package: `/usr/lib/postgresql/<version>/bin`), never an imitation.
 *
 * The server lives in a fresh temp directory (data dir, socket dir and log), listens on
 * 127.0.0.1 only, on a free port picked at start (so it never collides with a cluster the
 * package may have started on 5432), and runs with `fsync = off`: its data is thrown away at
 * the end, so durability buys nothing. PostgreSQL refuses to run as root; when the tests run
 * as root, initdb and pg_ctl run as the `postgres` user through `runuser`, with the temp
 * directory handed to that user.
 *
 * Used by `postgres-global-setup.ts` (once per vitest run); tests use `postgres.ts`.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** Where the binaries were found, and the user they run as (null: the current user). */
export interface PostgresBinaries {
  readonly binDir: string;
  readonly runAs: string | null;
}

/** A running server. `stop` is idempotent. */
export interface PostgresServer {
  readonly url: string;
  readonly dir: string;
  readonly version: string;
  stop(): void;
}

/** How to install the binaries, for the messages that say they are missing. */
export const INSTALL_HINT =
  "install them with `apt-get install postgresql` (Debian/Ubuntu), or set KAIROS_PG_BIN to a " +
  "directory holding initdb and pg_ctl";

/**
 * Find initdb and pg_ctl: `$KAIROS_PG_BIN`, else the newest `/usr/lib/postgresql/<v>/bin`, else
 * the PATH. Null when none has both.
 */
export function findPostgresBinaries(): PostgresBinaries | null {
  const candidates: string[] = [];
  const fromEnv = process.env.KAIROS_PG_BIN;
  if (fromEnv !== undefined && fromEnv !== "") candidates.push(fromEnv);
  const debianRoot = "/usr/lib/postgresql";
  if (fs.existsSync(debianRoot)) {
    const versions = fs
      .readdirSync(debianRoot)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join(debianRoot, v, "bin"));
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir !== "") candidates.push(dir);
  }
  const binDir = candidates.find(
    (dir) => isExecutable(path.join(dir, "initdb")) && isExecutable(path.join(dir, "pg_ctl")),
  );
  if (binDir === undefined) return null;
  return { binDir, runAs: process.getuid?.() === 0 ? "postgres" : null };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A TCP port free on 127.0.0.1 right now (the kernel's pick). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Run a binary (as the `postgres` user when needed); throws with its output on failure. */
function run(bins: PostgresBinaries, tool: string, args: readonly string[]): string {
  const file = path.join(bins.binDir, tool);
  const [command, argv] =
    bins.runAs === null ? [file, [...args]] : ["runuser", ["-u", bins.runAs, "--", file, ...args]];
  const result = spawnSync(command, argv, { encoding: "utf8", timeout: 120_000 });
  if (result.error !== undefined || result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
    throw new Error(
      `${tool} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`})` +
        (output === "" ? "" : `:\n${output}`),
    );
  }
  return result.stdout;
}

/**
 * initdb a fresh cluster in a temp directory and start it on a free port. Retries the start on
 * another port when the picked one was taken meanwhile (another test run on the machine).
 */
export async function startPostgres(bins: PostgresBinaries): Promise<PostgresServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-pg-"));
  const dataDir = path.join(dir, "data");
  const logFile = path.join(dir, "server.log");
  try {
    if (bins.runAs !== null) {
      const uid = Number(execFileSync("id", ["-u", bins.runAs], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", bins.runAs], { encoding: "utf8" }).trim());
      fs.chownSync(dir, uid, gid);
    }
    const version = run(bins, "pg_ctl", ["--version"]).trim();
    run(bins, "initdb", [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--no-locale",
      "--no-sync",
      "--no-instructions",
    ]);
    const baseConf = fs.readFileSync(path.join(dataDir, "postgresql.conf"), "utf8");
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const port = await freePort();
      // Appended settings win over earlier ones in postgresql.conf.
      fs.writeFileSync(
        path.join(dataDir, "postgresql.conf"),
        baseConf +
          [
            "",
            "# kairos test harness",
            "listen_addresses = '127.0.0.1'",
            `port = ${port}`,
            `unix_socket_directories = '${dir}'`,
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "max_connections = 300",
            "",
          ].join("\n"),
      );
      try {
        run(bins, "pg_ctl", ["-D", dataDir, "-l", logFile, "-w", "-t", "60", "start"]);
      } catch (error) {
        lastError = new Error(`${String(error)}\n--- server log ---\n${readLog(logFile)}`);
        continue;
      }
      const watchdog = startWatchdog(bins, dataDir, dir);
      let stopped = false;
      return {
        url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
        dir,
        version,
        stop() {
          if (stopped) return;
          stopped = true;
          watchdog.kill();
          try {
            run(bins, "pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        },
      };
    }
    throw lastError;
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A detached shell that stops the server and removes its directory once this process is gone,
 * however it ended (SIGKILL, a timeout, Ctrl-C): a test run never leaves a server behind.
 * Killed by `stop()` after a normal teardown.
 */
function startWatchdog(bins: PostgresBinaries, dataDir: string, dir: string) {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const pgCtl = quote(path.join(bins.binDir, "pg_ctl"));
  const asUser = bins.runAs === null ? "" : `runuser -u ${quote(bins.runAs)} -- `;
  const script =
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ` +
    `${asUser}${pgCtl} -D ${quote(dataDir)} -m immediate -w stop >/dev/null 2>&1; ` +
    `rm -rf ${quote(dir)}`;
  const child = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  child.unref();
  return child;
}

function readLog(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "(no log)";
  }
}

/** What the global setup hands to test files (`inject("kairosPg")`). */
export interface ProvidedPostgres {
  /** Connection URL of the run's server, or null when none could be started. */
  readonly url: string | null;
  /** `pg_ctl --version` of the server. */
  readonly version: string | null;
  /** Why there is no server (binaries missing), for the skip message. */
  readonly reason: string | null;
}

declare module "vitest" {
  export interface ProvidedContext {
    kairosPg: ProvidedPostgres;
  }
}

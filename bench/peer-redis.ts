/**
 * @module bench/peer-redis
 * The throwaway `redis-server` BullMQ runs on in `npm run bench -- --peers`: Debian's binary
 * (`apt-get install redis-server`), started by the bench on 127.0.0.1 and a free port with a
 * fresh temp directory, and removed (process killed, directory deleted) when the scenario is
 * over, also when the bench fails or is interrupted (see `stopAllRedis`).
 *
 * Durability: `--save "" --appendonly yes --appendfsync everysec`: no RDB snapshots, every
 * write appended to the AOF and the AOF fsynced once a second. That is the setting BullMQ's
 * production guidance points to, and the nearest to Kairos's SQLite default (WAL,
 * `synchronous = NORMAL`: a crash of the process loses nothing, a power cut may lose the last
 * commits). Everything else is Redis's default.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** How to get the binary, for the message of a run that skips BullMQ. */
export const REDIS_INSTALL_HINT = "install it with `apt-get install redis-server` (Debian/Ubuntu)";

/** The durability arguments the bench gives redis-server, as printed in the table. */
export const REDIS_DURABILITY_ARGS: readonly string[] = [
  "--save",
  "",
  "--appendonly",
  "yes",
  "--appendfsync",
  "everysec",
];

/** A short description of the durability setting, for the table header and the JSON. */
export const REDIS_DURABILITY = 'AOF, appendfsync everysec (--save "" --appendonly yes)';

/** A running redis-server. `stop` kills it and removes its directory; idempotent. */
export interface BenchRedis {
  readonly port: number;
  stop(): Promise<void>;
}

/** Every server started and not yet stopped, for the exit and signal handlers. */
const running = new Set<{ child: ChildProcess; dir: string }>();

/** The redis-server binary: `$KAIROS_REDIS_SERVER`, else the PATH, else /usr/bin. Null if none. */
export function findRedisServer(): string | null {
  const candidates: string[] = [];
  const fromEnv = process.env.KAIROS_REDIS_SERVER;
  if (fromEnv !== undefined && fromEnv !== "") candidates.push(fromEnv);
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir !== "") candidates.push(path.join(dir, "redis-server"));
  }
  candidates.push("/usr/bin/redis-server", "/usr/local/bin/redis-server");
  return (
    candidates.find((file) => {
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
      } catch {
        return false;
      }
    }) ?? null
  );
}

/** `Redis server v=7.0.15 …` -> `7.0.15`; the whole first line when it does not parse. */
export function redisVersion(bin: string): string {
  const out = execFileSync(bin, ["--version"], { encoding: "utf8" });
  return /\bv=(\S+)/.exec(out)?.[1] ?? out.split("\n")[0]!.trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true when `PING` on 127.0.0.1:port answers `+PONG`. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let answer = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      answer += chunk.toString("utf8");
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG"));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function killAndRemove(entry: { child: ChildProcess; dir: string }): void {
  running.delete(entry);
  if (entry.child.exitCode === null && entry.child.signalCode === null) {
    entry.child.kill("SIGKILL");
  }
  fs.rmSync(entry.dir, { recursive: true, force: true, maxRetries: 5 });
}

/**
 * Kill every redis-server this process started and remove their directories, synchronously
 * (it is called from `process.on("exit")` and from signal handlers).
 */
export function stopAllRedis(): void {
  for (const entry of [...running]) killAndRemove(entry);
}

/**
 * Start a fresh redis-server on a free port with the bench's durability settings and wait
 * until it answers PING. Throws (with the server's last output) when it does not come up.
 */
export async function startRedis(bin: string, timeoutMs = 10_000): Promise<BenchRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-bench-redis-"));
  const port = await freePort();
  const child = spawn(
    bin,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--daemonize",
      "no",
      "--protected-mode",
      "yes",
      ...REDIS_DURABILITY_ARGS,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const entry = { child, dir };
  running.add(entry);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-4_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("error", (error) => keep(Buffer.from(`spawn error: ${error.message}\n`)));

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      killAndRemove(entry);
      const why = Date.now() > deadline ? `did not answer PING within ${timeoutMs} ms` : "exited";
      throw new Error(`redis-server on port ${port} ${why}; its output:\n${output.trim()}`);
    }
    if (await ping(port)) break;
    await sleep(20);
  }

  let stopped: Promise<void> | undefined;
  return {
    port,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await exited;
        killAndRemove(entry);
      })();
      return stopped;
    },
  };
}

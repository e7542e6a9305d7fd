/**
 * A CLI command loads only what it runs: starting the CLI (what `kairos --version`, `kairos jobs
 * list` and every other command pay before doing anything) loads neither the API server (hono,
 * the route contract, prom-client), nor the logger (pino), nor the PostgreSQL driver, nor the
 * cron describer (cronstrue). Each is a fraction of a second of start-up on a small machine;
 * `kairos server`, `kairos dev`, a PostgreSQL URL and `kairos cron` load them when they run.
 * A remote command (`--server URL`) builds its requests from the light route table, not from
 * the route contract's zod/OpenAPI schemas: it loads neither hono nor @hono/zod-openapi. Nor
 * does start-up or a remote command load the engine's store driver (better-sqlite3), croner or
 * the YAML parser: a command that opens an engine or reads kairos.yaml loads them.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/kairos.js";

const run = promisify(execFile);
const program = pathToFileURL(
  fileURLToPath(new URL("../../src/cli/program.ts", import.meta.url)),
).href;
const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const tsxLoader = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;

/** What neither start-up nor a remote command may load. */
const SERVER_SIDE = [
  "hono",
  "@hono/node-server",
  "@hono/zod-openapi",
  "@hono/zod-validator",
  "@asteasolutions/zod-to-openapi",
  "prom-client",
  "pino",
  "pino-pretty",
  "pg",
];

/**
 * What a remote command does not load either: the engine's store driver, its cron library and
 * the config file's parser (a command opens an engine, or reads kairos.yaml, only when it
 * runs one).
 */
const ENGINE_SIDE = ["better-sqlite3", "croner", "yaml", "cronstrue"];

/**
 * The packages (node_modules/NAME) a fresh node process loads when run with `args` (after
 * tsx's loader), and what it printed.
 */
async function packagesLoadedBy(
  args: readonly string[],
): Promise<{ loaded: Set<string>; stdout: string }> {
  const dir = tempDir();
  const hooks = path.join(dir, "hooks.mjs");
  fs.writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(resolved.url);
  if (m) process.stderr.write("LOADED " + m[1] + "\\n");
  return resolved;
}
`,
  );
  const register = path.join(dir, "register.mjs");
  fs.writeFileSync(
    register,
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const { stdout, stderr } = await run(
    process.execPath,
    ["--import", tsxLoader, "--import", register, ...args],
    { cwd: dir, env: { ...process.env, KAIROS_STORE: "", KAIROS_SERVER: "", KAIROS_TOKEN: "" } },
  );
  const loaded = new Set([...stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1] as string));
  return { loaded, stdout };
}

/** A stand-in server answering every request with an empty page; its URL. */
async function emptyPageServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ items: [], nextCursor: null }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("CLI start-up", { timeout: 60_000 }, () => {
  it("loads the CLI's own needs but not the API server, the logger, a store driver or the config parser", async () => {
    const { loaded } = await packagesLoadedBy([
      "--input-type=module",
      "-e",
      `await import(${JSON.stringify(program)});`,
    ]);
    expect(loaded).toContain("commander");
    for (const heavy of [...SERVER_SIDE, ...ENGINE_SIDE]) {
      expect(loaded, `${heavy} is loaded at CLI start-up`).not.toContain(heavy);
    }
  });

  it("runs a remote command (--server) without the route contract's schemas or the API server", async () => {
    const server = await emptyPageServer();
    try {
      const { loaded, stdout } = await packagesLoadedBy([
        main,
        "jobs",
        "list",
        "--server",
        server.url,
      ]);
      expect(stdout).toMatch(/^ID\s+FN\s+STATE/);
      expect(loaded).toContain("commander");
      for (const heavy of [...SERVER_SIDE, ...ENGINE_SIDE]) {
        expect(loaded, `${heavy} is loaded by a remote command`).not.toContain(heavy);
      }
    } finally {
      await server.close();
    }
  });
});

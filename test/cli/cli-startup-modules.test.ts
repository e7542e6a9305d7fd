/**
 * A CLI command loads only what it runs: starting the CLI (what `kairos --version`, `kairos jobs
 * list` and every other command pay before doing anything) loads neither the API server (hono,
 * the route contract, prom-client), nor the logger (pino), nor the PostgreSQL driver, nor the
 * cron describer (cronstrue). Each is a fraction of a second of start-up on a small machine;
 * `kairos server`, `kairos dev`, a PostgreSQL URL and `kairos cron` load them when they run.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/kairos.js";

const run = promisify(execFile);
const program = pathToFileURL(
  fileURLToPath(new URL("../../src/cli/program.ts", import.meta.url)),
).href;
const tsxLoader = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;

/** The packages (node_modules/NAME) a fresh process loads when it imports `entry`. */
async function packagesLoadedBy(entry: string): Promise<Set<string>> {
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
  const { stderr } = await run(
    process.execPath,
    [
      "--import",
      tsxLoader,
      "--import",
      register,
      "--input-type=module",
      "-e",
      `await import(${JSON.stringify(entry)});`,
    ],
    { cwd: dir },
  );
  return new Set([...stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1] as string));
}

describe("CLI start-up", { timeout: 60_000 }, () => {
  it("loads the CLI's own needs but not the API server, the logger or the PostgreSQL driver", async () => {
    const loaded = await packagesLoadedBy(program);
    expect(loaded).toContain("commander");
    expect(loaded).toContain("better-sqlite3");
    for (const heavy of [
      "hono",
      "@hono/node-server",
      "@hono/zod-openapi",
      "prom-client",
      "pino",
      "pino-pretty",
      "pg",
    ]) {
      expect(loaded, `${heavy} is loaded at CLI start-up`).not.toContain(heavy);
    }
  });
});

/**
 * Print the dashboard's initial JS size gzipped (the scripts and module preloads index.html
 * loads before any lazy chunk) and fail above the budget: 250 kB (`npm run build` runs it
 * after `vite build`).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The initial-JS budget, gzipped, in bytes (issue 12: 250 kB). */
export const BUDGET_BYTES = 250 * 1000;

/** The JS files an index.html loads at once: module scripts and modulepreload links. */
export function initialScripts(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+\.js)"/g)) out.add(m[1]!);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+\.js)"/g))
    out.add(m[1]!);
  return [...out];
}

/** The gzipped size of each initial script of a built dashboard directory. */
export async function initialJsSize(dir: string): Promise<{ file: string; gzip: number }[]> {
  const html = await readFile(path.join(dir, "index.html"), "utf8");
  return Promise.all(
    initialScripts(html).map(async (src) => {
      const bytes = await readFile(path.join(dir, src.replace(/^\//, "")));
      return { file: src, gzip: gzipSync(bytes, { level: 9 }).length };
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = await initialJsSize(path.join(root, "dist/dashboard"));
  if (files.length === 0) throw new Error("dist/dashboard/index.html loads no script");
  const total = files.reduce((n, f) => n + f.gzip, 0);
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  for (const f of files) process.stdout.write(`  ${f.file}  ${kb(f.gzip)} gzipped\n`);
  process.stdout.write(`dashboard initial JS: ${kb(total)} gzipped (budget ${kb(BUDGET_BYTES)})\n`);
  if (total > BUDGET_BYTES) {
    process.stderr.write(`dashboard initial JS is over budget by ${kb(total - BUDGET_BYTES)}\n`);
    process.exitCode = 1;
  }
}

/**
 * @module executors/module
 * The `module` executor: a job runs a function exported by a JavaScript or TypeScript file,
 * in-process, with the same (payload, ctx) an inline handler gets. The file is imported once,
 * when the handler is created, so a missing file, a syntax error or a missing export is
 * reported at startup (or at config apply) rather than on the first job.
 *
 * `.js`/`.mjs`/`.cjs` files load with Node's own `import()`; `.ts`/`.mts`/`.cts` files load
 * through tsx's `tsImport` (tsx is imported only when a TypeScript module is used).
 */
import { stat } from "node:fs/promises";
import { extname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ValidationError } from "../core/errors.js";
import type { JobHandler } from "../ports/executor.js";
import { ModuleLoadError } from "./errors.js";

/** Which file and export a `module` function runs. */
export interface ModuleExecutorSpec {
  /** The module file: absolute, or relative to `baseDir`. */
  file: string;
  /** The export holding the handler (default "default"). */
  export?: string;
  /** What a relative `file` is resolved against (default: the process's working directory). */
  baseDir?: string;
}

const JS_EXTENSIONS = new Set([".js", ".mjs", ".cjs"]);
const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts"]);

/**
 * Import `spec.file` once and return a handler that calls its `spec.export` function with
 * (payload, ctx). Rejects with ModuleLoadError (code "MODULE_LOAD") when the file does not
 * exist, has an unsupported extension, fails to load (syntax error, a throwing top level,
 * missing imports), or lacks the export or the export is not a function; with
 * ValidationError when the spec itself is malformed.
 */
export async function createModuleHandler(spec: ModuleExecutorSpec): Promise<JobHandler> {
  if (typeof spec.file !== "string" || spec.file === "") {
    throw new ValidationError(
      `module executor: file must be a non-empty path, got ${JSON.stringify(spec.file)}`,
    );
  }
  if (spec.export !== undefined && (typeof spec.export !== "string" || spec.export === "")) {
    throw new ValidationError(
      `module executor for ${spec.file}: export must be a non-empty name, got ${JSON.stringify(spec.export)}`,
    );
  }
  if (spec.baseDir !== undefined && (typeof spec.baseDir !== "string" || spec.baseDir === "")) {
    throw new ValidationError(
      `module executor for ${spec.file}: baseDir must be a non-empty path, got ${JSON.stringify(spec.baseDir)}`,
    );
  }
  const exportName = spec.export ?? "default";
  const baseDir = spec.baseDir ?? process.cwd();
  const file = resolve(baseDir, spec.file);
  const fail = (message: string, cause?: unknown): ModuleLoadError =>
    new ModuleLoadError({ file, exportName, message }, cause === undefined ? undefined : { cause });

  const extension = extname(file).toLowerCase();
  const isTypeScript = TS_EXTENSIONS.has(extension);
  if (!isTypeScript && !JS_EXTENSIONS.has(extension)) {
    throw fail(
      `module ${file} has extension ${JSON.stringify(extension)}; a module function must be a .js, .mjs, .cjs, .ts, .mts or .cts file`,
    );
  }
  const found = await stat(file).catch(() => null);
  if (found === null || !found.isFile()) {
    const from = isAbsolute(spec.file)
      ? ""
      : ` (${JSON.stringify(spec.file)} resolved against ${baseDir})`;
    throw fail(`module file ${file} ${found === null ? "does not exist" : "is not a file"}${from}`);
  }

  let namespace: Record<string, unknown>;
  try {
    const url = pathToFileURL(file).href;
    namespace = (isTypeScript ? await importTypeScript(url) : await import(url)) as Record<
      string,
      unknown
    >;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw fail(`could not load module ${file}: ${reason}`, error);
  }

  if (!(exportName in namespace)) {
    const names = Object.keys(namespace).filter((name) => name !== "__esModule");
    throw fail(
      `module ${file} has no export ${JSON.stringify(exportName)}; it exports ${
        names.length === 0 ? "nothing" : names.map((name) => JSON.stringify(name)).join(", ")
      }`,
    );
  }
  const handler = unwrapCommonJsDefault(namespace[exportName], exportName);
  if (typeof handler !== "function") {
    throw fail(
      `export ${JSON.stringify(exportName)} of module ${file} is ${describe(handler)}, not a function; export a handler (payload, ctx) => result`,
    );
  }
  const fn = handler as JobHandler;
  // async: a handler that throws synchronously still yields a rejected promise.
  return async (payload, ctx) => fn(payload, ctx);
}

async function importTypeScript(url: string): Promise<unknown> {
  const { tsImport } = await import("tsx/esm/api");
  return (await tsImport(url, import.meta.url)) as unknown;
}

/**
 * A CommonJS file compiled from ESM (`exports.default = fn`) shows up as
 * `namespace.default = { default: fn }`: use the inner function in that case.
 */
function unwrapCommonJsDefault(value: unknown, exportName: string): unknown {
  if (exportName !== "default" || typeof value !== "object" || value === null) return value;
  const inner = (value as { default?: unknown }).default;
  return typeof inner === "function" ? inner : value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

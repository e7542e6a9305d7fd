/**
 * @module config/load
 * Read and validate a `kairos.yaml`. Validation happens once, here, at the edge: the YAML is
 * parsed with positions, `${VAR}`s are substituted from the given environment, the schema and
 * the cross-field rules are checked, and every problem of the file is reported together in one
 * ConfigError (`file:line:column: path: message (hint: ...)`).
 */
import { readFile } from "node:fs/promises";
import { isScalar, LineCounter, parseDocument, type Document } from "yaml";
import type { CronField } from "../core/cron/cron-error.js";
import { ConfigError, formatPath } from "./errors.js";
import { interpolateDocument } from "./interpolate.js";
import { addZodIssues, IssueCollector } from "./issues.js";
import { resolveConfig } from "./resolve.js";
import { ConfigSchema } from "./schema.js";
import type { ResolvedConfig } from "./types.js";
import { checkCrossFieldRules } from "./validate.js";
import { checkWorkflows } from "./validate-workflows.js";
import { offsetOfPath, positionAt } from "./yaml-position.js";

/** The environment `${VAR}`s are read from. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/**
 * Validate the text of a config file. `file` names it in messages and is the base of its
 * relative paths. Pure apart from resolving `file` against the working directory. Throws
 * ConfigError listing every problem.
 */
export function parseConfig(text: string, file: string, env: ConfigEnv): ResolvedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const out = new IssueCollector(file, doc, lineCounter);

  if (doc.errors.length > 0) {
    // The structure of a file with syntax errors is unreliable: report those alone.
    for (const e of doc.errors) {
      const at = e.linePos?.[0] ?? positionAt(lineCounter, e.pos[0]);
      const line = "line" in at ? at.line : 1;
      const column = "col" in at ? at.col : "column" in at ? at.column : 1;
      out.addAt(line, column, `YAML syntax error: ${firstLine(e.message)}`);
    }
    throw new ConfigError(out.issues());
  }
  if (doc.contents === null) {
    out.addAt(1, 1, 'the file is empty: expected a mapping with a "functions" list');
    throw new ConfigError(out.issues());
  }

  for (const p of interpolateDocument(doc, text, env)) {
    out.add(p.path, p.message, { suggestion: p.suggestion ?? null, offset: p.offset });
  }
  const raw: unknown = doc.toJS();
  const parsed = ConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) addZodIssues(out, parsed.error.issues, raw);
  const lineOf = (path: (string | number)[]): number =>
    positionAt(lineCounter, offsetOfPath(doc, path)).line;
  checkCrossFieldRules(raw, out, lineOf, (path, field) => cronFieldOffset(doc, text, path, field));
  const functionRefs = checkWorkflows(raw, out, lineOf, (path) => ({
    file,
    ...positionAt(lineCounter, offsetOfPath(doc, path)),
    path: formatPath(path),
  }));

  if (out.size > 0 || !parsed.success) throw new ConfigError(out.issues());
  return resolveConfig(parsed.data, file, lineOf, functionRefs);
}

/** Read and validate a config file; throws ConfigError (also when the file cannot be read). */
export async function loadConfig(
  file: string,
  env: ConfigEnv = process.env,
): Promise<ResolvedConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(
      [
        {
          file,
          line: 1,
          column: 1,
          path: "",
          message:
            code === "ENOENT"
              ? "config file not found"
              : `cannot read the config file: ${e instanceof Error ? e.message : String(e)}`,
          ...(code === "ENOENT"
            ? { suggestion: "create it, or pass the path of your kairos.yaml" }
            : {}),
        },
      ],
      { cause: e },
    );
  }
  return parseConfig(text, file, env);
}

const CRON_FIELDS_5: readonly CronField[] = ["minute", "hour", "dayOfMonth", "month", "dayOfWeek"];
const CRON_FIELDS_6: readonly CronField[] = ["second", ...CRON_FIELDS_5];

/**
 * Where one field of the cron expression at `path` is written, so an error points at it
 * (`"0 25 * * *"` -> the `25`). Undefined when the source text is not the value verbatim
 * (escapes, interpolation) or the expression is not 5 or 6 fields.
 */
function cronFieldOffset(
  doc: Document,
  text: string,
  path: (string | number)[],
  field: CronField,
): number | undefined {
  const node = doc.getIn(path, true);
  if (!isScalar(node) || typeof node.value !== "string" || !node.range) return undefined;
  const raw = text.slice(node.range[0], node.range[1]);
  const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
  const inner = quoted ? raw.slice(1, -1) : raw;
  if (inner !== node.value) return undefined;
  const tokens = [...inner.matchAll(/\S+/g)];
  const names = tokens.length === 6 ? CRON_FIELDS_6 : tokens.length === 5 ? CRON_FIELDS_5 : null;
  const index = names?.indexOf(field) ?? -1;
  const token = tokens[index];
  if (token === undefined) return undefined;
  return node.range[0] + (quoted ? 1 : 0) + token.index;
}

/** The first line of a yaml error message, without its trailing "at line N, column M:". */
function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?\s*$/, "");
}

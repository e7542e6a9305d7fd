/**
 * @module stores/postgres/identifiers
 * Names the PostgreSQL store derives from its schema name: the quoted schema identifier used in
 * SQL text, the LISTEN/NOTIFY channel, and advisory-lock keys.
 *
 * The schema name is the only identifier ever interpolated into SQL text; everything else is a
 * bound parameter. It is validated against `SCHEMA_NAME` (lower-case letters, digits and `_`,
 * not starting with a digit, at most 63 bytes) before use, so quoting it cannot be escaped.
 *
 * Advisory-lock keys are 64-bit, taken from SHA-256 of (schema, purpose, name): two schemas on
 * one database never share a lock, and the purposes (migrations, leadership, per-key claims,
 * bounded queues) never collide with each other in practice.
 */
import { createHash } from "node:crypto";
import { ValidationError } from "../../core/errors.js";

/** The schema used when none is given. */
export const DEFAULT_SCHEMA = "kairos";

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `name` when it is a valid schema name; throws ValidationError otherwise. */
export function validateSchemaName(name: string): string {
  if (!SCHEMA_NAME.test(name) || name.startsWith("pg_")) {
    throw new ValidationError(
      `invalid PostgreSQL schema name ${JSON.stringify(name)}: use 1-63 lower-case letters, ` +
        `digits and "_", starting with a letter or "_" and not with "pg_" (e.g. "kairos")`,
    );
  }
  return name;
}

/** The schema as a quoted SQL identifier, for SQL text (`${s}.jobs`). Validates first. */
export function quoteSchema(name: string): string {
  return `"${validateSchemaName(name)}"`;
}

/**
 * The LISTEN/NOTIFY channel of a schema: `kairos_<schema>`, or, when that exceeds PostgreSQL's
 * 63-byte identifier limit, a prefix of it plus a hash of the schema (still unique per schema).
 */
export function notifyChannel(schema: string): string {
  const plain = `kairos_${validateSchemaName(schema)}`;
  if (plain.length <= 63) return plain;
  const hash = createHash("sha256").update(schema).digest("hex").slice(0, 12);
  return `${plain.slice(0, 50)}_${hash}`;
}

/** What an advisory lock protects. */
export type AdvisoryPurpose = "migrate" | "leader" | "concurrency_key" | "pending" | (string & {});

/**
 * A signed 64-bit advisory-lock key, as a decimal string (bind it as `$n::bigint`), for a
 * purpose within a schema and an optional name (a concurrency key, a function name).
 */
export function advisoryKey(schema: string, purpose: AdvisoryPurpose, name = ""): string {
  const digest = createHash("sha256").update(`kairos\0${schema}\0${purpose}\0${name}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * The (classid, objid) pair under which `pg_locks` shows a bigint advisory lock (with
 * objsubid = 1): the high and the low 32 bits of the key, as unsigned numbers.
 */
export function advisoryLockIds(key: string): { classid: number; objid: number } {
  const unsigned = BigInt.asUintN(64, BigInt(key));
  return { classid: Number(unsigned >> 32n), objid: Number(unsigned & 0xffffffffn) };
}

/**
 * @module stores/sqlite/disk-full
 * Recognising a full disk behind SQLite's errors. SQLite reports it as SQLITE_FULL on most
 * writes, but as an I/O error when the shared-memory index or the WAL cannot grow (at open, a
 * full disk shows as `SQLITE_IOERR_SHMSIZE: disk I/O error`). SQLite does not expose errno, so
 * for the I/O error family the file system is asked how much space is left: none (under
 * `LOW_SPACE_BYTES`) means the error is the disk being full (what errno would say: ENOSPC).
 */
import fs from "node:fs";
import path from "node:path";
import { StoreDiskFullError } from "../../core/errors.js";

/** Always a full disk (or a database at its max_page_count, reported the same way by SQLite). */
const FULL_CODES = new Set(["SQLITE_FULL"]);

/** I/O errors that are a full disk when the file system has no space left. */
const SPACE_IO_CODES = new Set([
  "SQLITE_IOERR_SHMSIZE",
  "SQLITE_IOERR_SHMMAP",
  "SQLITE_IOERR_WRITE",
  "SQLITE_IOERR_FSYNC",
  "SQLITE_IOERR_DIR_FSYNC",
  "SQLITE_IOERR_TRUNCATE",
  "SQLITE_IOERR",
]);

/** Below this many free bytes a failed write is taken for a full disk. */
export const LOW_SPACE_BYTES = 1024 * 1024;

/** Free bytes (for unprivileged users) on the file system holding `dir`; null if unknown. */
export type FreeSpaceProbe = (dir: string) => number | null;

/** `fs.statfsSync`'s answer for `dir`, or null when it cannot be asked. */
export const statfsFreeBytes: FreeSpaceProbe = (dir) => {
  try {
    const stats = fs.statfsSync(dir);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return null;
  }
};

/**
 * True when an error with SQLite result code `code` means the disk is full, given the free
 * bytes left on its file system (`null`: unknown). Pure: the decision table of this module.
 */
export function isDiskFullCode(code: unknown, freeBytes: number | null): boolean {
  if (typeof code !== "string") return false;
  if (FULL_CODES.has(code)) return true;
  return SPACE_IO_CODES.has(code) && freeBytes !== null && freeBytes < LOW_SPACE_BYTES;
}

/**
 * A StoreDiskFullError for `error` when it is SQLite saying the disk holding `file` is full
 * (see `isDiskFullCode`); null otherwise, and always for an in-memory database. The message
 * says what happened, where, and what to do.
 */
export function diskFullError(
  operation: string,
  error: unknown,
  file: string | undefined,
  freeSpace: FreeSpaceProbe = statfsFreeBytes,
): StoreDiskFullError | null {
  if (file === undefined || file === "" || file === ":memory:") return null;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !(FULL_CODES.has(code) || SPACE_IO_CODES.has(code))) {
    return null;
  }
  const where = path.resolve(file);
  if (!isDiskFullCode(code, FULL_CODES.has(code) ? null : freeSpace(path.dirname(where)))) {
    return null;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreDiskFullError(
    where,
    `the disk holding the SQLite store ${where} is full: ${operation} failed (${code}: ${detail}) ` +
      `and nothing was written; free space on that file system (or move the store to another ` +
      `disk), then retry`,
    { cause: error },
  );
}

/**
 * A full disk under the SQLite store (issue 8 item 17) is reported as StoreDiskFullError
 * (`STORE_DISK_FULL`) naming the file, at open and on writes, instead of
 * `SQLITE_IOERR_SHMSIZE: disk I/O error`. The mapping is tested as a table; the real thing on a
 * tiny tmpfs when the tests run as root (mounting needs it), skipped with a message otherwise.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreDiskFullError, StoreError } from "../../src/core/errors.js";
import { newJob } from "../../src/stores/conformance/job-store-fixtures.js";
import {
  LOW_SPACE_BYTES,
  diskFullError,
  isDiskFullCode,
} from "../../src/stores/sqlite/disk-full.js";
import { openSqliteStores } from "../../src/stores/sqlite/index.js";
import { toStoreError } from "../../src/stores/sqlite/sqlite-job-store.js";

function sqliteError(code: string, message = "disk I/O error"): Error {
  return Object.assign(new Error(message), { code });
}

describe("isDiskFullCode", () => {
  it.each([
    ["SQLITE_FULL", null, true],
    ["SQLITE_FULL", 10 * LOW_SPACE_BYTES, true],
    ["SQLITE_IOERR_SHMSIZE", 0, true],
    ["SQLITE_IOERR_WRITE", 4096, true],
    ["SQLITE_IOERR_FSYNC", 0, true],
    ["SQLITE_IOERR_SHMSIZE", 10 * LOW_SPACE_BYTES, false],
    ["SQLITE_IOERR_SHMSIZE", null, false],
    ["SQLITE_BUSY", 0, false],
    ["SQLITE_CORRUPT", 0, false],
    ["ENOSPC", 0, false],
    [undefined, 0, false],
  ] as const)("%s with %s free bytes -> %s", (code, free, expected) => {
    expect(isDiskFullCode(code, free)).toBe(expected);
  });
});

describe("diskFullError / toStoreError", () => {
  it("turns SQLite's open-time SQLITE_IOERR_SHMSIZE on a disk without space into STORE_DISK_FULL naming the file", () => {
    const error = diskFullError(
      "open k.db",
      sqliteError("SQLITE_IOERR_SHMSIZE"),
      "/data/k.db",
      () => 0,
    );
    expect(error).toBeInstanceOf(StoreDiskFullError);
    expect(error?.code).toBe("STORE_DISK_FULL");
    expect(error?.file).toBe("/data/k.db");
    expect(error?.message).toMatch(/^the disk holding the SQLite store \/data\/k\.db is full: /);
    expect(error?.message).toMatch(/SQLITE_IOERR_SHMSIZE: disk I\/O error/);
    expect(error?.message).toMatch(/free space on that file system/);
  });

  it("leaves other errors, in-memory databases and I/O errors with space left alone", () => {
    expect(
      diskFullError("x", sqliteError("SQLITE_IOERR_SHMSIZE"), "/d/k.db", () => 1e12),
    ).toBeNull();
    expect(diskFullError("x", sqliteError("SQLITE_FULL"), ":memory:", () => 0)).toBeNull();
    expect(diskFullError("x", sqliteError("SQLITE_BUSY"), "/d/k.db", () => 0)).toBeNull();
    expect(diskFullError("x", new Error("boom"), "/d/k.db", () => 0)).toBeNull();
  });

  it("toStoreError maps SQLITE_FULL on a write to StoreDiskFullError, other errors to StoreError", () => {
    const full = toStoreError(
      "enqueue",
      sqliteError("SQLITE_FULL", "database or disk is full"),
      "job store",
      "/d/k.db",
    );
    expect(full).toBeInstanceOf(StoreDiskFullError);
    expect(full.message).toContain("/d/k.db is full: enqueue failed (SQLITE_FULL");
    expect(
      toStoreError("enqueue", sqliteError("SQLITE_BUSY"), "job store", "/d/k.db"),
    ).toBeInstanceOf(StoreError);
  });
});

/** Mount a tmpfs of `size` at a new directory; null (and why) when this process cannot. */
function mountTmpfs(size: string): { dir: string } | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: "not root: cannot mount a small tmpfs" };
  // Not tempDir(): that one is removed after each test, and this one is mounted for the file.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-full-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "pipe" });
    return { dir };
  } catch (error) {
    fs.rmdirSync(dir);
    return { skip: `mount failed: ${(error as Error).message.split("\n")[0] ?? ""}` };
  }
}

/** Write zeros to `file` until the file system is full; the descriptor is closed after. */
function fillDisk(file: string): void {
  const fd = fs.openSync(file, "a");
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(64 * 1024));
  } catch {
    try {
      for (;;) fs.writeSync(fd, Buffer.alloc(512));
    } catch {
      // full
    }
  } finally {
    fs.closeSync(fd);
  }
}

const PAD = "x".repeat(8000);

describe("a real full disk (tmpfs)", () => {
  let mounted: { dir: string } | { skip: string };
  beforeAll(() => {
    mounted = mountTmpfs("4m");
    if ("skip" in mounted) console.warn(`\n!!! real full-disk tests SKIPPED: ${mounted.skip}\n`);
  });
  afterAll(() => {
    if (!("dir" in mounted)) return;
    execFileSync("umount", [mounted.dir]);
    fs.rmdirSync(mounted.dir);
  });

  it("reopening a store on a full disk fails with STORE_DISK_FULL naming the file", async (ctx) => {
    if ("skip" in mounted) return ctx.skip();
    const file = path.join(mounted.dir, "open.db");
    await (await openSqliteStores({ path: file })).close();
    const filler = path.join(mounted.dir, "filler-open");
    fillDisk(filler);
    try {
      const open = openSqliteStores({ path: file });
      await expect(open).rejects.toBeInstanceOf(StoreDiskFullError);
      await expect(open).rejects.toMatchObject({ code: "STORE_DISK_FULL", file });
    } finally {
      fs.rmSync(filler);
    }
  });

  it("writes on a full disk fail with STORE_DISK_FULL", async (ctx) => {
    if ("skip" in mounted) return ctx.skip();
    const file = path.join(mounted.dir, "write.db");
    const stores = await openSqliteStores({ path: file });
    const filler = path.join(mounted.dir, "filler-write");
    fillDisk(filler);
    let failure: unknown = null;
    try {
      for (let i = 0; i < 2000 && failure === null; i++) {
        await stores.jobs
          .enqueue([newJob({ payloadJson: `{"i":${i},"p":"${PAD}"}` })], 0)
          .catch((error: unknown) => {
            failure = error;
          });
      }
    } finally {
      fs.rmSync(filler);
      await stores.close().catch(() => undefined);
    }
    expect(failure).toBeInstanceOf(StoreDiskFullError);
    expect(failure).toMatchObject({ code: "STORE_DISK_FULL", file });
  });
});

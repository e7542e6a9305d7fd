/**
 * How the SQLite store opens (issue 8 item 12): a missing directory is created only on request
 * (the default `.kairos/`), and a `mustExist` open never creates a file.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { StoreNotFoundError } from "../../src/core/errors.js";
import { openSqliteStores } from "../../src/stores/sqlite/index.js";
import { openStores } from "../../src/stores/open-store.js";
import { tempDir } from "../helpers/kairos.js";

describe("opening a SQLite store", () => {
  it("refuses a file in a directory that does not exist, naming the directory, and creates nothing", async () => {
    const dir = tempDir();
    const missing = path.join(dir, "no", "such");
    const open = openStores(`sqlite:${missing}/k.db`);
    await expect(open).rejects.toThrow(StoreNotFoundError);
    await expect(open).rejects.toThrow(`the directory ${missing} of the SQLite store`);
    await expect(open).rejects.toMatchObject({ code: "STORE_NOT_FOUND" });
    expect(fs.existsSync(path.join(dir, "no"))).toBe(false);
  });

  it("creates a missing .kairos directory in an existing one, but not its missing parents", async () => {
    const dir = tempDir();
    const stores = await openStores(`sqlite:${dir}/.kairos/k.db`);
    await stores.close();
    expect(fs.existsSync(path.join(dir, ".kairos", "k.db"))).toBe(true);
    await expect(openStores(`sqlite:${dir}/missing/.kairos/k.db`)).rejects.toThrow(
      `the directory ${dir}/missing/.kairos of the SQLite store`,
    );
    expect(fs.existsSync(path.join(dir, "missing"))).toBe(false);
  });

  it("creates the missing directory when asked (what openStores does for .kairos/)", async () => {
    const dir = tempDir();
    const file = path.join(dir, "made", "k.db");
    const stores = await openSqliteStores({ path: file, createDirectory: true });
    await stores.close();
    expect(fs.existsSync(file)).toBe(true);
  });

  it("with mustExist, a missing file is StoreNotFoundError and is not created; an existing one opens", async () => {
    const dir = tempDir();
    const file = path.join(dir, "k.db");
    const open = openStores(`sqlite:${file}`, { mustExist: true });
    await expect(open).rejects.toThrow(new StoreNotFoundError(`no store at ${file}`));
    expect(fs.existsSync(file)).toBe(false);
    await (await openStores(`sqlite:${file}`)).close();
    const again = await openStores(`sqlite:${file}`, { mustExist: true });
    expect(await again.jobs.list({ limit: 1 })).toEqual([]);
    await again.close();
  });
});

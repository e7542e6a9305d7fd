/** Factories for engines under test; every engine made here is stopped after the test. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { createKairos, type CreateKairosOptions, type Kairos } from "../../src/index.js";

const open: Kairos[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((k) => k.stop({ drainMs: 0 })));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** An engine on a fresh in-memory store. */
export async function memoryKairos(options: CreateKairosOptions = {}): Promise<Kairos> {
  const k = await createKairos({ store: "sqlite::memory:", ...options });
  open.push(k);
  return k;
}

/** A fresh temp directory removed after the test. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-test-"));
  dirs.push(dir);
  return dir;
}

/** An engine on an SQLite file (several engines may share one file). */
export async function fileKairos(file: string, options: CreateKairosOptions = {}): Promise<Kairos> {
  const k = await createKairos({ store: `sqlite:${file}`, ...options });
  open.push(k);
  return k;
}

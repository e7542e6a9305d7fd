/**
 * @module runtime/package-version
 * The Kairos version, read once from package.json (two levels up from src/runtime/ and from
 * dist/runtime/); "unknown" when the file cannot be read (a bundled copy).
 */
import fs from "node:fs";

let cached: string | null = null;

/** The version in package.json. */
export function kairosVersion(): string {
  if (cached === null) {
    try {
      const text = fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8");
      cached = (JSON.parse(text) as { version?: string }).version ?? "unknown";
    } catch {
      cached = "unknown";
    }
  }
  return cached;
}

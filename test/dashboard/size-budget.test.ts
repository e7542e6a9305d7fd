import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BUDGET_BYTES, initialJsSize, initialScripts } from "../../scripts/dashboard-size.js";
import { tempDir } from "../helpers/kairos.js";

describe("dashboard size budget", () => {
  it("counts the module scripts and preloads index.html loads at once, not lazy chunks", () => {
    const html = `<script type="module" crossorigin src="/assets/index-a.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/vendor-b.js">
      <link rel="stylesheet" href="/assets/index.css">`;
    expect(initialScripts(html)).toEqual(["/assets/index-a.js", "/assets/vendor-b.js"]);
  });

  it("measures them gzipped, so an incompressible bundle over 250 kB is over budget", async () => {
    const dir = tempDir();
    await mkdir(path.join(dir, "assets"));
    await writeFile(
      path.join(dir, "index.html"),
      '<script type="module" src="/assets/a.js"></script>',
    );
    await writeFile(path.join(dir, "assets/a.js"), randomBytes(BUDGET_BYTES + 1000));
    await writeFile(path.join(dir, "assets/lazy.js"), randomBytes(10));
    const files = await initialJsSize(dir);
    expect(files.map((f) => f.file)).toEqual(["/assets/a.js"]);
    expect(files[0]!.gzip).toBeGreaterThan(BUDGET_BYTES);
  });
});

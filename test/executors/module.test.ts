import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { ModuleLoadError } from "../../src/executors/errors.js";
import { createModuleHandler } from "../../src/executors/module.js";
import { testContext } from "./ctx.js";
import { writeJsFixtures } from "./fixtures/js-modules.js";

/** The TypeScript fixture lives in the repository. */
const tsFixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
/** The JavaScript fixtures are written out for the run (see fixtures/js-modules.ts). */
const fixtures = realpathSync(mkdtempSync(join(tmpdir(), "kairos-module-")));
writeJsFixtures(fixtures);
afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

async function loadFailure(run: Promise<unknown>): Promise<ModuleLoadError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModuleLoadError);
  expect((error as ModuleLoadError).code).toBe("MODULE_LOAD");
  return error as ModuleLoadError;
}

describe("module executor", () => {
  it("runs the default export of a .mjs file in-process with (payload, ctx)", async () => {
    const handler = await createModuleHandler({ file: join(fixtures, "handler.mjs") });
    const { ctx, logs } = testContext({ attempt: 2 });
    expect(await handler({ n: 21 }, ctx)).toEqual({ doubled: 42 });
    expect(logs).toEqual([{ message: "doubling on attempt 2", level: "info" }]);
  });

  it("runs a named export, resolving a relative file against baseDir", async () => {
    const handler = await createModuleHandler({
      file: "handler.mjs",
      export: "echo",
      baseDir: fixtures,
    });
    expect(await handler("hi", testContext().ctx)).toEqual({ echoed: "hi" });
  });

  it("runs a .ts file through tsx, named and default exports", async () => {
    const square = await createModuleHandler({
      file: join(tsFixtures, "handler.ts"),
      export: "square",
    });
    const { ctx, logs } = testContext({ jobId: "job-9" });
    expect(await square({ n: 12 }, ctx)).toEqual({ squared: 144 });
    expect(logs).toEqual([{ message: "squaring for job job-9", level: "info" }]);

    const byDefault = await createModuleHandler({ file: join(tsFixtures, "handler.ts") });
    const { ctx: aborted, controller } = testContext();
    controller.abort();
    expect(await byDefault({}, aborted)).toEqual({ aborted: true }); // the same ctx.signal
  });

  it("runs the default export of a CommonJS file compiled from ESM", async () => {
    const handler = await createModuleHandler({ file: join(fixtures, "handler.cjs") });
    expect(await handler({ n: 5 }, testContext().ctx)).toEqual({ tripled: 15 });
  });

  it("fails when the export is missing, listing the exports there are", async () => {
    const error = await loadFailure(
      createModuleHandler({ file: join(fixtures, "handler.mjs"), export: "nope" }),
    );
    expect(error.exportName).toBe("nope");
    expect(error.message).toBe(
      `module ${join(fixtures, "handler.mjs")} has no export "nope"; it exports "default", "echo", "notAFunction"`,
    );
  });

  it("fails when the export is not a function", async () => {
    const error = await loadFailure(
      createModuleHandler({ file: join(fixtures, "handler.mjs"), export: "notAFunction" }),
    );
    expect(error.message).toBe(
      `export "notAFunction" of module ${join(fixtures, "handler.mjs")} is a number, not a function; export a handler (payload, ctx) => result`,
    );
  });

  it("fails when the file does not exist, saying what it was resolved against", async () => {
    const error = await loadFailure(
      createModuleHandler({ file: "missing.mjs", baseDir: fixtures }),
    );
    expect(error.file).toBe(join(fixtures, "missing.mjs"));
    expect(error.message).toBe(
      `module file ${join(fixtures, "missing.mjs")} does not exist ("missing.mjs" resolved against ${fixtures})`,
    );
  });

  it("fails when the module throws while loading, keeping the cause", async () => {
    const error = await loadFailure(createModuleHandler({ file: join(fixtures, "broken.mjs") }));
    expect(error.message).toBe(
      `could not load module ${join(fixtures, "broken.mjs")}: top-level boom`,
    );
    expect((error.cause as Error).message).toBe("top-level boom");
  });

  it("fails for a file that is not a JS or TS module", async () => {
    const error = await loadFailure(
      createModuleHandler({ file: join(tsFixtures, "..", "ctx.json") }),
    );
    expect(error.message).toMatch(
      /has extension "\.json"; a module function must be a \.js, \.mjs/,
    );
  });

  it("rejects a malformed spec", async () => {
    await expect(createModuleHandler({ file: "" })).rejects.toThrow(ValidationError);
    await expect(createModuleHandler({ file: "x.mjs", export: "" })).rejects.toThrow(
      /export must be a non-empty name/,
    );
  });
});

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { createExecutorHandler, type ExecutorSpec } from "../../src/executors/index.js";
import { testContext } from "./ctx.js";
import { writeJsFixtures } from "./fixtures/js-modules.js";

const fixtures = mkdtempSync(join(tmpdir(), "kairos-executors-"));
let server: Server;
let url: string;

beforeAll(async () => {
  writeJsFixtures(fixtures);
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  rmSync(fixtures, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("createExecutorHandler", () => {
  it("builds the executor named by kind", async () => {
    const specs: [ExecutorSpec, unknown][] = [
      [
        { kind: "http", url },
        { status: 200, body: { n: 4 } },
      ],
      [
        { kind: "command", command: [process.execPath, "-e", "process.stdout.write('ok')"] },
        { exitCode: 0, stdout: "ok", stderr: "" },
      ],
      [{ kind: "module", file: "handler.mjs", baseDir: fixtures }, { doubled: 8 }],
    ];
    for (const [spec, expected] of specs) {
      const handler = await createExecutorHandler(spec);
      expect(await handler({ n: 4 }, testContext().ctx)).toEqual(expected);
    }
  });

  it("rejects an unknown kind", async () => {
    await expect(
      createExecutorHandler({ kind: "shell", command: "rm -rf /" } as unknown as ExecutorSpec),
    ).rejects.toThrow(ValidationError);
  });
});

/**
 * parseConfig on valid files (what it resolves) and loadConfig. Error reporting and retention
 * are in load-errors.test.ts.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { DeclaredConfig } from "../core/reconcile/index.js";
import { loadConfig, parseConfig } from "./load.js";

const FILE = "/project/kairos.yaml";

describe("parseConfig: a valid file", () => {
  const text = `
store: sqlite:.kairos/test.db
functions:
  - name: send-report
    kind: command
    command: ["node", "scripts/report.js"]
    env: { REPORT_TOKEN: "\${REPORT_TOKEN}", LITERAL: "$\${NOT_A_VAR}", PORT: 8080 }
    cwd: ./scripts
    timeout: 30s
    retries: 2
    backoff: { type: exponential, delay: 1s, maxDelay: 1m, jitter: 0.1 }
    concurrency: { key: "report-{region}" }
    maxPending: 100
    priority: 5
    schedules:
      - name: nightly
        cron: "0 3 * * *"
        timezone: Europe/Paris
        payload: { region: eu, days: [1, 2] }
      - name: every-30s
        every: 30s
        enabled: false
        pauseNote: "waiting for the new API"
        overlap: buffer_all
        bufferLimit: 3
        catchup: all
        catchupWindow: 2h
        jitter: 5s
  - name: hook
    kind: http
    url: https://example.com/hooks/\${HOOK_PATH}
    headers: { authorization: "Bearer \${HOOK_TOKEN}" }
    schedules:
      - name: once
        at: 2026-12-01T09:00:00Z
  - name: mod
    kind: module
    file: ../handlers/mod.ts
`;
  const env = { REPORT_TOKEN: "s3cret", HOOK_PATH: "report", HOOK_TOKEN: "tok" };
  const config = parseConfig(text, FILE, env);

  it("is what the reconcile planner takes", () => {
    const declared: DeclaredConfig = config;
    expect(declared.functions).toHaveLength(3);
  });

  it("resolves paths against the file's directory", () => {
    expect(config.file).toBe(FILE);
    expect(config.dir).toBe("/project");
    expect(config.store).toBe("sqlite:.kairos/test.db");
  });

  it("resolves a command function: env interpolated, cwd absolute, options in runtime units", () => {
    const fn = config.functions[0]!;
    expect(fn).toEqual({
      name: "send-report",
      kind: "command",
      executor: {
        command: ["node", "scripts/report.js"],
        env: { REPORT_TOKEN: "s3cret", LITERAL: "${NOT_A_VAR}", PORT: "8080" },
        cwd: "/project/scripts",
        timeoutMs: 30_000,
      },
      options: {
        maxAttempts: 3,
        backoff: { type: "exponential", delayMs: 1000, factor: 2, maxDelayMs: 60_000, jitter: 0.1 },
        timeoutMs: 30_000,
        concurrency: { keyTemplate: "report-{region}", limit: 1 },
        maxPending: 100,
        priority: 5,
      },
    });
  });

  it("resolves http and module functions with their defaults", () => {
    expect(config.functions[1]).toEqual({
      name: "hook",
      kind: "http",
      executor: {
        url: "https://example.com/hooks/report",
        method: "POST",
        headers: { authorization: "Bearer tok" },
        timeoutMs: null,
      },
      options: {},
    });
    expect(config.functions[2]).toEqual({
      name: "mod",
      kind: "module",
      executor: { file: "/handlers/mod.ts", export: "default" },
      options: {},
    });
  });

  it("applies schedule defaults and records which fields the file states", () => {
    const [nightly, every, once] = config.schedules;
    expect(nightly!.declaration).toEqual({
      name: "nightly",
      fn: "send-report",
      timing: { kind: "cron", cron: "0 3 * * *", timezone: "Europe/Paris" },
      payloadJson: '{"days":[1,2],"region":"eu"}',
      enabled: true,
      pauseNote: null,
      overlap: "skip",
      bufferLimit: 10,
      catchup: "latest",
      catchupWindowMs: 3_600_000,
      jitterMs: 0,
      source: "config",
    });
    expect([...nightly!.declared].sort()).toEqual([
      "fn",
      "name",
      "payloadJson",
      "source",
      "timing",
    ]);
    expect(nightly!.line).toBe(16);

    expect(every!.declaration).toMatchObject({
      timing: { kind: "every", everyMs: 30_000 },
      payloadJson: "{}",
      enabled: false,
      pauseNote: "waiting for the new API",
      overlap: "buffer_all",
      bufferLimit: 3,
      catchup: "all",
      catchupWindowMs: 7_200_000,
      jitterMs: 5_000,
    });
    expect(every!.declared.has("payloadJson")).toBe(false);
    expect(every!.declared.has("enabled")).toBe(true);

    expect(once!.declaration.timing).toEqual({ kind: "at", at: Date.UTC(2026, 11, 1, 9) });
    expect(once!.declaration.fn).toBe("hook");
  });

  it("accepts a file with only a store, and no functions", () => {
    expect(parseConfig('store: "sqlite::memory:"\n', FILE, {})).toMatchObject({
      store: "sqlite::memory:",
      functions: [],
      schedules: [],
    });
  });
});

describe("loadConfig", () => {
  it("reads the file and resolves paths against its directory", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "kairos-config-"));
    const file = path.join(dir, "kairos.yaml");
    await writeFile(file, "functions:\n  - { name: a, kind: command, command: [ls] }\n");
    const config = await loadConfig(file, {});
    expect(config.dir).toBe(dir);
    expect(config.functions[0]!.executor).toMatchObject({ cwd: dir });
  });

  it("throws a ConfigError for a missing file", async () => {
    await expect(loadConfig("/nonexistent/kairos.yaml", {})).rejects.toMatchObject({
      code: "VALIDATION",
      issues: [
        { file: "/nonexistent/kairos.yaml", line: 1, column: 1, message: "config file not found" },
      ],
    });
  });
});

/**
 * parseConfig's error reporting (file:line:column, the field path and a hint), and retention,
 * whose resolution and errors share one fixture file.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { ConfigError, type ConfigIssue } from "./errors.js";
import { parseConfig } from "./load.js";

const FILE = "/project/kairos.yaml";

function issuesOf(text: string, env: Record<string, string> = {}): ConfigIssue[] {
  try {
    parseConfig(text, FILE, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).issues];
  }
  throw new Error("expected a ConfigError");
}

function onlyIssue(text: string, env: Record<string, string> = {}): ConfigIssue {
  const issues = issuesOf(text, env);
  expect(issues, JSON.stringify(issues, null, 2)).toHaveLength(1);
  return issues[0]!;
}

/** A file with one command function and the given schedule lines (indented 6). */
function withSchedule(...lines: string[]): string {
  return [
    "functions:",
    "  - name: report",
    "    kind: command",
    '    command: ["node", "report.js"]',
    "    schedules:",
    ...lines.map((l, i) => (i === 0 ? `      - ${l}` : `        ${l}`)),
    "",
  ].join("\n");
}

describe("parseConfig: errors carry file:line:column, the field path and a hint", () => {
  it("reports YAML syntax errors with their position", () => {
    const issue = onlyIssue("functions:\n  - name: a\n    command: [1, 2\n");
    expect(issue).toMatchObject({ file: FILE, path: "" });
    expect(issue.line).toBeGreaterThanOrEqual(3);
    expect(issue.message).toMatch(/^YAML syntax error: /);
  });

  it("reports a YAML duplicate key", () => {
    const issue = onlyIssue("store: a\nstore: b\n");
    expect(issue).toMatchObject({ line: 2, column: 1 });
    expect(issue.message).toMatch(/unique/i);
  });

  it("reports an unknown key at the key, with a did-you-mean", () => {
    const issue = onlyIssue(withSchedule("name: n", 'cron: "0 3 * * *"', "timeZone: UTC"));
    expect(issue).toMatchObject({
      line: 8,
      column: 9,
      path: "functions[0].schedules[0].timeZone",
      message: 'unknown key "timeZone"',
      suggestion: 'did you mean "timezone"?',
    });
  });

  it("says which kind owns a key given to another kind, and lists keys when nothing is close", () => {
    const text = [
      "functions:",
      "  - name: a",
      "    kind: command",
      '    command: ["true"]',
      "    url: https://example.com",
      "    zzzzzzzz: 1",
      "",
    ].join("\n");
    const [url, other] = issuesOf(text);
    expect(url).toMatchObject({
      path: "functions[0].url",
      line: 5,
      suggestion: '"url" is a field of kind http functions',
    });
    expect(other!.suggestion).toMatch(/^allowed keys: kind, command, env, cwd, name/);
  });

  it("rejects a command given as a string and shows the argv form", () => {
    const text =
      "functions:\n  - name: a\n    kind: command\n    command: node scripts/report.js\n";
    const issue = onlyIssue(text);
    expect(issue).toMatchObject({ line: 4, column: 14, path: "functions[0].command" });
    expect(issue.message).toMatch(/argv array/);
    expect(issue.suggestion).toBe('use an argv array, e.g. ["node", "scripts/report.js"]');
  });

  it("rejects a bad cron expression, naming the field that is wrong", () => {
    const issue = onlyIssue(withSchedule("name: n", 'cron: "0 25 * * *"'));
    expect(issue).toMatchObject({ line: 7, column: 18, path: "functions[0].schedules[0].cron" });
    expect(issue.message).toMatch(/hour/i);
  });

  it("rejects a cron expression that can never fire", () => {
    const issue = onlyIssue(withSchedule("name: n", 'cron: "0 0 30 2 *"'));
    expect(issue.path).toBe("functions[0].schedules[0].cron");
    expect(issue.message).toMatch(/never/i);
  });

  it("rejects an unknown time zone, suggesting the closest", () => {
    const issue = onlyIssue(
      withSchedule("name: n", 'cron: "0 3 * * *"', "timezone: Europe/Pariss"),
    );
    expect(issue).toMatchObject({
      line: 8,
      column: 19,
      path: "functions[0].schedules[0].timezone",
      suggestion: 'did you mean "Europe/Paris"?',
    });
  });

  it("rejects a timezone on a non-cron schedule", () => {
    const issue = onlyIssue(withSchedule("name: n", "every: 1m", "timezone: UTC"));
    expect(issue).toMatchObject({ path: "functions[0].schedules[0].timezone", line: 8 });
  });

  it("reports an unset ${VAR} at its position, and accepts $${ as a literal", () => {
    const text = [
      "functions:",
      "  - name: a",
      "    kind: http",
      '    url: "https://example.com/$${x}/${HOOK_HOST}"',
      "",
    ].join("\n");
    const issue = onlyIssue(text);
    expect(issue).toMatchObject({
      line: 4,
      column: 37,
      path: "functions[0].url",
      message: "environment variable HOOK_HOST is not set",
    });
    const ok = parseConfig(text, FILE, { HOOK_HOST: "h" });
    expect(ok.functions[0]!.executor).toMatchObject({ url: "https://example.com/${x}/h" });
  });

  it("reports a duplicate function name at the second, naming the first's line", () => {
    const text = [
      "functions:",
      "  - name: a",
      "    kind: module",
      "    file: a.js",
      "  - name: a",
      "    kind: module",
      "    file: b.js",
      "",
    ].join("\n");
    const issue = onlyIssue(text);
    expect(issue).toMatchObject({ line: 5, column: 11, path: "functions[1].name" });
    expect(issue.message).toBe('duplicate function name "a" (first declared at line 2)');
  });

  it("reports a duplicate schedule name across functions", () => {
    const text = [
      "functions:",
      "  - name: a",
      "    kind: module",
      "    file: a.js",
      "    schedules:",
      "      - { name: s, every: 1m }",
      "  - name: b",
      "    kind: module",
      "    file: b.js",
      "    schedules:",
      "      - name: s",
      "        every: 1m",
      "",
    ].join("\n");
    const issue = onlyIssue(text);
    expect(issue).toMatchObject({ line: 11, path: "functions[1].schedules[0].name" });
    expect(issue.message).toBe('duplicate schedule name "s" (first declared at line 6)');
  });

  it("rejects two timings on one schedule, at the second", () => {
    const issue = onlyIssue(withSchedule("name: n", 'cron: "0 3 * * *"', "every: 1m"));
    expect(issue).toMatchObject({ line: 8, column: 9, path: "functions[0].schedules[0].every" });
    expect(issue.message).toMatch(/exactly one of "cron", "every" or "at"/);
  });

  it("rejects a schedule with no timing", () => {
    const issue = onlyIssue(withSchedule("name: n", "payload: {}"));
    expect(issue).toMatchObject({ line: 6, column: 9, path: "functions[0].schedules[0]" });
    expect(issue.message).toMatch(/no timing/);
  });

  it("reports a missing or misspelt kind", () => {
    const missing = onlyIssue('functions:\n  - name: a\n    command: ["x"]\n');
    expect(missing).toMatchObject({
      path: "functions[0].kind",
      line: 2,
      suggestion: 'add "kind: command"',
    });
    const typo = onlyIssue("functions:\n  - name: a\n    kind: htp\n    url: https://x.y\n");
    expect(typo).toMatchObject({ line: 3, column: 11, suggestion: 'did you mean "http"?' });
  });

  it("reports bad enum values, durations, instants and names", () => {
    const issues = issuesOf(
      withSchedule(
        "name: bad name",
        "every: 5 parsecs",
        "overlap: skipp",
        "catchup: latest",
        "jitter: -1",
      ),
    );
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(Object.keys(byPath).sort()).toEqual([
      "functions[0].schedules[0].every",
      "functions[0].schedules[0].jitter",
      "functions[0].schedules[0].name",
      "functions[0].schedules[0].overlap",
    ]);
    expect(byPath["functions[0].schedules[0].overlap"]!.suggestion).toBe('did you mean "skip"?');
    const at = onlyIssue(withSchedule("name: n", "at: 2026-12-01T09:00:00"));
    expect(at.suggestion).toBe('say which zone it is in, e.g. "2026-12-01T09:00:00Z" for UTC');
  });

  it("collects every problem of the file and lists them one per line in the message", () => {
    const text = [
      "stor: x",
      "functions:",
      "  - name: a",
      "    kind: command",
      "    command: run.sh",
      "    schedules:",
      '      - { name: s, cron: "61 * * * *" }',
      "",
    ].join("\n");
    let error: unknown;
    try {
      parseConfig(text, "kairos.yaml", {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(ValidationError);
    const ce = error as ConfigError;
    expect(ce.code).toBe("VALIDATION");
    expect(ce.issues.map((i) => i.line)).toEqual([1, 5, 7]);
    const lines = ce.message.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      'kairos.yaml:1:1: stor: unknown key "stor" (hint: did you mean "store"?)',
    );
    expect(lines[1]).toMatch(
      /^kairos\.yaml:5:14: functions\[0\]\.command: .* \(hint: use an argv array/,
    );
    expect(lines[2]).toMatch(/^kairos\.yaml:7:\d+: functions\[0\]\.schedules\[0\]\.cron: /);
  });

  it("caps retries at 999 (1000 attempts in all), naming the line", () => {
    const text = [
      "functions:",
      "  - name: f",
      "    kind: command",
      '    command: ["true"]',
      "    retries: 1000000000",
      "",
    ].join("\n");
    const issue = onlyIssue(text);
    expect(issue).toMatchObject({ line: 5, path: "functions[0].retries" });
    expect(issue.message).toMatch(/<= 999, got 1000000000/);
    expect(() => parseConfig(text.replace("1000000000", "999"), FILE, {})).not.toThrow();
  });

  it("refuses a schedule payload over its function's maxPayloadBytes at load, naming the line", () => {
    const text = [
      "functions:",
      "  - name: f",
      "    kind: command",
      '    command: ["true"]',
      "    maxPayloadBytes: 20",
      "    schedules:",
      "      - name: s",
      "        every: 1h",
      '        payload: { region: "a-region-name-far-too-long" }',
      "",
    ].join("\n");
    const issue = onlyIssue(text);
    expect(issue).toMatchObject({ line: 9, path: "functions[0].schedules[0].payload" });
    expect(issue.message).toMatch(/over the limit of 20 bytes/);
    expect(() => parseConfig(text.replace("20", "200"), FILE, {})).not.toThrow();
  });

  it("refuses a schedule payload over the file's top-level maxPayloadBytes", () => {
    const text = [
      "maxPayloadBytes: 10",
      ...withSchedule("name: s", "every: 1h", "payload: { region: eu-west }").split("\n"),
    ].join("\n");
    expect(onlyIssue(text)).toMatchObject({ path: "functions[0].schedules[0].payload" });
  });

  it("rejects an empty file and a file that is not a mapping", () => {
    expect(onlyIssue("# nothing\n").message).toMatch(/empty/);
    expect(onlyIssue("- a\n- b\n").message).toBe("expected a mapping, got a list");
  });

  it("rejects a payload JSON cannot hold", () => {
    const issue = onlyIssue(withSchedule("name: n", "every: 1m", "payload: { x: .inf }"));
    expect(issue.path).toBe("functions[0].schedules[0].payload");
  });
});

describe("parseConfig: retention", () => {
  const file = (top: string, fnLines: string[]) =>
    [
      ...(top === "" ? [] : [top]),
      "functions:",
      ...["audit", "report", "email"].map((name, i) =>
        [
          `  - name: ${name}`,
          "    kind: command",
          '    command: ["node", "x.js"]',
          ...(fnLines[i] ? [`    ${fnLines[i]}`] : []),
        ].join("\n"),
      ),
      "",
    ].join("\n");

  it("resolves the top-level and per-function retention to ms, null for forever", () => {
    const config = parseConfig(
      file("retention: 14d", ["retention: forever", "retention: 30d"]),
      FILE,
      {},
    );
    expect(config.retentionMs).toBe(14 * 86_400_000);
    expect(config.functions.map((f) => f.options.retentionMs)).toEqual([
      null,
      30 * 86_400_000,
      undefined,
    ]);
    expect(parseConfig(file("retention: forever", []), FILE, {}).retentionMs).toBeNull();
    expect(parseConfig(file("retention: 3600000", []), FILE, {}).retentionMs).toBe(3_600_000);
    expect("retentionMs" in parseConfig(file("", []), FILE, {})).toBe(false);
  });

  it("reports a bad retention at its line, with a hint", () => {
    const top = onlyIssue(file("retention: 7 days", []));
    expect(top).toMatchObject({ path: "retention", line: 1 });
    expect(top.message).toMatch(/not a duration/);
    expect(top.suggestion).toMatch(/"forever"/);
    const fn = onlyIssue(file("", ["", "retention: 0s"]));
    expect(fn).toMatchObject({ path: "functions[1].retention", line: 8 });
    expect(fn.message).toMatch(/longer than 0/);
    expect(onlyIssue(file("retention: true", [])).message).toMatch(/"forever"/);
  });
});

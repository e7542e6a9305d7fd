/** The `kubernetes` blocks of kairos.yaml: errors at file:line like the rest of the file. */
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/index.js";

function issuesOf(text: string): string[] {
  try {
    parseConfig(text, "kairos.yaml", {});
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message.split("\n");
  }
  throw new Error("expected a ConfigError");
}

describe("kubernetes config", () => {
  it("requires an image for a function in mode run, at its line", () => {
    const lines = issuesOf(`functions:
  - name: f
    kind: command
    command: ["true"]
    kubernetes:
      mode: run
`);
    expect(lines.join("\n")).toMatch(
      /kairos\.yaml:6:\d+: functions\[0\]\.kubernetes: mode run needs the image/,
    );
  });

  it("suggests the right key in a function's kubernetes block", () => {
    const lines = issuesOf(`functions:
  - name: f
    kind: command
    command: ["true"]
    kubernetes: { imag: "x" }
`);
    expect(lines.join("\n")).toContain('did you mean "image"?');
  });

  it("resolves both blocks as written", () => {
    const config = parseConfig(
      `kubernetes: { namespace: ops, mode: run }
functions:
  - name: f
    kind: command
    command: ["true"]
    kubernetes: { mode: trigger }
`,
      "kairos.yaml",
      {},
    );
    expect(config.kubernetes).toEqual({
      namespace: "ops",
      mode: "run",
      functions: { f: { mode: "trigger" } },
    });
  });
});

/** referencedVariables: the ${NAME}s a kairos.yaml's values reference (what a remote apply sends). */
import { describe, expect, it } from "vitest";
import { referencedVariables } from "./interpolate.js";

describe("referencedVariables", () => {
  it("lists each variable a value references once, sorted", () => {
    const text = [
      "functions:",
      "  - name: a",
      '    env: { TOKEN: "${REPORT_TOKEN}", B: "x-${HOST}-${REPORT_TOKEN}" }',
      "    url: https://${HOST}/path",
    ].join("\n");
    expect(referencedVariables(text)).toEqual(["HOST", "REPORT_TOKEN"]);
  });

  it("skips escaped $${NAME}, keys, comments and malformed references", () => {
    const text = [
      "# ${IN_COMMENT}",
      "${KEY_NAME}: 1",
      'a: "$${LITERAL}"',
      'b: "${not valid}"',
      'c: "${UNTERMINATED"',
      'd: "${OK_1}"',
    ].join("\n");
    expect(referencedVariables(text)).toEqual(["OK_1"]);
  });

  it("is empty for a file without references", () => {
    expect(referencedVariables("store: sqlite:.kairos/x.db\n")).toEqual([]);
  });
});

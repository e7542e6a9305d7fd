/**
 * What `kairos apply` posts to its client: the file's text, the values of only the variables
 * it references, and its name (absolute locally, the base name for a server).
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { configSource } from "../../src/cli/commands/apply.js";
import { tempDir } from "../helpers/kairos.js";

const TEXT = `functions:
  - name: a
    kind: command
    command: ["node", "-e", "1"]
    env: { TOKEN: "\${API_TOKEN}", HOST: "\${API_HOST}", LIT: "$\${NOT_SENT}" }
`;

describe("apply's config source", () => {
  let file: string;
  beforeEach(() => {
    file = path.join(tempDir(), "kairos.yaml");
    fs.writeFileSync(file, TEXT);
  });
  const env = { API_TOKEN: "s3cret", API_HOST: "", OTHER_SECRET: "never sent", NOT_SENT: "x" };

  it("sends the values of exactly the variables the file references", async () => {
    const source = await configSource({ file }, { kind: "local" }, env);
    expect(source.text).toBe(TEXT);
    expect(source.vars).toEqual({ API_HOST: "", API_TOKEN: "s3cret" });
  });

  it("names the file by its absolute path locally and by its base name for a server", async () => {
    expect((await configSource({ file }, { kind: "local" }, env)).file).toBe(file);
    expect((await configSource({ file }, { kind: "remote" }, env)).file).toBe("kairos.yaml");
  });

  it("leaves out a referenced variable that is not set (the server reports it)", async () => {
    expect((await configSource({ file }, { kind: "remote" }, { API_TOKEN: "t" })).vars).toEqual({
      API_TOKEN: "t",
    });
  });
});

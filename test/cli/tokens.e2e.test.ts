/**
 * `kairos tokens create|list|revoke` against a local store (how a server's auth is
 * bootstrapped). Real `kairos` processes in a temp directory.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/kairos.js";
import { runKairos as kairos } from "../helpers/cli.js";

let dir: string;
beforeEach(() => {
  dir = tempDir();
});

describe("kairos tokens: flags", { timeout: 120_000 }, () => {
  it("create without a valid --scope is a usage error (exit 2) that names the scopes", async () => {
    const r = await kairos(dir, ["tokens", "create", "--scope", "admin"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--scope must be read or write, got "admin"/);
  });
});

describe("kairos tokens", { timeout: 180_000 }, () => {
  it("create prints the token once, with a warning on stderr that it is shown only once", async () => {
    const r = await kairos(dir, ["tokens", "create", "--scope", "write", "--name", "deploy"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^created token \S+ \(deploy, scope write\):\n {2}kairos_\S+\n$/);
    expect(r.stderr).toMatch(/warning: the token is shown only this once/);
  });

  it("create --json prints { token, id, name, scope, createdAt }; the default name is token-ID", async () => {
    const r = await kairos(dir, ["tokens", "create", "--scope", "read", "--json"]);
    expect(r.code).toBe(0);
    const created = JSON.parse(r.stdout) as Record<string, string>;
    expect(Object.keys(created)).toEqual(["token", "id", "name", "scope", "createdAt"]);
    expect(created.token).toMatch(new RegExp(`^kairos_${created.id}_`));
    expect(created).toMatchObject({ name: `token-${created.id}`, scope: "read" });
  });

  // Once a token exists a server requires one: later calls send a write token, as a user
  // would (harmless against a local store, which never asks).
  it("list shows every token without a secret; revoke marks one revoked", async () => {
    const admin = await createWrite("admin");
    const created = JSON.parse(
      (
        await kairos(dir, ["tokens", "create", "--scope", "write", "--name", "ci", "--json"], {
          KAIROS_TOKEN: admin,
        })
      ).stdout,
    ) as { token: string; id: string };
    const auth = { KAIROS_TOKEN: admin };
    const list = await kairos(dir, ["tokens", "list"], auth);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+SCOPE\s+CREATED\s+LAST USED\s+REVOKED/);
    expect(list.stdout).toMatch(new RegExp(`${created.id}\\s+ci\\s+write\\s+\\S+\\s+-\\s+-`));
    expect(list.stdout).not.toContain(created.token);

    const revoked = await kairos(dir, ["tokens", "revoke", created.id, "--json"], auth);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id: created.id, name: "ci" });
    const after = JSON.parse((await kairos(dir, ["tokens", "list", "--json"], auth)).stdout) as {
      id: string;
      name: string;
      revokedAt: string | null;
    }[];
    expect(after.map((t) => t.name)).toEqual(["admin", "ci"]);
    expect(after[0]!.revokedAt).toBeNull();
    expect(after[1]).toMatchObject({ id: created.id });
    expect(after[1]!.revokedAt).toMatch(/^\d{4}-/);
    expect(JSON.stringify(after)).not.toContain(created.token);
  });

  it("revoke of an unknown id exits 3", async () => {
    const admin = await createWrite("admin");
    const r = await kairos(dir, ["tokens", "revoke", "nosuchtoken0"], { KAIROS_TOKEN: admin });
    expect(r.code).toBe(3);
  });
});

/** Create a write token named `name` and return its secret. */
async function createWrite(name: string): Promise<string> {
  const r = await kairos(dir, ["tokens", "create", "--scope", "write", "--name", name, "--json"]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { token: string }).token;
}

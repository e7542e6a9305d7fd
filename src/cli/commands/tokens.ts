/**
 * @module cli/commands/tokens
 * `kairos tokens create|list|revoke`: the API tokens of a store (hashed at rest). Against a
 * local store this bootstraps a server's auth; against a server it needs a write token.
 */
import { InvalidArgumentError, type Command } from "commander";
import { TOKEN_SCOPES, type TokenInfo, type TokenScope } from "../../core/tokens.js";
import type { WithClient } from "../context.js";
import { iso, table, type Io } from "../output.js";

const scopeFlag = (value: string): TokenScope => {
  const scope = TOKEN_SCOPES.find((s) => s === value);
  if (scope === undefined) {
    throw new InvalidArgumentError(
      `--scope must be ${TOKEN_SCOPES.join(" or ")}, got ${JSON.stringify(value)}`,
    );
  }
  return scope;
};

/** Register `kairos tokens ...`. */
export function registerTokens(program: Command, io: Io, withClient: WithClient): void {
  const tokens = program
    .command("tokens")
    .description("create, list and revoke the API tokens of a Kairos server's store");
  registerCreate(tokens, io, withClient);
  registerList(tokens, io, withClient);
  registerRevoke(tokens, io, withClient);
}

function registerCreate(tokens: Command, io: Io, withClient: WithClient): void {
  tokens
    .command("create")
    .description("create a token and print it (the only time it is shown)")
    .requiredOption("--scope <scope>", "read (GET routes) or write (everything)", scopeFlag)
    .option("--name <name>", "a name to recognise it by (default token-ID)")
    .option("--json", "print JSON: { token, id, name, scope, createdAt }")
    .addHelpText(
      "after",
      `
The token is printed once and stored only as a hash: copy it now. Give it to the CLI as
KAIROS_TOKEN (never as a flag, which would land in shell history and ps).

Examples:
  kairos tokens create --scope write --name deploy
  kairos tokens create --scope read --json`,
    )
    .action((opts: { scope: TokenScope; name?: string; json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const { token, info } = await client.tokens.create({
          scope: opts.scope,
          ...(opts.name !== undefined ? { name: opts.name } : {}),
        });
        const { id, name, scope, createdAt } = info;
        if (opts.json) return io.out(JSON.stringify({ token, id, name, scope, createdAt }));
        io.out(`created token ${id} (${name}, scope ${scope}):`);
        io.out(`  ${token}`);
        io.err(
          "kairos: warning: the token is shown only this once and cannot be read back; " +
            "store it now (e.g. as KAIROS_TOKEN in your secret manager)",
        );
      }),
    );
}

function registerList(tokens: Command, io: Io, withClient: WithClient): void {
  tokens
    .command("list")
    .description("list the tokens, revoked ones too, oldest first (never a secret)")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  kairos tokens list\n  kairos tokens list --json")
    .action((opts: { json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const list = await client.tokens.list();
        if (opts.json) return io.out(JSON.stringify(list));
        io.out(
          table(
            ["ID", "NAME", "SCOPE", "CREATED", "LAST USED", "REVOKED"],
            list.map((t: TokenInfo) => [
              t.id,
              t.name,
              t.scope,
              iso(t.createdAt),
              iso(t.lastUsedAt),
              iso(t.revokedAt),
            ]),
          ),
        );
      }),
    );
}

function registerRevoke(tokens: Command, io: Io, withClient: WithClient): void {
  tokens
    .command("revoke")
    .description("revoke a token: it authenticates nothing from now on (idempotent)")
    .argument("<id>", "token id (the ID column of tokens list)")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  kairos tokens revoke 3k9x2m7q4p8w")
    .action((id: string, opts: { json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const info = await client.tokens.revoke(id);
        if (opts.json) return io.out(JSON.stringify(info));
        io.out(`revoked token ${info.id} (${info.name}) at ${iso(info.revokedAt)}`);
      }),
    );
}

/**
 * @module api/handlers/tokens
 * /tokens (write scope, even to list): create (the text is in the answer once), list, revoke.
 */
import { systemRoutes as R } from "../../contract/routes.js";
import { CreateTokenBody } from "../../contract/schemas/tokens.js";
import type { KairosClient } from "../../runtime/client.js";
import type { ApiApp } from "../types.js";
import { bodyOf, defined, on, send } from "./kit.js";

/** Register the token routes. */
export function registerTokens(app: ApiApp, client: KairosClient): void {
  on(app, R.listTokens, async (c) => send(c, { items: await client.tokens.list() }));
  on(app, R.createToken, async (c, input) =>
    send(c, await client.tokens.create(defined(bodyOf(input, CreateTokenBody))), 201),
  );
  on(app, R.revokeToken, async (c, { params }) => send(c, await client.tokens.revoke(params.id!)));
}

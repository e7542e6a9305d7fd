/**
 * @module api/handlers/config
 * POST /plan (read: computes, never writes) and POST /apply: a kairos.yaml through the same
 * plan and transaction as the CLI (`client.apply`).
 */
import { systemRoutes as R } from "../../contract/routes.js";
import { ApplyBody } from "../../contract/schemas/config.js";
import type { KairosClient } from "../../runtime/client.js";
import type { ApiApp } from "../types.js";
import { bodyOf, defined, on, send } from "./kit.js";

/** Register /plan and /apply. */
export function registerConfig(app: ApiApp, client: KairosClient): void {
  for (const [route, dryRun] of [
    [R.plan, true],
    [R.apply, false],
  ] as const) {
    on(app, route, async (c, input) => {
      const b = bodyOf(input, ApplyBody);
      const result = await client.apply(
        { file: b.file, text: b.text, vars: b.vars },
        { dryRun, ...defined({ prune: b.prune, allowUnknown: b.allowUnknown }) },
      );
      return send(c, result);
    });
  }
}

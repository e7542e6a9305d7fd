/**
 * @module contract/schemas/tokens
 * API tokens on the wire (never a secret, except once in the create answer).
 */
import { z } from "@hono/zod-openapi";
import { Instant, NullableInstant, list } from "./common.js";

/** A token as listed. */
export const TokenInfo = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: z.enum(["read", "write"]),
    createdAt: Instant,
    lastUsedAt: NullableInstant,
    revokedAt: NullableInstant,
  })
  .openapi("TokenInfo");
export const TokenList = list(TokenInfo).openapi("TokenList");

/** POST /tokens. */
export const CreateTokenBody = z
  .object({ scope: z.enum(["read", "write"]), name: z.string().min(1).max(200).optional() })
  .strict()
  .openapi("CreateTokenBody");

/** A token just created: its text is shown once. */
export const CreatedToken = z
  .object({ token: z.string(), info: TokenInfo })
  .openapi("CreatedToken");

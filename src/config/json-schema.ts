/**
 * @module config/json-schema
 * The JSON Schema of `kairos.yaml`, generated from the zod schema, for editors (completion,
 * hover docs, inline errors). Committed as `schema/kairos.schema.json` by `npm run schema`.
 * It describes each field on its own; rules across fields (exactly one timing, valid cron,
 * unique names) are only checked by Kairos itself.
 */
import { z } from "zod";
import { ConfigSchema } from "./schema.js";

/** Where the generated schema is committed, relative to the repository root. */
export const JSON_SCHEMA_PATH = "schema/kairos.schema.json";

/** The JSON Schema (draft-07, which yaml-language-server and most editors support). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ConfigSchema, { io: "input", target: "draft-7" });
  return {
    $schema: schema.$schema,
    title: "kairos.yaml",
    ...schema,
  };
}

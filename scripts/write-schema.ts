/**
 * Write schema/kairos.schema.json, the JSON Schema of kairos.yaml, from the zod schema
 * (`npm run schema`). A test fails when the committed file is stale.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { configJsonSchema, JSON_SCHEMA_PATH } from "../src/config/json-schema.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const target = path.join(root, JSON_SCHEMA_PATH);
const options = (await prettier.resolveConfig(target)) ?? {};
const text = await prettier.format(JSON.stringify(configJsonSchema()), {
  ...options,
  parser: "json",
});
await mkdir(path.dirname(target), { recursive: true });
await writeFile(target, text);
process.stdout.write(`wrote ${path.relative(root, target)}\n`);

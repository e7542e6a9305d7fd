/**
 * Write dashboard/src/api/schema.d.ts, the dashboard's API types, from the OpenAPI document the
 * server serves (`npm run dashboard:types`). The document is built in-process (createApp over
 * stubs: serving /api/v1/openapi.json touches no store), written to a temp file and turned into
 * types by openapi-typescript, then formatted with the repository's prettier config. A test
 * fails when the committed file is stale.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import * as prettier from "prettier";
import { createApp } from "../src/api/app.js";
import { OPENAPI_PATH } from "../src/contract/routes.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Where the generated types live, relative to the repository root. */
export const DASHBOARD_SCHEMA_PATH = "dashboard/src/api/schema.d.ts";

const HEADER = `/**
 * The Kairos API's types, generated from its OpenAPI document by \`npm run dashboard:types\`
 * (scripts/dashboard-types.ts). Do not edit: a test fails when this file is stale.
 */
`;

/** The OpenAPI document exactly as the server serves it. */
export async function openApiDocument(): Promise<unknown> {
  const app = createApp({
    client: {} as never,
    tokens: null,
    feed: null,
    auth: { mode: "tokens", peerAddress: () => undefined },
    limits: { maxBodyBytes: 1 },
    info: { version: "0.0.0", store: "none" },
  });
  const res = await app.request(OPENAPI_PATH);
  if (!res.ok) throw new Error(`${OPENAPI_PATH} answered ${res.status}`);
  return res.json();
}

/** The text schema.d.ts should hold. */
export async function dashboardTypesText(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "kairos-openapi-"));
  try {
    const file = path.join(dir, "openapi.json");
    await writeFile(file, JSON.stringify(await openApiDocument()));
    const ast = await openapiTS(pathToFileURL(file));
    const target = path.join(root, DASHBOARD_SCHEMA_PATH);
    const options = (await prettier.resolveConfig(target)) ?? {};
    return prettier.format(HEADER + astToString(ast), { ...options, parser: "typescript" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(path.join(root, DASHBOARD_SCHEMA_PATH), await dashboardTypesText());
  process.stdout.write(`wrote ${DASHBOARD_SCHEMA_PATH}\n`);
}

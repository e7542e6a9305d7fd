import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { configJsonSchema, JSON_SCHEMA_PATH } from "./json-schema.js";

describe("schema/kairos.schema.json", () => {
  it("is the schema generated from the zod schema (run `npm run schema` after changing it)", async () => {
    const committed: unknown = JSON.parse(
      await readFile(new URL(`../../${JSON_SCHEMA_PATH}`, import.meta.url), "utf8"),
    );
    expect(committed).toEqual(configJsonSchema());
  });

  it("rejects unknown keys and lists the function kinds", () => {
    const schema = configJsonSchema() as {
      additionalProperties: boolean;
      properties: {
        functions: { items: { oneOf: { properties: { kind: { const: string } } }[] } };
      };
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.functions.items.oneOf.map((o) => o.properties.kind.const)).toEqual([
      "http",
      "command",
      "module",
    ]);
  });

  it('describes retention at the top level and per function, as a duration or "forever"', () => {
    type Field = { type: string[]; description: string };
    const schema = configJsonSchema() as {
      properties: {
        retention: Field;
        functions: { items: { oneOf: { properties: { retention: Field } }[] } };
      };
    };
    const fields = [
      schema.properties.retention,
      ...schema.properties.functions.items.oneOf.map((o) => o.properties.retention),
    ];
    expect(fields).toHaveLength(4);
    for (const field of fields) {
      expect(field.type).toEqual(["string", "number"]);
      expect(field.description).toMatch(/"forever"/);
    }
  });

  it("describes workflows strictly: their keys, task keys and the trigger rule names", () => {
    type Obj = { additionalProperties: boolean; properties: Record<string, unknown> };
    const schema = configJsonSchema() as {
      properties: { workflows: { items: Obj & { properties: { tasks: { items: Obj } } } } };
    };
    const workflow = schema.properties.workflows.items;
    const task = workflow.properties.tasks.items;
    expect(workflow.additionalProperties).toBe(false);
    expect(task.additionalProperties).toBe(false);
    expect(Object.keys(workflow.properties)).toEqual(
      expect.arrayContaining(["name", "tasks", "schedule", "startDate", "catchup", "params"]),
    );
    expect(task.properties.triggerRule).toMatchObject({
      enum: expect.arrayContaining(["all_success", "none_failed_min_one_success", "always"]),
    });
  });
});

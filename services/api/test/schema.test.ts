import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeSchema, printedSchema } from "../src/index.js";

describe("schema", () => {
  it("the committed schema.graphql is the code's schema (run `npx nx run api:schema` after changing it)", () => {
    const committed = readFileSync(fileURLToPath(new URL("../schema.graphql", import.meta.url)), "utf8");
    expect(printedSchema()).toBe(committed);
  });

  it("every resolver names a field of the schema, and the executable schema prints the same SDL", () => {
    expect(printedSchema(makeSchema())).toBe(printedSchema());
  });
});

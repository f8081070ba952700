import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type GraphQLSchema,
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { sdl } from "../src/graphql/sdl.js";
import { makeSchema, printedSchema } from "../src/index.js";

/** Every type, field, argument, input field and enum value an integrator sees, with its description (or none). */
const documented = (schema: GraphQLSchema) => {
  const items: Array<{ readonly name: string; readonly description: string | null | undefined }> = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || isSpecifiedScalarType(type)) continue;
    items.push({ name: type.name, description: type.description });
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        items.push({ name: `${type.name}.${field.name}`, description: field.description });
        if ("args" in field)
          for (const arg of field.args)
            items.push({ name: `${type.name}.${field.name}(${arg.name})`, description: arg.description });
      }
    }
    if (isEnumType(type))
      for (const value of type.getValues())
        items.push({ name: `${type.name}.${value.name}`, description: value.description });
  }
  return items;
};

describe("schema", () => {
  it("the committed schema.graphql is the code's schema (run `npx nx run api:schema` after changing it)", () => {
    const committed = readFileSync(fileURLToPath(new URL("../schema.graphql", import.meta.url)), "utf8");
    expect(printedSchema()).toBe(committed);
  });

  it("every resolver names a field of the schema, and the executable schema prints the same SDL", () => {
    expect(printedSchema(makeSchema())).toBe(printedSchema());
  });

  it("every type, field, argument, input field and enum value has a description", () => {
    const items = documented(buildSchema(sdl));
    const missing = items.filter((i) => (i.description ?? "").trim() === "").map((i) => i.name);
    process.stdout.write(
      `schema: ${items.length} types, fields, arguments and enum values, ${items.length - missing.length} described\n`,
    );
    expect(missing).toEqual([]);
  });
});

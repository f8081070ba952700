// The GraphQL schema graph-node serves for this subgraph, derived from schema.graphql the way graph-node derives it:
// per entity a singular root field (`project(id, block)`) and a plural one (`projects(skip, first, orderBy,
// orderDirection, where, block)`), `<Entity>_filter` inputs, `<Entity>_orderBy` enums, list fields with the same
// arguments, and `_meta`. Typed clients (the API's graphql-codegen setup, services/api/codegen.yml) validate their
// operations against it, so a field renamed or removed in schema.graphql fails their code generation.
//
// It covers what graph-node 0.45 generates for the field types this schema uses (scalar comparisons, `_in` lists,
// relation ids and nested `<field>_` filters, list `_contains`, `and` / `or`, nested order-by `<field>__<subfield>`),
// not the full-text search fields, the String-only operators (`_starts_with`, …) or `_logs`. The API's gnd test
// (services/api/test/gnd.test.ts) checks against the schema a real graph-node serves that the root fields are the
// same, that every type, field, filter and order-by value derived here exists there, and that every operation of the
// API validates there too.
//
// Usage: `node scripts/query-schema.mjs [schema.graphql]` prints it; graphql-codegen loads it as a schema loader
// (the default export: (pointer) => GraphQLSchema).

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Kind, buildSchema, parse } from "graphql";

const SUBGRAPH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SCALARS = new Set(["ID", "String", "Int", "Boolean", "BigInt", "BigDecimal", "Bytes", "Int8", "Timestamp"]);
const ORDERED = new Set(["ID", "String", "Int", "BigInt", "BigDecimal", "Bytes", "Int8", "Timestamp"]);

const lowerFirst = (name) => name[0].toLowerCase() + name.slice(1);
/** graph-node's plural of an entity's root field (the inflector's common rules; a plural equal to the singular gets `_collection`). */
const pluralOf = (name) => {
  const singular = lowerFirst(name);
  if (singular.endsWith("s")) return `${singular}_collection`;
  if (/(ch|sh|x|z)$/.test(singular)) return `${singular}es`;
  if (/[^aeiou]y$/.test(singular)) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
};

/** The named type, nullability and list-ness of a field's type node. */
const unwrap = (type) => {
  let list = false;
  let node = type;
  while (node.kind !== Kind.NAMED_TYPE) {
    if (node.kind === Kind.LIST_TYPE) list = true;
    node = node.type;
  }
  return { name: node.name.value, list };
};

const printType = (type) =>
  type.kind === Kind.NON_NULL_TYPE
    ? `${printType(type.type)}!`
    : type.kind === Kind.LIST_TYPE
      ? `[${printType(type.type)}]`
      : type.name.value;

const hasDirective = (node, name) => (node.directives ?? []).some((d) => d.name.value === name);

/** The query schema's SDL for an entity schema's SDL. */
export const querySchemaSdl = (entitySdl) => {
  const document = parse(entitySdl);
  const entities = document.definitions.filter(
    (d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && hasDirective(d, "entity"),
  );
  const enums = document.definitions.filter((d) => d.kind === Kind.ENUM_TYPE_DEFINITION);
  const entityNames = new Set(entities.map((e) => e.name.value));
  const enumNames = new Set(enums.map((e) => e.name.value));
  const listArgs = (name) =>
    `(skip: Int = 0, first: Int = 100, orderBy: ${name}_orderBy, orderDirection: OrderDirection, where: ${name}_filter)`;
  const out = [
    "scalar BigInt",
    "scalar BigDecimal",
    "scalar Bytes",
    "scalar Int8",
    "scalar Timestamp",
    "enum OrderDirection { asc desc }",
    "enum _SubgraphErrorPolicy_ { allow deny }",
    "input Block_height { hash: Bytes number: Int number_gte: Int }",
    "input BlockChangedFilter { number_gte: Int! }",
    "type _Block_ { hash: Bytes number: Int! timestamp: Int parentHash: Bytes }",
    "type _Meta_ { block: _Block_! deployment: String! hasIndexingErrors: Boolean! }",
  ];
  for (const e of enums) out.push(`enum ${e.name.value} { ${e.values.map((v) => v.name.value).join(" ")} }`);

  const root = [];
  for (const entity of entities) {
    const name = entity.name.value;
    const fields = [];
    const filters = [];
    const orderBy = [];
    for (const field of entity.fields) {
      const f = field.name.value;
      const { name: typeName, list } = unwrap(field.type);
      const derived = hasDirective(field, "derivedFrom");
      const isEntity = entityNames.has(typeName);
      fields.push(
        isEntity && list ? `${f}${listArgs(typeName)}: ${printType(field.type)}` : `${f}: ${printType(field.type)}`,
      );
      if (derived) {
        filters.push(`${f}_: ${typeName}_filter`);
        orderBy.push(f);
        continue;
      }
      const scalar = isEntity ? "String" : typeName;
      if (list) {
        for (const op of ["", "_not", "_contains", "_not_contains"]) filters.push(`${f}${op}: [${scalar}!]`);
        if (isEntity) filters.push(`${f}_: ${typeName}_filter`);
        orderBy.push(f);
        continue;
      }
      filters.push(`${f}: ${scalar}`, `${f}_not: ${scalar}`, `${f}_in: [${scalar}!]`, `${f}_not_in: [${scalar}!]`);
      if (ORDERED.has(scalar)) for (const op of ["_gt", "_lt", "_gte", "_lte"]) filters.push(`${f}${op}: ${scalar}`);
      if (isEntity) filters.push(`${f}_: ${typeName}_filter`);
      orderBy.push(f);
      if (isEntity) {
        const target = entities.find((e) => e.name.value === typeName);
        for (const sub of target.fields) {
          const s = unwrap(sub.type);
          if (!s.list && (SCALARS.has(s.name) || enumNames.has(s.name)) && !hasDirective(sub, "derivedFrom"))
            orderBy.push(`${f}__${sub.name.value}`);
        }
      }
    }
    filters.push("_change_block: BlockChangedFilter", `and: [${name}_filter]`, `or: [${name}_filter]`);
    out.push(`type ${name} { ${fields.join(" ")} }`);
    out.push(`input ${name}_filter { ${filters.join(" ")} }`);
    out.push(`enum ${name}_orderBy { ${orderBy.join(" ")} }`);
    const common = "block: Block_height, subgraphError: _SubgraphErrorPolicy_! = deny";
    root.push(`${lowerFirst(name)}(id: ID!, ${common}): ${name}`);
    root.push(
      `${pluralOf(name)}(skip: Int = 0, first: Int = 100, orderBy: ${name}_orderBy, orderDirection: OrderDirection, where: ${name}_filter, ${common}): [${name}!]!`,
    );
  }
  root.push("_meta(block: Block_height): _Meta_");
  out.push(`type Query { ${root.join(" ")} }`);
  return out.join("\n");
};

/** The query schema of this subgraph (schema.graphql beside this folder, or `path`). */
export const querySchema = (path = resolve(SUBGRAPH_DIR, "schema.graphql")) =>
  buildSchema(querySchemaSdl(readFileSync(path, "utf8")));

/** graphql-codegen schema loader: `schema: [{ "<path to schema.graphql>": { loader: "<this file>" } }]`. */
export default (pointer) => querySchema(resolve(pointer));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { printSchema } = await import("graphql");
  process.stdout.write(`${printSchema(querySchema(process.argv[2] ? resolve(process.argv[2]) : undefined))}\n`);
}

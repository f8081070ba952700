import {
  type GraphQLFieldResolver,
  GraphQLSchema,
  buildSchema,
  isObjectType,
  lexicographicSortSchema,
  printSchema,
} from "graphql";
import { resolvers } from "./resolvers.js";
import { AddressScalar, BigIntScalar, BytesScalar, CursorScalar, PageSizeScalar } from "./scalars.js";
import { sdl } from "./sdl.js";

const scalars = {
  BigInt: BigIntScalar,
  Address: AddressScalar,
  Bytes: BytesScalar,
  PageSize: PageSizeScalar,
  Cursor: CursorScalar,
} as const;

/** The executable schema: the SDL with the scalars' parsing and the resolvers attached. Built once per process. */
export const makeSchema = (): GraphQLSchema => {
  const schema = buildSchema(sdl);
  for (const [name, scalar] of Object.entries(scalars)) {
    const type = schema.getType(name);
    if (type === undefined) throw new Error(`schema: scalar ${name} missing`);
    Object.assign(type, {
      serialize: scalar.serialize,
      parseValue: scalar.parseValue,
      parseLiteral: scalar.parseLiteral,
    });
  }
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`schema: resolvers for unknown type ${typeName}`);
    const defined = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = defined[fieldName];
      if (field === undefined) throw new Error(`schema: resolver for unknown field ${typeName}.${fieldName}`);
      field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
    }
  }
  return schema;
};

/** The SDL committed at services/api/schema.graphql (sorted, so the file diffs cleanly). */
export const printedSchema = (schema: GraphQLSchema = buildSchema(sdl)): string =>
  `${printSchema(lexicographicSortSchema(schema))}\n`;

// Types of query-schema.mjs for TypeScript consumers (the API's tests).
import type { GraphQLSchema } from "graphql";

export declare const querySchemaSdl: (entitySdl: string) => string;
export declare const querySchema: (path?: string) => GraphQLSchema;
declare const loader: (pointer: string) => GraphQLSchema;
export default loader;

/** Writes the code's schema to services/api/schema.graphql (test/schema.test.ts fails when they differ). */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { printedSchema } from "../src/graphql/schema.js";

const file = fileURLToPath(new URL("../schema.graphql", import.meta.url));
writeFileSync(file, printedSchema());
process.stdout.write(`wrote ${file}\n`);

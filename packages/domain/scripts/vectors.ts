/** Writes the differential vectors for forge: `npx tsx packages/domain/scripts/vectors.ts`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { VECTORS_PATH, renderVectors } from "./vector-set.js";

const here = dirname(fileURLToPath(import.meta.url));
const target = resolve(here, "..", VECTORS_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderVectors());
console.log(`wrote ${target}`);

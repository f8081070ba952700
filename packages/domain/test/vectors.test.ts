import { assert, describe, it } from "@effect/vitest";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { VECTORS_PATH, renderVectors } from "../scripts/vector-set.js";

describe("differential vectors", () => {
  it("the committed contracts/test/vectors/domain-vectors.json is exactly what the domain produces", () => {
    const file = resolve(dirname(fileURLToPath(import.meta.url)), "..", VECTORS_PATH);
    assert.strictEqual(
      readFileSync(file, "utf8"),
      renderVectors(),
      "regenerate with `npx tsx packages/domain/scripts/vectors.ts`",
    );
  });
});

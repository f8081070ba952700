import { assert, describe, it } from "@effect/vitest";
import { ConfigProvider, Duration, Effect, Option } from "effect";
import { availableParallelism } from "node:os";
import { loadApiConfig } from "../src/index.js";

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))));

const SUBGRAPH_URL = "http://127.0.0.1:8000/subgraphs/name/tcm";

describe("loadApiConfig", () => {
  it.effect("applies defaults; the subgraph is optional", () =>
    Effect.gen(function* () {
      const config = yield* loadApiConfig().pipe(withEnv({}));
      assert.deepStrictEqual(
        {
          host: config.host,
          port: config.port,
          subgraph: Option.isNone(config.subgraphUrl),
          cors: config.corsOrigins,
          body: config.maxBodyBytes,
          timeout: Duration.toMillis(config.timeout),
        },
        { host: "127.0.0.1", port: 4000, subgraph: true, cors: [], body: 65_536, timeout: 10_000 },
      );
    }),
  );

  it.effect("reads TCM_SUBGRAPH_URL, TCM_API_CORS_ORIGINS, TCM_API_MAX_BODY_BYTES, TCM_API_TIMEOUT_MS", () =>
    Effect.gen(function* () {
      const config = yield* loadApiConfig().pipe(
        withEnv({
          TCM_SUBGRAPH_URL: SUBGRAPH_URL,
          TCM_API_PORT: "4100",
          TCM_API_CORS_ORIGINS: "https://a.example, https://b.example",
          TCM_API_MAX_BODY_BYTES: "1024",
          TCM_API_TIMEOUT_MS: "250",
        }),
      );
      assert.strictEqual(Option.getOrThrow(config.subgraphUrl).href, SUBGRAPH_URL);
      assert.strictEqual(config.port, 4100);
      assert.deepStrictEqual(config.corsOrigins, ["https://a.example", "https://b.example"]);
      assert.strictEqual(config.maxBodyBytes, 1024);
      assert.strictEqual(Duration.toMillis(config.timeout), 250);
    }),
  );

  it.effect("TCM_API_WORKERS: 1 by default (no cluster), a positive integer, or auto = the available cores", () =>
    Effect.gen(function* () {
      const workers = (value?: string) =>
        loadApiConfig().pipe(
          withEnv(value === undefined ? {} : { TCM_API_WORKERS: value }),
          Effect.map((c) => c.workers),
        );
      assert.strictEqual(yield* workers(), 1);
      assert.strictEqual(yield* workers(""), 1);
      assert.strictEqual(yield* workers("3"), 3);
      assert.strictEqual(yield* workers(" 2 "), 2);
      assert.strictEqual(yield* workers("auto"), availableParallelism());
      assert.strictEqual(yield* workers("AUTO"), availableParallelism());
    }),
  );

  for (const value of ["0", "-1", "1.5", "two", "2x", "1e3"]) {
    it.effect(`rejects TCM_API_WORKERS=${value} naming the variable and the value`, () =>
      Effect.gen(function* () {
        const error = yield* loadApiConfig().pipe(withEnv({ TCM_API_WORKERS: value }), Effect.flip);
        assert.include(String(error), "TCM_API_WORKERS");
        assert.include(String(error), JSON.stringify(value));
      }),
    );
  }

  for (const [name, value] of [
    ["TCM_API_PORT", "70000"],
    ["TCM_API_MAX_BODY_BYTES", "0"],
    ["TCM_API_TIMEOUT_MS", "abc"],
    ["TCM_SUBGRAPH_URL", "not a url"],
  ] as const) {
    it.effect(`rejects a bad ${name} with a message naming it`, () =>
      Effect.gen(function* () {
        const error = yield* loadApiConfig().pipe(withEnv({ [name]: value }), Effect.flip);
        assert.include(String(error), name);
      }),
    );
  }
});

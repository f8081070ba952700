// ESLint for the whole workspace (flat config). Each project's `lint` target is inferred by @nx/eslint/plugin
// (nx.json) and runs `eslint .` in the project's folder with this file.
//
// What it enforces:
// - Module boundaries between the workspace's projects (@nx/enforce-module-boundaries on the `scope:`/`type:` tags in
//   each package.json's "nx" field): the domain depends on nothing; chain on the domain; the devnet harness on the
//   IPFS endpoint only (never on domain or chain); keeper, API and CLI on chain and domain, never on each other;
//   `npm start` orchestrates them all. The devnet harness (@tcm/devnet) is for tests, benches and `npm start`: the
//   tags let chain, keeper, API, CLI, dashboard and subgraph import it, and `no-restricted-imports` keeps it out of
//   their src/ (a runtime path never starts anvil or deploys).
// - Declared dependencies (@nx/dependency-checks on every package.json): what a project's runtime code imports is
//   in its "dependencies", with a range that holds the installed version, and nothing more.
// - typescript-eslint's recommended rules (syntax only, no type information) plus a few of the project's own.
import js from "@eslint/js";
import nx from "@nx/eslint-plugin";
import globals from "globals";
import * as jsoncParser from "jsonc-eslint-parser";
import tseslint from "typescript-eslint";

const SOURCES = ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts", "**/*.js", "**/*.mjs", "**/*.cjs"];

/** Files only tests, benches, scripts and tools use: their imports belong in devDependencies. */
const NON_RUNTIME = [
  "{projectRoot}/test/**/*",
  "{projectRoot}/tests/**/*",
  "{projectRoot}/**/*.test.ts",
  "{projectRoot}/bench/**/*",
  "{projectRoot}/scripts/**/*",
  "{projectRoot}/tools/**/*",
  "{projectRoot}/vitest.config.ts",
  "{projectRoot}/vite.config.ts",
  "{projectRoot}/codegen.yml",
];

/** Every project depends on these tags only (scope → scopes it may import). */
const BOUNDARIES = {
  "scope:domain": [],
  "scope:devnet": ["scope:ipfs"],
  "scope:ipfs": [],
  "scope:contracts": [],
  "scope:chain": ["scope:domain", "scope:devnet"],
  "scope:keeper": ["scope:chain", "scope:domain", "scope:devnet"],
  "scope:api": ["scope:chain", "scope:domain", "scope:devnet"],
  "scope:cli": ["scope:chain", "scope:domain", "scope:devnet"],
  "scope:dashboard": ["scope:chain", "scope:domain", "scope:devnet"],
  "scope:subgraph": ["scope:devnet"],
  "scope:tests": ["scope:domain", "scope:chain", "scope:devnet"],
  "scope:start": ["scope:chain", "scope:domain", "scope:devnet", "scope:ipfs", "scope:keeper", "scope:api"],
};

/** The module-boundary rule; `allow` lists import specifiers exempted (see the test-only exemptions below). */
const boundaries = (allow) => [
  "error",
  {
    enforceBuildableLibDependency: false,
    allow,
    depConstraints: [
      ...Object.entries(BOUNDARIES).map(([sourceTag, onlyDependOnLibsWithTags]) => ({
        sourceTag,
        onlyDependOnLibsWithTags,
      })),
      // And by kind: a library imports libraries only; a service never reaches another service or an app.
      { sourceTag: "type:lib", onlyDependOnLibsWithTags: ["type:lib"] },
      { sourceTag: "type:service", notDependOnLibsWithTags: ["type:service", "type:app"] },
    ],
  },
];

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/",
      "**/dist/",
      "**/out-tsc/",
      "**/build/",
      "**/generated/",
      "**/out/",
      "**/cache/",
      "**/coverage/",
      ".nx/",
      "contracts/lib/",
      "services/api/src/subgraph/generated.ts",
      // AssemblyScript (i32, changetype, …): compiled by graph-cli, checked by `graph build`, not TypeScript.
      "subgraph/src/",
      "subgraph/bench/floors/",
      "subgraph/bench/noop.ts",
      "subgraph/tests/shim/",
      "**/.e2e-*/",
      "**/.tcm-devnet/",
      "**/.devnet/",
    ],
  },
  { files: SOURCES, ...js.configs.recommended },
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: SOURCES })),
  {
    files: SOURCES,
    plugins: { "@nx": nx },
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.node },
    },
    rules: {
      "@nx/enforce-module-boundaries": boundaries([]),
      // Untyped edges (GraphQL resolvers' sources, JSON replies in tests) use `any` on purpose; tsc's strict mode
      // checks everything else.
      "@typescript-eslint/no-explicit-any": "off",
      // Effect's tagged errors take their fields as a type argument: `Data.TaggedError("X")<{}>`.
      "@typescript-eslint/no-empty-object-type": ["error", { allowObjectTypes: "always" }],
      // `Effect.gen(function* () { return x })` without a yield is idiomatic Effect.
      "require-yield": "off",
      // ANSI escapes are matched on purpose (colour stripping).
      "no-control-regex": "off",
      // `catch {}` around best-effort cleanup (killing a process that may be gone) is deliberate.
      "no-empty": ["error", { allowEmptyCatch: true }],
      // `_`-prefixed names are deliberately unused (destructuring, callbacks' positional parameters).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Known cross-project file imports outside any src/ (tests and the start script reach into another project's
    // test harness or script by path). Exempted by file, each named; new ones fail.
    files: [
      "services/api/test/**",
      "packages/dashboard/test/**",
      "packages/start/scripts/**",
      "tests/differential/test/**",
    ],
    rules: {
      "@nx/enforce-module-boundaries": boundaries([
        "../../../subgraph/scripts/query-schema.mjs",
        "../../../services/api/test/harness.js",
        "../../start/src/simulation.js",
        "../../start/src/summary.js",
        "../../cli/scripts/bundle.mjs",
        "../../../packages/domain/bench/simulate.js",
      ]),
    },
  },
  {
    // The CLI's, the keeper's and the API's bundle scripts share their esbuild set-up in tools/bundle.mjs (build
    // tooling of the workspace, no project's runtime code): each imports it by path.
    files: ["packages/cli/scripts/bundle.mjs", "services/keeper/scripts/bundle.mjs", "services/api/scripts/bundle.mjs"],
    rules: { "@nx/enforce-module-boundaries": boundaries(["../../../tools/bundle.mjs"]) },
  },
  {
    // CommonJS files (the solc shim forge runs) load with require().
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["packages/dashboard/src/**/*.ts"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The domain is plain TypeScript over native bigint: no package imports at all in its runtime code.
    files: ["packages/domain/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!\\.{1,2}/)",
              message: "@tcm/domain depends on nothing: no package imports (relative imports only).",
            },
          ],
        },
      ],
    },
  },
  {
    // The devnet harness is for tests, benches and `npm start`: no runtime code of a library, service or the CLI
    // starts anvil or deploys.
    files: [
      "packages/chain/src/**/*.ts",
      "packages/cli/src/**/*.ts",
      "packages/dashboard/src/**/*.ts",
      "packages/ipfs/src/**/*.ts",
      "services/*/src/**/*.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@tcm/devnet",
              message: "@tcm/devnet is a test and `npm start` harness: import it from test/ (or packages/start).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/package.json"],
    plugins: { "@nx": nx },
    languageOptions: { parser: jsoncParser },
    rules: {
      "@nx/dependency-checks": [
        "error",
        {
          // Every project has an inferred `typecheck`; its files minus the non-runtime ones are the runtime code.
          buildTargets: ["typecheck", "build"],
          ignoredFiles: NON_RUNTIME,
          ignoredDependencies: [
            // Executables and assets found on disk, not imported: the Foundry binaries (devnet, contracts),
            // graph-node (devnet, optional: Linux x64 only), GraphiQL's and React's UMD builds the API serves.
            "@foundry-rs/anvil",
            "@foundry-rs/forge",
            "@foundry-rs/cast",
            "@graphprotocol/gnd-linux-x64",
            "graphiql",
            "react",
            "react-dom",
            // The CLI's bin (bin/tcm.mjs, outside the TypeScript sources the check reads) falls back to tsx.
            "tsx",
          ],
        },
      ],
    },
  },
);

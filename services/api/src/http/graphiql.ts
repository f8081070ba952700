/**
 * GraphiQL (the real one, graphiql 3 with React 18), served offline from node_modules: the page at the GraphQL path
 * (GET with Accept: text/html) and its four assets under `<path>/assets/`. A query can be preset with
 * `<path>#query=<urlencoded>`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

/** Defined (true) by scripts/bundle.mjs: the bundle carries the four files in graphiql/ beside its main.mjs. */
declare const TCM_API_BUNDLE: boolean | undefined;

/**
 * A file beside a package's main entry (the packages' `exports` hide their UMD builds from `require.resolve`); in the
 * bundle, its copy graphiql/<name>.
 */
const besideMain = (pkg: string, relative: string) => (name: string) =>
  typeof TCM_API_BUNDLE === "boolean" && TCM_API_BUNDLE
    ? fileURLToPath(new URL(`./graphiql/${name}`, import.meta.url))
    : join(dirname(require.resolve(pkg)), relative);

/** The whitelisted assets: name → [path resolver, content type]. Read once, on first use. */
const ASSET_FILES: Record<string, readonly [(name: string) => string, string]> = {
  "react.js": [besideMain("react", "umd/react.production.min.js"), "text/javascript; charset=utf-8"],
  "react-dom.js": [besideMain("react-dom", "umd/react-dom.production.min.js"), "text/javascript; charset=utf-8"],
  "graphiql.js": [besideMain("graphiql", "index.umd.js"), "text/javascript; charset=utf-8"],
  "graphiql.css": [besideMain("graphiql", "style.css"), "text/css; charset=utf-8"],
};

const cache = new Map<string, { readonly body: Uint8Array; readonly contentType: string }>();

/** An asset by name, or undefined for anything not whitelisted. */
export const graphiqlAsset = (
  name: string,
): { readonly body: Uint8Array; readonly contentType: string } | undefined => {
  const known = ASSET_FILES[name];
  if (known === undefined) return undefined;
  let asset = cache.get(name);
  if (asset === undefined) {
    asset = { body: readFileSync(known[0](name)), contentType: known[1] };
    cache.set(name, asset);
  }
  return asset;
};

/** The query GraphiQL opens with: live fields only, so it answers even without a subgraph (a test runs it). */
export const DEFAULT_QUERY = `# TCM API: live state, history, previews, transactions.
# Ctrl-Enter runs it. Docs (top left): every field.
{
  apiVersion { schema chainId }
  protocol {
    block { number timestamp }
    projectCount
    totalPrincipalDecimal
    totalLockedLiquidityValueWstEthDecimal
    deficit { inDeficit }
  }
  projects(first: 5) {
    totalCount
    nodes { id symbol spotPriceDecimal allocatedPrincipalDecimal pendingWstEthDecimal polShareDecimal apr }
    pageInfo { hasNextPage endCursor }
  }
}
`;

export const graphiqlHtml = (path: string, version: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>TCM API · GraphiQL (schema ${version})</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${path}/assets/graphiql.css">
<style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="${path}/assets/react.js"></script>
<script src="${path}/assets/react-dom.js"></script>
<script src="${path}/assets/graphiql.js"></script>
<script>
  const preset = new URLSearchParams(location.hash.slice(1)).get("query");
  const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(path)} });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(DEFAULT_QUERY)}, query: preset ?? undefined }),
  );
</script>
</body>
</html>
`;

/**
 * The dashboard (packages/dashboard, built by Vite into its dist/): index.html at `/` and its hashed assets under
 * `/assets/`, same origin as /graphql. Served from disk when built; `/` says how to build it otherwise.
 */
import { HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform";
import { Effect, Layer } from "effect";
import { readFileSync, readdirSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Defined (true) by scripts/bundle.mjs: the bundle carries the dashboard in dashboard/ beside its main.mjs. */
declare const TCM_API_BUNDLE: boolean | undefined;

/** packages/dashboard/dist, beside services/ in the workspace (dashboard/ beside main.mjs in the bundle). */
export const DASHBOARD_DIR = fileURLToPath(
  typeof TCM_API_BUNDLE === "boolean" && TCM_API_BUNDLE
    ? new URL("./dashboard/", import.meta.url)
    : new URL("../../../../packages/dashboard/dist/", import.meta.url),
);

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

const read = (path: string): Uint8Array | undefined => {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
};

/** The built assets' names (a request names one of these or gets 404: no path ever reaches the file system). */
const assetNames = (dir: string): ReadonlySet<string> => {
  try {
    return new Set(readdirSync(join(dir, "assets")));
  } catch {
    return new Set();
  }
};

export const dashboardRoutes = (dir: string = DASHBOARD_DIR) => {
  const index = HttpLayerRouter.add(
    "GET",
    "/",
    Effect.sync(() => {
      const html = read(join(dir, "index.html"));
      if (html === undefined) {
        return HttpServerResponse.text(
          "The dashboard is not built: run `npx nx run dashboard:build` (npm start builds it). GraphiQL is at /graphql.\n",
          { status: 404 },
        );
      }
      // Not cached: a rebuild changes the asset names it points to.
      return HttpServerResponse.uint8Array(html, {
        contentType: "text/html; charset=utf-8",
        headers: { "cache-control": "no-cache" },
      });
    }),
  );
  const assets = HttpLayerRouter.add(
    "GET",
    "/assets/:file",
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest;
      const name = new URL(request.url, "http://localhost").pathname.split("/").pop() ?? "";
      const type = TYPES[extname(name)];
      const body = type !== undefined && assetNames(dir).has(name) ? read(join(dir, "assets", name)) : undefined;
      if (body === undefined) return HttpServerResponse.text(`no such asset: ${name}`, { status: 404 });
      // Vite names every asset by its content hash: cacheable for good.
      return HttpServerResponse.uint8Array(body, {
        contentType: type,
        headers: { "cache-control": "public, max-age=31536000, immutable" },
      });
    }),
  );
  return Layer.mergeAll(index, assets);
};

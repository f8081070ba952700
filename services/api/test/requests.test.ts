/**
 * Bad input, limits, timeouts, a dead subgraph, and the browser console (headless Chromium), against a real anvil.
 */
import { ANVIL_ACCOUNTS } from "@tcm/devnet";
import { Duration, Option } from "effect";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_QUERY } from "../src/http/graphiql.js";
import { type Api, type Chain, deadPort, gql, startApi, startChain } from "./harness.js";

let chain: Chain;
let api: Api;
let slow: Api;

beforeAll(async () => {
  chain = await startChain();
  // The subgraph URL points at a port nothing listens on.
  const dead = new URL(`http://127.0.0.1:${await deadPort()}/subgraphs/name/tcm`);
  api = await startApi(chain, { subgraphUrl: Option.some(dead), maxBodyBytes: 4_096, maxDepth: 4, maxCost: 5_000 });
  slow = await startApi(chain, { timeout: Duration.millis(1) });
});

afterAll(async () => {
  await api?.stop();
  await slow?.stop();
  await chain?.stop();
});

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${api.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

describe("bad input → 400 / GraphQL errors naming the input", () => {
  const alice = ANVIL_ACCOUNTS[1]!.address;
  const cases: ReadonlyArray<{
    name: string;
    query: string;
    variables?: Record<string, unknown>;
    status: number;
    input?: string;
    message: RegExp;
  }> = [
    {
      name: "invalid address literal",
      query: `{ account(address: "0x1234") { principal } }`,
      status: 400,
      input: "address",
      message: /0x-prefixed 20-byte hex/,
    },
    {
      name: "bad EIP-55 checksum",
      // Flip the case of the first letter: still hex, no longer a valid checksum.
      query: `{ account(address: "${alice.replace(/[a-fA-F]/, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))}") { principal } }`,
      status: 400,
      input: "address",
      message: /checksum/,
    },
    {
      name: "invalid address variable",
      query: `query($a: Address!) { account(address: $a) { principal } }`,
      variables: { a: "nope" },
      status: 400,
      message: /\$a/,
    },
    {
      name: "negative amount",
      query: `{ depositPreview(amount: "-1", allocation: [{ projectId: 1, bps: 10000 }]) { principal } }`,
      status: 400,
      input: "amount",
      message: /non-negative integer/,
    },
    {
      name: "fractional amount",
      query: `query($x: BigInt!) { depositPreview(amount: $x, allocation: [{ projectId: 1, bps: 10000 }]) { principal } }`,
      variables: { x: "1.5" },
      status: 400,
      message: /\$x/,
    },
    {
      name: "amount below the minimum deposit",
      query: `{ depositPreview(amount: "5", allocation: [{ projectId: 1, bps: 10000 }]) { principal } }`,
      status: 200,
      input: "amount",
      message: /minimum deposit/,
    },
    {
      name: "allocation not summing to 10000",
      query: `mutation { buildDeposit(amount: "1000000000000000000", allocation: [{ projectId: 1, bps: 5000 }, { projectId: 2, bps: 4000 }]) { to } }`,
      status: 200,
      input: "allocation",
      message: /9,000 bps/,
    },
    {
      name: "allocation of an unknown project",
      query: `mutation { buildReallocate(allocation: [{ projectId: 42, bps: 10000 }]) { to } }`,
      status: 200,
      input: "allocation[0].projectId",
      message: /does not exist/,
    },
    {
      name: "allocation not ascending",
      query: `mutation { buildDeposit(amount: "1000000000000000000", allocation: [{ projectId: 2, bps: 5000 }, { projectId: 1, bps: 5000 }]) { to } }`,
      status: 200,
      input: "allocation[1].projectId",
      message: /ascending/,
    },
    {
      name: "zero withdraw receiver",
      query: `mutation { buildWithdraw(amount: "1", receiver: "0x0000000000000000000000000000000000000000") { to } }`,
      status: 200,
      input: "receiver",
      message: /zero address/,
    },
    {
      name: "non-numeric project id",
      query: `{ project(id: "abc") { id } }`,
      status: 200,
      input: "id",
      message: /non-negative integer/,
    },
    {
      name: "unknown project to harvest",
      query: `mutation { buildHarvest(projectId: "77") { to } }`,
      status: 200,
      input: "projectId",
      message: /does not exist/,
    },
    {
      name: "page size out of range",
      query: `{ projects(first: 1000) { totalCount } }`,
      status: 200,
      input: "first",
      message: /between 1 and 100/,
    },
    {
      name: "bad cursor",
      query: `{ projects(after: "garbage") { totalCount } }`,
      status: 200,
      input: "after",
      message: /cursor/,
    },
    {
      name: "deploy preview of a non-numeric project",
      query: `{ deployPreview(projectId: "abc") { status } }`,
      status: 200,
      input: "projectId",
      message: /non-negative integer/,
    },
    {
      name: "deploy preview at a negative time",
      query: `{ deployPreview(projectId: "1", at: "-1") { status } }`,
      status: 400,
      input: "at",
      message: /non-negative integer/,
    },
    {
      name: "unknown project to deploy",
      query: `mutation { buildDeploy(projectId: "99") { to } }`,
      status: 200,
      input: "projectId",
      message: /does not exist/,
    },
    {
      name: "deployMany with a bad id",
      query: `mutation { buildDeployMany(projectIds: ["1", "x"]) { to } }`,
      status: 200,
      input: "projectIds[1]",
      message: /non-negative integer/,
    },
    {
      name: "deploy steps page size 0",
      query: `{ project(id: "1") { deploySteps(first: 0) { id } } }`,
      status: 200,
      input: "first",
      message: /between 1 and 100/,
    },
    {
      name: "harvests page size 101",
      query: `{ project(id: "1") { harvests(first: 101) { id } } }`,
      status: 200,
      input: "first",
      message: /between 1 and 100/,
    },
    {
      name: "daily history skip past 5000",
      query: `{ protocol { daily(skip: 5001) { dayId } } }`,
      status: 200,
      input: "skip",
      message: /between 0 and 5000/,
    },
    {
      name: "deploy step page size 0 (PageSize)",
      query: `{ project(id: "1") { deployStepPage(first: 0) { totalCount } } }`,
      status: 400,
      input: "first",
      message: /page size must be an integer from 1 to 100, got 0/,
    },
    {
      name: "harvest page size 101 (PageSize)",
      query: `{ project(id: "1") { harvestPage(first: 101) { totalCount } } }`,
      status: 400,
      input: "first",
      message: /page size must be an integer from 1 to 100, got 101/,
    },
    {
      name: "page size as a string",
      query: `{ project(id: "1") { deployStepPage(first: "10") { totalCount } } }`,
      status: 400,
      input: "first",
      message: /page size must be an integer from 1 to 100/,
    },
    {
      name: "page size variable out of range",
      query: `query($n: PageSize) { project(id: "1") { deployStepPage(first: $n) { totalCount } } }`,
      variables: { n: 500 },
      status: 400,
      message: /\$n[\s\S]*page size must be an integer from 1 to 100, got 500/,
    },
    {
      name: "a cursor that is not one",
      query: `{ project(id: "1") { deployStepPage(after: "garbage!") { totalCount } } }`,
      status: 400,
      input: "after",
      message: /is not a cursor of this API: pass a page's pageInfo.endCursor/,
    },
    {
      name: "a well-formed base64 string that is not a cursor",
      query: `{ project(id: "1") { harvestPage(after: "${Buffer.from("p:3:ID:ASC").toString("base64url")}") { totalCount } } }`,
      status: 400,
      input: "after",
      message: /is not a cursor of this API/,
    },
    {
      name: "a cursor skipping past 5000",
      query: `{ project(id: "1") { harvestPage(after: "${Buffer.from("harvests:1700000000:5001").toString("base64url")}") { totalCount } } }`,
      status: 400,
      input: "after",
      message: /is not a cursor of this API/,
    },
    {
      name: "a harvests cursor for deploy steps",
      query: `{ project(id: "1") { deployStepPage(after: "${Buffer.from("harvests:1700000000:1").toString("base64url")}") { totalCount } } }`,
      status: 200,
      input: "after",
      message: /after is a cursor of harvests, not of deploySteps/,
    },
    {
      name: "a day field that does not exist",
      query: `{ project(id: "1") { daily { candle } } }`,
      status: 400,
      message: /Cannot query field "candle" on type "ProjectDay"/,
    },
    {
      name: "a deployment field that does not exist",
      query: `{ project(id: "1") { deployment { ratio } } }`,
      status: 400,
      message: /Cannot query field "ratio" on type "ProjectDeployment"/,
    },
    {
      name: "unknown field",
      query: `{ protocol { nonsense } }`,
      status: 400,
      message: /Cannot query field "nonsense"/,
    },
    { name: "syntax error", query: `{ protocol { `, status: 400, message: /Syntax Error/ },
    {
      name: "too deep (graphql-armor max depth)",
      query: `{ account(address: "${alice}") { allocations { project { token { address } } } } }`,
      status: 400,
      message: /depth limit of 4 exceeded/i,
    },
    {
      name: "too costly",
      query: `{ ${Array.from({ length: 20 }, (_, i) => `p${i}: projects(first: 100) { nodes { id name apr } }`).join(" ")} }`,
      status: 400,
      message: /Cost limit of 5000 exceeded/,
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const r = await gql(api, c.query, c.variables);
      expect(r.status).toBe(c.status);
      const error = r.body.errors?.[0];
      expect(error?.message).toMatch(c.message);
      if (c.input !== undefined) expect(error?.extensions?.["input"]).toBe(c.input);
    });
  }

  it("GraphiQL's pre-filled query runs without errors", async () => {
    const r = await gql(api, DEFAULT_QUERY);
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.projects.nodes.length).toBeGreaterThan(0);
    expect(r.body.data.projects.nodes[0].polShareDecimal).not.toBeUndefined();
  });

  it("queries within the depth and cost limits run", async () => {
    const r = await gql(
      api,
      `{ account(address: "${alice}") { allocations { project { id } } } projects(first: 100) { nodes { id apr } } }`,
    );
    expect(r.status).toBe(200);
  });

  it("malformed JSON, a non-object body and a missing query are 400s", async () => {
    const malformed = await post("{ not json");
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).errors[0]).toMatchObject({
      extensions: { code: "BAD_REQUEST", input: "body" },
    });
    expect((await post("[1,2]")).status).toBe(400);
    const missing = await post(JSON.stringify({ variables: {} }));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).errors[0].extensions.input).toBe("query");
  });

  it("an oversized body is a 413", async () => {
    const big = JSON.stringify({ query: `{ apiVersion { schema } }`, variables: { pad: "x".repeat(10_000) } });
    const r = await post(big);
    expect(r.status).toBe(413);
    expect(((await r.json()) as any).errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("a mutation over GET is a 405", async () => {
    const r = await fetch(`${api.url}/graphql?query=${encodeURIComponent("mutation { buildApproveStEth { to } }")}`);
    expect(r.status).toBe(405);
  });

  it("a request over TCM_API_TIMEOUT_MS is a 504 with a GraphQL error", async () => {
    const r = await gql(slow, `{ projects(first: 50) { nodes { id apr } } }`);
    expect(r.status).toBe(504);
    expect(r.body.errors?.[0]).toMatchObject({ extensions: { code: "TIMEOUT" } });
  });
});

describe("subgraph down", () => {
  it("live fields answer, history fields are null with an error saying so (HTTP 200, partial data)", async () => {
    const r = await gql(
      api,
      `{ protocol { totalPrincipal daily { dayId } } project(id: "1") { name spotPrice pendingWstEth harvests { id } daily { dayId } deployment { deploymentRatio } } }`,
    );
    expect(r.status).toBe(200);
    expect(r.body.data.protocol.totalPrincipal).toMatch(/^\d+$/);
    expect(r.body.data.project.name).toBeTruthy();
    expect(r.body.data.project.pendingWstEth).toMatch(/^\d+$/);
    expect(r.body.data.project.harvests).toBeNull();
    expect(r.body.data.project.deployment).toBeNull();
    expect(r.body.data.protocol.daily).toBeNull();
    expect(r.body.errors?.length).toBe(4);
    for (const error of r.body.errors ?? []) {
      expect(error.extensions).toMatchObject({ code: "HISTORY_UNAVAILABLE", reason: "down" });
      expect(error.message).toMatch(/subgraph .* did not answer/);
    }
    const health = (await (await fetch(`${api.url}/health`)).json()) as any;
    expect(health).toMatchObject({
      status: "degraded",
      chain: { ok: true },
      subgraph: { configured: true, ok: false },
    });
  });
});

describe("subgraph unhealthy", () => {
  it("a subgraph that never answers times out, one that answers HTTP 500 is down: history fields say which", async () => {
    // /hang never answers; anything else is a 500.
    const server = createServer((req, res) => {
      if (req.url?.startsWith("/hang")) return;
      res.writeHead(500).end("boom");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as AddressInfo).port;
    const hanging = await startApi(chain, {
      subgraphUrl: Option.some(new URL(`http://127.0.0.1:${port}/hang`)),
      subgraphTimeout: Duration.millis(300),
    });
    const failing = await startApi(chain, {
      subgraphUrl: Option.some(new URL(`http://127.0.0.1:${port}/subgraphs/name/tcm`)),
    });
    try {
      const slow = await gql(hanging, `{ project(id: "1") { name deployment { deploymentRatio } } }`);
      expect(slow.status).toBe(200);
      expect(slow.body.data.project.name).toBeTruthy();
      expect(slow.body.errors?.[0]).toMatchObject({
        path: ["project", "deployment"],
        extensions: { code: "HISTORY_UNAVAILABLE", reason: "down" },
      });
      expect(slow.body.errors?.[0]?.message).toMatch(/did not answer \(no answer within 300ms\)/);
      const broken = await gql(failing, `{ protocol { totals { deploymentRatio } } }`);
      expect(broken.body.errors?.[0]).toMatchObject({
        path: ["protocol", "totals"],
        extensions: { code: "HISTORY_UNAVAILABLE", reason: "down" },
      });
      expect(broken.body.errors?.[0]?.message).toMatch(/did not answer \(HTTP 500\)/);
    } finally {
      await hanging.stop();
      await failing.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe("GraphiQL in headless Chromium", () => {
  const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
  it.skipIf(!existsSync(executablePath) && !process.env["CI"])(
    "loads GraphiQL from the API itself and runs a query",
    async () => {
      const browser = await chromium.launch({
        executablePath,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      });
      try {
        const page = await browser.newPage();
        const failed: string[] = [];
        page.on("requestfailed", (request) => failed.push(request.url()));
        const query = "{ apiVersion { schema chainId } protocol { projectCount } }";
        await page.goto(`${api.url}/graphql#query=${encodeURIComponent(query)}`);
        expect(await page.title()).toMatch(/GraphiQL/);
        await page.waitForSelector(".graphiql-execute-button", { timeout: 20_000 });
        await page.click(".graphiql-execute-button");
        await page.waitForFunction(
          () => (document.querySelector(".result-window")?.textContent ?? "").includes("projectCount"),
          undefined,
          { timeout: 20_000 },
        );
        const text = (await page.textContent(".result-window")) ?? "";
        expect(text).toContain('"schema": "2.2.0"');
        expect(text).toMatch(/"projectCount":\s*3/);
        expect(failed).toEqual([]);
        // Without a preset, a first visit (GraphiQL keeps the last query in localStorage: a new context) opens with the
        // default query, and that query runs without errors.
        const fresh = await (await browser.newContext()).newPage();
        await fresh.goto(`${api.url}/graphql`);
        await fresh.waitForSelector(".graphiql-execute-button", { timeout: 20_000 });
        await fresh.click(".graphiql-execute-button");
        await fresh.waitForFunction(
          () => (document.querySelector(".result-window")?.textContent ?? "").includes("totalCount"),
          undefined,
          { timeout: 20_000 },
        );
        const answer = (await fresh.textContent(".result-window")) ?? "";
        expect(answer).toMatch(/"totalCount":\s*3/);
        expect(answer).not.toContain('"errors"');
        // Assets are whitelisted: anything else under /graphql/assets is a 404.
        const missing = await fetch(`${api.url}/graphql/assets/package.json`);
        expect(missing.status).toBe(404);
      } finally {
        await browser.close();
      }
    },
  );
});

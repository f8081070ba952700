/**
 * TCM_API_WORKERS=2: the API process (`node --import tsx src/main.ts`) as a Node cluster, a primary and two workers
 * sharing the port. A taken port is reported once and the whole API exits 2; /health and /graphql answer on both
 * workers (new connections, handed out round-robin); /metrics on any worker shows every worker's series labelled
 * worker="<i>" under one HELP/TYPE per family; SIGTERM stops the workers and the primary exits 0; a worker killed with
 * SIGKILL makes the primary stop the other and exit 1. Every check of "no process left" is by the PIDs the primary
 * logged.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { freePort, startDevnet } from "@tcm/devnet/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTakenPort } from "./taken-port.js";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Worker number → PID, from the primary's "worker <n> started (pid <p>)" lines. */
  readonly workers: () => Map<number, number>;
}

const running: Running[] = [];

const startApi = (env: Record<string, string>): Running => {
  const child = spawn(process.execPath, ["--import", "tsx", main], {
    env: { ...process.env, TCM_API_WORKERS: "2", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const api: Running = {
    child,
    output: () => output,
    exited,
    workers: () =>
      new Map([...output.matchAll(/worker (\d+) started \(pid (\d+)\)/g)].map((m) => [Number(m[1]), Number(m[2])])),
  };
  running.push(api);
  return api;
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

const within = <A>(promise: Promise<A>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)),
  ]);

/** One request on a new connection (no keep-alive agent), so the cluster hands each to the next worker. */
const http = (port: number, method: "GET" | "POST", path: string, body?: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent: false,
        headers:
          body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (data += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });

/** Until both workers listen (the primary says so) and /health answers 200. */
const ready = async (api: Running, port: number) => {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (api.child.exitCode !== null) throw new Error(`the API exited ${api.child.exitCode}:\n${api.output()}`);
    if (api.output().includes("the API runs 2 workers")) {
      const health = await http(port, "GET", "/health").catch(() => undefined);
      if (health?.status === 200) return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the API was not ready within 60 s:\n${api.output()}`);
};

afterAll(() => {
  for (const api of running)
    if (api.child.exitCode === null && api.child.signalCode === null) api.child.kill("SIGKILL");
  for (const api of running) for (const pid of api.workers().values()) if (alive(pid)) process.kill(pid, "SIGKILL");
});

describe("TCM_API_WORKERS=2 on a port that is taken", () => {
  const taken = useTakenPort("tcm-api-cluster-");
  const { deploymentFile } = taken;

  it("prints the bind failure once, exits 2 and leaves no worker behind", async () => {
    const api = startApi({
      TCM_RPC_URLS: `http://127.0.0.1:${await freePort()}`,
      TCM_DEPLOYMENT_FILE: deploymentFile,
      TCM_API_PORT: String(taken.port),
    });
    const { code } = await within(api.exited, 60_000, "the API exits");
    const output = api.output();
    expect(code, output).toBe(2);
    const message = `the API cannot listen on 127.0.0.1:${taken.port}: port ${taken.port} is already in use`;
    expect(output.split(message).length - 1, output).toBe(1);
    expect(output).toContain("Set TCM_API_PORT to a free port");
    expect(output).not.toMatch(/ServeError|An error has occurred/);
    const workers = api.workers();
    expect([...workers.keys()].sort()).toEqual([1, 2]);
    for (const pid of [api.child.pid!, ...workers.values()]) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 70_000);

  it("rejects a bad TCM_API_WORKERS at start, naming it and the value", async () => {
    const api = startApi({
      TCM_RPC_URLS: `http://127.0.0.1:${await freePort()}`,
      TCM_DEPLOYMENT_FILE: deploymentFile,
      TCM_API_PORT: "0",
      TCM_API_WORKERS: "two",
    });
    const { code } = await within(api.exited, 60_000, "the API exits");
    expect(code, api.output()).toBe(1);
    expect(api.output()).toMatch(/TCM_API_WORKERS.*"two"/);
    expect(api.workers().size).toBe(0);
  }, 70_000);
});

describe("TCM_API_WORKERS=2 against a devnet", () => {
  let chain: Awaited<ReturnType<typeof startDevnet>>;
  beforeAll(async () => {
    chain = await startDevnet();
  }, 120_000);
  afterAll(async () => {
    await chain?.close();
  });

  const start = async () => {
    const port = await freePort();
    const api = startApi({
      TCM_RPC_URLS: chain.node.url,
      TCM_DEPLOYMENT_FILE: chain.deploymentFile,
      TCM_API_PORT: String(port),
    });
    await ready(api, port);
    return { api, port };
  };

  it("serves /health and /graphql on both workers; /metrics has every worker's series; SIGTERM stops all, exit 0", async () => {
    const { api, port } = await start();
    expect(api.output()).toMatch(/the API runs 2 workers \(Node cluster, round-robin\) on http:\/\/127\.0\.0\.1:\d+/);
    for (let i = 0; i < 4; i++) expect((await http(port, "GET", "/health")).status).toBe(200);

    const SENT = 40;
    for (let i = 0; i < SENT; i++) {
      const response = await http(port, "POST", "/graphql", JSON.stringify({ query: "{ protocol { projectCount } }" }));
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ data: { protocol: { projectCount: 3 } } });
    }

    // Several scrapes, each on a new connection (so both workers answer some): each has every worker's series.
    for (let scrape = 0; scrape < 4; scrape++) {
      const metrics = await http(port, "GET", "/metrics");
      expect(metrics.status).toBe(200);
      const lines = metrics.body.split("\n");
      const operations = lines
        .map((line) => /^tcm_api_graphql_operations_total\{worker="(\d+)",outcome="ok"\} (\d+)$/.exec(line))
        .filter((m) => m !== null);
      expect(new Set(operations.map((m) => m[1])), metrics.body).toEqual(new Set(["1", "2"]));
      expect(operations.reduce((sum, m) => sum + Number(m[2]), 0)).toBe(SENT);
      for (const m of operations) expect(Number(m[2])).toBeGreaterThan(0);
      const graphqlRequests = lines
        .map((line) => /^tcm_api_http_requests_total\{worker="(\d+)",route="graphql",status="200"\} (\d+)$/.exec(line))
        .filter((m) => m !== null);
      expect(graphqlRequests.reduce((sum, m) => sum + Number(m[2]), 0)).toBe(SENT);
      // One HELP and one TYPE per family; every sample carries a worker label.
      const types = lines.filter((line) => line.startsWith("# TYPE ")).map((line) => line.split(" ")[2]);
      expect(types.length).toBeGreaterThan(0);
      expect(new Set(types).size).toBe(types.length);
      expect(lines.filter((line) => line.startsWith("# HELP ")).length).toBe(types.length);
      const samples = lines.filter((line) => line !== "" && !line.startsWith("#"));
      for (const sample of samples) expect(sample).toMatch(/^[a-z_]+\{worker="[12]"[,}]/);
      // A histogram's buckets stay under its family's header.
      const histogram = lines.indexOf("# TYPE tcm_api_http_request_duration_seconds histogram");
      expect(histogram).toBeGreaterThan(0);
      expect(lines[histogram + 1]).toMatch(/^tcm_api_http_request_duration_seconds_bucket\{worker="1",/);
    }

    const workers = [...api.workers().values()];
    expect(workers.length).toBe(2);
    api.child.kill("SIGTERM");
    const { code } = await within(api.exited, 30_000, "the API stops after SIGTERM");
    expect(code, api.output()).toBe(0);
    expect(api.output()).toContain("all 2 workers stopped");
    for (const pid of [api.child.pid!, ...workers]) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 120_000);

  it("a worker killed with SIGKILL: the primary logs which, stops the other and exits 1", async () => {
    const { api } = await start();
    const workers = api.workers();
    const victim = workers.get(1)!;
    process.kill(victim, "SIGKILL");
    const { code } = await within(api.exited, 30_000, "the API exits after a worker's death");
    expect(code, api.output()).toBe(1);
    expect(api.output()).toContain(`worker 1 (pid ${victim}) was killed by SIGKILL: stopping the other workers`);
    for (const pid of [api.child.pid!, ...workers.values()]) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 120_000);

  it("the primary killed with SIGKILL: its workers exit on their own (their IPC channel closed)", async () => {
    const { api } = await start();
    const workers = [...api.workers().values()];
    expect(workers.length).toBe(2);
    for (const pid of workers) expect(alive(pid)).toBe(true);
    api.child.kill("SIGKILL");
    await within(api.exited, 10_000, "the primary dies");
    const deadline = Date.now() + 10_000;
    while (workers.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const pid of workers) expect(alive(pid), `worker pid ${pid}`).toBe(false);
  }, 120_000);
});

// End to end: `npm start -- --days 2` as a user runs it (free ports, its own state folder), then the API, the
// subgraph and the printed summary are checked against each other, and Ctrl-C (SIGINT) must leave nothing behind.
// With its own state folder the start writes its deployment there: contracts/deployments/devnet.json (a developer's
// `npm start`, whose CLI, keeper and API read it) is left as it was, and the README's blocks run on this start's file.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { freePort, gql, isAlive as alive } from "@tcm/devnet/promise";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_SUMMARY_QUERY, type ProjectSummary, SUMMARY_QUERY, formatTable, type Summary } from "../src/summary.js";

const ROOT = resolve(import.meta.dirname, "../../..");

/** The default start's deployment (the CLI's default): its content, or null when there is none. */
const DEFAULT_DEPLOYMENT = join(ROOT, "contracts/deployments/devnet.json");
const defaultDeployment = () => (existsSync(DEFAULT_DEPLOYMENT) ? readFileSync(DEFAULT_DEPLOYMENT, "utf8") : null);
const defaultDeploymentBefore = defaultDeployment();

/** A README block run on this start's deployment file instead of contracts/deployments/devnet.json. */
const onDeployment = (block: string, file: string) =>
  block.replaceAll("./contracts/deployments/devnet.json", file).replaceAll("contracts/deployments/devnet.json", file);

interface Ready {
  rpc: string;
  api: string | null;
  subgraph: string | null;
  keeperMetrics: string | null;
  ipfs: string | null;
  deploymentFile: string;
  pidFile: string;
  pids: Record<string, number>;
}

const parseSummary = (json: string): Summary => {
  const raw = JSON.parse(json);
  const big = (p: Record<string, string | number | null>, key: string) => BigInt(p[key] as string);
  return {
    source: raw.source,
    block: BigInt(raw.block),
    projects: raw.projects.map((p: Record<string, string | number | null>) => ({
      projectId: p["projectId"],
      symbol: p["symbol"],
      name: p["name"],
      yieldRouted: big(p, "yieldRouted"),
      harvestedWstEth: big(p, "harvestedWstEth"),
      deployedWstEth: big(p, "deployedWstEth"),
      pendingWstEth: big(p, "pendingWstEth"),
      deploymentRatio: p["deploymentRatio"] === null ? null : big(p, "deploymentRatio"),
      lpLocked: big(p, "lpLocked"),
      price: big(p, "price"),
      tokensEmitted: big(p, "tokensEmitted"),
    })),
  };
};

/** Resolves once `output()` matches `line`; rejects when the start exits first or after `timeoutMs`. */
const waitForLine = (child: ChildProcess, output: () => string, line: RegExp, timeoutMs: number) =>
  new Promise<void>((resolveLine, reject) => {
    const deadline = Date.now() + timeoutMs;
    const timer = setInterval(() => {
      if (line.test(output())) {
        clearInterval(timer);
        resolveLine();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm start exited (${child.exitCode}) before ${line}:\n${output()}`));
      } else if (Date.now() > deadline) {
        clearInterval(timer);
        reject(new Error(`npm start printed no ${line} within ${timeoutMs / 1000} s:\n${output()}`));
      }
    }, 200);
  });

/**
 * `bash -euo pipefail -c script` in the workspace root, without blocking the test's event loop (spawnSync for a
 * minute starves vitest's own RPC on a busy machine); killed after `timeoutMs`.
 */
const bash = (script: string, env: Record<string, string>, timeoutMs: number) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolveRun, reject) => {
    const shell = spawn("bash", ["-euo", "pipefail", "-c", script], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    shell.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    shell.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => shell.kill("SIGKILL"), timeoutMs);
    shell.once("error", reject);
    shell.once("close", (status) => {
      clearTimeout(timer);
      resolveRun({ status, stdout, stderr });
    });
  });

describe("npm start", () => {
  let child: ChildProcess;
  let output = "";
  let ready: Ready;
  let summary: Summary;
  const stateDir = mkdtempSync(join(tmpdir(), "tcm-start-e2e-"));
  const until = (line: RegExp) => waitForLine(child, () => output, line, 115_000);

  beforeAll(async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const [rpc, api, graph, ipfs, keeper] = ports.map(String) as [string, string, string, string, string];
    child = spawn(
      "npm",
      [
        "start",
        "--",
        "--days",
        "2",
        "--rpc-port",
        rpc,
        "--api-port",
        api,
        "--graph-port",
        graph,
        "--ipfs-port",
        ipfs,
        "--keeper-port",
        keeper,
        "--state-dir",
        stateDir,
      ],
      // A process group of its own, like a terminal's foreground job: Ctrl-C is then a SIGINT to the group.
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  });

  // The start in steps, each a hook of its own within the time limit (a step's marker is the line npm start prints
  // when it is done): the builds, anvil and the deploy; the subgraph build, Postgres, IPFS and graph-node; the keeper;
  // the simulated days; graph-node's sync, the API and the summary.
  for (const marker of [
    /✓ deploy the contracts/,
    /✓ start graph-node/,
    /✓ start the keeper/,
    /✓ simulate \d+ days?/,
    /^TCM_READY /m,
  ])
    beforeAll(() => until(marker));

  beforeAll(() => {
    ready = JSON.parse(/^TCM_READY (.*)$/m.exec(output)![1]!);
    summary = parseSummary(/^TCM_SUMMARY (.*)$/m.exec(output)![1]!);
  });

  afterAll(() => {
    // Only if a test failed half-way: nothing of this run may outlive it.
    const kill = (pid: number) => {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    };
    if (child.exitCode === null && child.signalCode === null) kill(-child.pid!);
    // The start's children lead process groups of their own (its pid file lists them even before it is ready).
    let started: Array<{ pid: number }> = [];
    try {
      started = JSON.parse(readFileSync(join(stateDir, "pids.json"), "utf8")).processes;
    } catch {}
    for (const { pid } of started) kill(-pid);
    for (const pid of Object.values(ready?.pids ?? {})) if (alive(pid)) kill(pid);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("prints progress, where everything runs, and a summary table that matches its data", () => {
    expect(output).toMatch(/\[1\] choose ports/);
    expect(output).toContain("TCM is running");
    expect(output).toContain(ready.rpc);
    expect(summary.projects).toHaveLength(3);
    // Two days of harvests: every project has yield routed into locked liquidity and a live price.
    for (const project of summary.projects) {
      expect(project.yieldRouted).toBeGreaterThan(0n);
      expect(project.lpLocked).toBeGreaterThan(0n);
      expect(project.price).toBeGreaterThan(0n);
      expect(project.tokensEmitted).toBeGreaterThan(0n);
      // The yield reached the pool: what is neither deployed nor pending went to the step bounties (≤ 1 %).
      expect(project.deployedWstEth + project.pendingWstEth).toBeLessThanOrEqual(project.harvestedWstEth);
      expect((project.deployedWstEth + project.pendingWstEth) * 100n).toBeGreaterThanOrEqual(
        project.harvestedWstEth * 99n,
      );
      expect(project.deploymentRatio).toBe((project.deployedWstEth * 10n ** 18n) / project.harvestedWstEth);
    }
    expect(output).toMatch(
      /deployed \(wstETH\) = all the wstETH the deploy steps put into the pool; deployed = that ÷ harvested \(wstETH\)/,
    );
    expect(output).toContain(formatTable(summary));
  });

  it("writes its deployment into its own state folder and names it; contracts/deployments/devnet.json is untouched", () => {
    expect(ready.deploymentFile).toBe(join(stateDir, "deployment.json"));
    expect(ready.pidFile).toBe(join(stateDir, "pids.json"));
    expect(JSON.parse(readFileSync(ready.deploymentFile, "utf8")).rpcUrl).toBe(ready.rpc);
    expect(output).toMatch(new RegExp(`^\\s+deployment\\s+${ready.deploymentFile}\\s`, "m"));
    expect(output).toContain(`TCM_DEPLOYMENT_FILE=${ready.deploymentFile}`);
    expect(defaultDeployment()).toBe(defaultDeploymentBefore);
  });

  it("a second start with the same state folder refuses (exit code 2, naming this one's pid) and changes nothing", async () => {
    const deployment = readFileSync(ready.deploymentFile, "utf8");
    const pidFile = readFileSync(ready.pidFile, "utf8");
    // The orchestrator itself (no bundle builds): it refuses before it chooses a port or starts anything.
    const second = await new Promise<{ code: number | null; text: string }>((resolveRun, reject) => {
      const run = spawn(
        process.execPath,
        [
          ...["--import", "tsx", "packages/start/src/main.ts", "--days", "0", "--no-subgraph", "--exit-when-ready"],
          ...["--state-dir", stateDir],
        ],
        { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      let text = "";
      run.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
      run.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
      const timer = setTimeout(() => run.kill("SIGKILL"), 60_000);
      run.once("error", reject);
      run.once("close", (code) => {
        clearTimeout(timer);
        resolveRun({ code, text });
      });
    });
    expect(second.code, second.text).toBe(2);
    expect(second.text).toContain(
      `refusing to start: another \`npm start\` (pid ${ready.pids["orchestrator"]}) is running with the state folder ${stateDir}`,
    );
    expect(second.text).toContain("--state-dir");
    expect(readFileSync(ready.deploymentFile, "utf8")).toBe(deployment);
    expect(readFileSync(ready.pidFile, "utf8")).toBe(pidFile);
    expect(defaultDeployment()).toBe(defaultDeploymentBefore);
  }, 60_000);

  it("serves the chain, the subgraph and IPFS, and the summary equals the subgraph's numbers at that block", async () => {
    const rpc = await fetch(ready.rpc, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
    });
    expect(BigInt(((await rpc.json()) as { result: string }).result)).toBeGreaterThanOrEqual(summary.block);

    expect(ready.subgraph).not.toBeNull();
    const atBlock = SUMMARY_QUERY.replace(
      "projects(orderBy: projectId)",
      `projects(orderBy: projectId, block: { number: ${summary.block} })`,
    );
    const indexed = await gql(ready.subgraph!, atBlock);
    const history = (p: ProjectSummary) => ({
      projectId: p.projectId,
      yieldRouted: p.yieldRouted,
      harvestedWstEth: p.harvestedWstEth,
      deployedWstEth: p.deployedWstEth,
      pendingWstEth: p.pendingWstEth,
      deploymentRatio: p.deploymentRatio,
      lpLocked: p.lpLocked,
      tokensEmitted: p.tokensEmitted,
    });
    // Running totals equal the indexed ones to the wei, and so does the ratio the API computes with the domain (the
    // API serves the totals from the subgraph; pending, LP and supply it reads live from the chain, and the
    // subgraph's e2e proves those equal the indexed figures).
    expect(
      indexed.projects.map((p: Record<string, string> & { latestDay: { tokenSupply: string } }) => {
        const harvested = BigInt(p["cumulativeWstEthWrapped"]!);
        const deployed = BigInt(p["cumulativeWstEthDeployed"]!);
        return {
          projectId: Number(p["projectId"]),
          yieldRouted: BigInt(p["cumulativeYieldStEth"]!),
          harvestedWstEth: harvested,
          deployedWstEth: deployed,
          pendingWstEth: BigInt(p["pendingWstEth"]!),
          deploymentRatio: harvested === 0n ? null : (deployed * 10n ** 18n) / harvested,
          lpLocked: BigInt(p["cumulativeLiquidityMinted"]!),
          tokensEmitted: BigInt(p.latestDay.tokenSupply),
        };
      }),
    ).toEqual(summary.projects.map(history));
    if (summary.source === "subgraph")
      expect(indexed.projects.map((p: Record<string, string>) => BigInt(p["poolPrice"]!))).toEqual(
        summary.projects.map((p) => p.price),
      );

    expect(ready.ipfs).not.toBeNull();
    expect(
      (await fetch(`${ready.ipfs}/ipfs/QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn`, { method: "HEAD" })).status,
    ).toBe(200);
  });

  it("runs the real keeper, which did the harvesting and the deploy steps", async () => {
    expect(ready.keeperMetrics, "the keeper did not start (see the output)").not.toBeNull();
    const metrics = await (await fetch(ready.keeperMetrics!)).text();
    expect(metrics).toMatch(/tcm_keeper_harvests_total\{project="1"\} [1-9]/);
    expect(output).toMatch(/harvests: [1-9]\d* by the keeper, 0 by the simulation/);
    // The keeper also ran the deploy steps that put the yield into the pools, one every stepInterval.
    expect(metrics).toMatch(/tcm_keeper_deploy_steps_total\{project="1"\} ([2-9]|\d\d+)/);
    expect(output).toMatch(/deploy steps: [1-9]\d* by the keeper, 0 by the simulation/);
  });

  it("serves the API with the same numbers as the summary", async () => {
    if (ready.api === null) expect.fail(`the API did not start; the start's output:\n${output.slice(-3000)}`);
    const data = await gql(ready.api, "{ __typename }");
    expect(data.__typename).toBe("Query");
    expect(summary.source).toBe("api");
    // The printed live numbers (spot price, LP locked, supply) are what the API serves now.
    const fromApi = await gql(ready.api, API_SUMMARY_QUERY);
    expect(
      fromApi.projects.nodes.map((p: any) => [
        Number(p.projectId),
        BigInt(p.spotPrice),
        BigInt(p.lockedLiquidity),
        BigInt(p.token.totalSupply),
        BigInt(p.pendingWstEth),
        p.deployment.deploymentRatio === null ? null : BigInt(p.deployment.deploymentRatio),
      ]),
    ).toEqual(
      summary.projects.map((p) => [
        p.projectId,
        p.price,
        p.lpLocked,
        p.tokensEmitted,
        p.pendingWstEth,
        p.deploymentRatio,
      ]),
    );
    // GraphiQL: an HTML page on GET from a browser, its assets served by the API itself.
    const page = await fetch(ready.api, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/GraphiQL/);
    expect((await fetch(`${ready.api}/assets/graphiql.js`)).status).toBe(200);
  });

  it("prints a funded key, and the CLI examples work as printed on the chain it started (not on 8545)", async () => {
    const key = /^\s+export TCM_PRIVATE_KEY=(0x[0-9a-f]{64})\s/m.exec(output)?.[1];
    expect(key).toBeDefined();
    expect(output).toMatch(/your account\s+0x[0-9a-fA-F]{40}\s+100 ETH, 100 stETH, nothing deposited/);
    // The "Try:" block's CLI part, literally: every line after its "# the CLI" comment up to the blank line.
    const tryBlock = output.slice(output.indexOf("\nTry:\n"));
    const cli = tryBlock.slice(tryBlock.indexOf("# the CLI"), tryBlock.indexOf("\n\n"));
    const commands = cli
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    expect(commands.filter((c) => c.startsWith("npx tcm")).length).toBeGreaterThanOrEqual(3);
    // A start with its own state folder points the CLI at its deployment (the default file may name another chain).
    expect(commands[0]).toBe(`export TCM_DEPLOYMENT_FILE=${ready.deploymentFile}`);
    const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1" };
    for (const name of ["TCM_RPC_URL", "TCM_DEPLOYMENT_FILE", "TCM_PRIVATE_KEY", "FORCE_COLOR"]) delete env[name];
    const run = await bash(commands.join("\n"), env, 100_000);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    // Every read said where it came from: this start's anvil, on its free port.
    expect(ready.rpc).not.toBe("http://127.0.0.1:8545");
    const sources = run.stderr.split("\n").filter((l) => l.startsWith("read "));
    expect(sources.length).toBeGreaterThanOrEqual(2);
    for (const line of sources) expect(line.startsWith(`read ${ready.rpc} (chain 31337) at block `)).toBe(true);
    // The deposit opened a position of 10 stETH (stETH moves in shares: the principal can read a wei short).
    expect(run.stdout).toMatch(/principal\s+(10|9\.999999) stETH/);
  }, 120_000);

  it("README test: every CLI command block of the README's walkthroughs runs as written, on this devnet", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const walkthroughs = readme.slice(readme.indexOf("\n## Walkthroughs"), readme.indexOf("\n## tcm CLI"));
    const blocks = [...walkthroughs.matchAll(/```sh\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .filter((b) => /^npx tcm /m.test(b));
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1" };
    for (const name of ["TCM_RPC_URL", "TCM_DEPLOYMENT_FILE", "TCM_PRIVATE_KEY", "FORCE_COLOR"]) delete env[name];
    // The README's no-flags CLI reads the default start's file; this start's is named the way its summary says.
    env["TCM_DEPLOYMENT_FILE"] = ready.deploymentFile;
    // One shell, the blocks in order (the first exports the key the others sign with); the first failing command fails it.
    const script = blocks.join("\n");
    const run = await bash(script, env, 100_000);
    expect(run.status, `${script}\n---\n${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/Project \d+ launched/);
    expect(run.stdout).toMatch(/Funded 0xBaB56CC3B0f5Fc4e251Bdf85fF19282A71051689/);
  }, 120_000);

  /** The walkthroughs' paragraphs: each bold label ("**Run a keeper**") with the fenced blocks of its language. */
  const walkthrough = (label: string, language: string) => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf(`\n**${label}**`);
    expect(start, `README.md has no walkthrough paragraph **${label}**`).toBeGreaterThan(-1);
    const end = readme.indexOf("\n**", start + 1);
    const paragraph = readme.slice(start, end === -1 ? undefined : end);
    return [...paragraph.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);
  };

  it("README test: the walkthroughs' GraphQL queries answer without errors, from the API and from the subgraph", async () => {
    const apiQueries = walkthrough("Integrate via GraphQL", "graphql").flatMap((b) => b.split("\n").filter(Boolean));
    expect(apiQueries.length).toBeGreaterThanOrEqual(4);
    for (const query of apiQueries) {
      // gql fails on any GraphQL error; every query's first field answers something.
      const data = await gql(ready.api!, query);
      expect(
        Object.values(data).every((v) => v !== null && v !== undefined),
        query,
      ).toBe(true);
    }
    const projects = (await gql(ready.api!, apiQueries[0]!)).projects.nodes;
    // The three demo projects, and any the CLI walkthrough launched before.
    expect(projects.length).toBeGreaterThanOrEqual(3);
    // At least what the summary showed: the walkthrough's `tcm deploy --all` may have stepped since.
    const deployment = (await gql(ready.api!, apiQueries[1]!)).project.deployment;
    expect(BigInt(deployment.deployedWstEth)).toBeGreaterThanOrEqual(summary.projects[0]!.deployedWstEth);

    const subgraphQueries = walkthrough("Query the subgraph", "graphql").flatMap((b) => b.split("\n").filter(Boolean));
    expect(subgraphQueries.length).toBeGreaterThanOrEqual(2);
    for (const query of subgraphQueries) {
      const data = await gql(ready.subgraph!, query);
      const first = Object.values(data)[0];
      expect(Array.isArray(first) ? first.length : first, query).toBeTruthy();
    }
  }, 60_000);

  /**
   * Runs a README block that starts a service (it runs until stopped) literally in its own process group, waits until
   * `probe` answers and its output shows `started`, then stops the group with SIGTERM. Returns the probe's answer and
   * the block's output.
   */
  const runService = async (block: string, probe: string, started: RegExp) => {
    const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1" };
    for (const name of ["TCM_RPC_URLS", "TCM_RPC_URL", "TCM_DEPLOYMENT_FILE", "TCM_PRIVATE_KEY"]) delete env[name];
    const shell = spawn("bash", ["-euo", "pipefail", "-c", block], { cwd: ROOT, env, detached: true });
    let log = "";
    shell.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString()));
    shell.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
    const closed = new Promise<void>((resolveClosed) => shell.once("close", () => resolveClosed()));
    let answer: Response | undefined;
    const deadline = Date.now() + 90_000;
    try {
      while ((answer === undefined || !started.test(log)) && shell.exitCode === null && Date.now() < deadline) {
        answer ??= await fetch(probe).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      try {
        process.kill(-shell.pid!, "SIGTERM");
      } catch {}
      await closed;
    }
    return { answer, log };
  };

  it("README test: the keeper block builds the bundle and runs it beside npm start's keeper, on this devnet", async () => {
    const [block] = walkthrough("Run a keeper", "sh");
    expect(block).toBeDefined();
    const port = /TCM_KEEPER_PORT=(\d+)/.exec(block!)?.[1];
    expect(port).toBeDefined();
    // The README names the default start's deployment; this start's own file takes its place.
    expect(block).toContain("TCM_DEPLOYMENT_FILE=contracts/deployments/devnet.json");
    const { answer, log } = await runService(
      onDeployment(block!, ready.deploymentFile),
      `http://127.0.0.1:${port}/health`,
      /keeper started/,
    );
    expect(answer?.status, log).toBe(200);
    // It read this start's chain (the deployment file's rpcUrl), not 8545.
    expect(log).toContain(ready.rpc);
    // The refusal the README quotes is what a keeper on a taken port prints (here: npm start's own keeper's port).
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const quoted = /^keeper: refusing to start: .*$/m.exec(readme)?.[0];
    expect(quoted).toBeDefined();
    const taken = new URL(ready.keeperMetrics!).port;
    const refused = spawnSync(process.execPath, [join(ROOT, "services/keeper/dist/bundle/main.mjs"), "run"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 30_000,
      env: {
        ...process.env,
        NO_COLOR: "1",
        TCM_DEPLOYMENT_FILE: ready.deploymentFile,
        TCM_PRIVATE_KEY: `0x${"11".repeat(32)}`,
        TCM_KEEPER_PORT: taken,
      },
    });
    expect(refused.status).toBe(2);
    expect(refused.stdout + refused.stderr).toContain(quoted!.replaceAll("9464", taken));
  }, 120_000);

  it("README test: the API block builds the bundle and serves the dashboard and GraphQL beside npm start's API", async () => {
    const [block] = walkthrough("Run an API", "sh");
    expect(block).toBeDefined();
    const port = /TCM_API_PORT=(\d+)/.exec(block!)?.[1];
    expect(port).toBeDefined();
    expect(block).toContain('require("./contracts/deployments/devnet.json").rpcUrl');
    expect(block).toContain("TCM_DEPLOYMENT_FILE=contracts/deployments/devnet.json");
    const { answer, log } = await runService(
      onDeployment(block!, ready.deploymentFile),
      `http://127.0.0.1:${port}/`,
      /(?:)/,
    );
    expect(answer?.status, log).toBe(200);
    expect(await answer!.text()).toMatch(/<html/i);
  }, 120_000);

  it("stops every process it started on Ctrl-C (SIGINT) and drops its database", async () => {
    const pids = Object.values(ready.pids);
    expect(pids.length).toBeGreaterThanOrEqual(3);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
      child.once("exit", (code, signal) => resolveExit({ code, signal })),
    );
    // What Ctrl-C in a terminal does: SIGINT to the foreground process group (npm and the start script).
    process.kill(-child.pid!, "SIGINT");
    // npm's child is the orchestrator itself (`exec node …`, no shell between): it stops everything and exits 0, and so
    // does npm — a requested stop is a success.
    const { code, signal } = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const deadline = Date.now() + 30_000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
    await new Promise<void>((resolveClosed) =>
      child.stdout!.readableEnded ? resolveClosed() : child.stdout!.once("close", () => resolveClosed()),
    );
    expect(output).toContain("stopped everything this start began");
    // From its first line to its last, this start left the default start's deployment as it was (or absent).
    expect(defaultDeployment()).toBe(defaultDeploymentBefore);
    const database = `tcm_devnet_${ready.pids["orchestrator"]}`;
    const left = spawnSync(
      "psql",
      [
        "-h",
        "127.0.0.1",
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-qAtc",
        `SELECT count(*) FROM pg_database WHERE datname = '${database}'`,
      ],
      { encoding: "utf8" },
    );
    if (left.status === 0) expect(left.stdout.trim()).toBe("0");
  }, 60_000);
});

describe("npm start stopped by a supervisor", () => {
  let child: ChildProcess;
  let output = "";
  let ready: Ready;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  const stateDir = mkdtempSync(join(tmpdir(), "tcm-start-term-"));

  beforeAll(async () => {
    const [rpc, api, keeper] = (await Promise.all([freePort(), freePort(), freePort()])).map(String) as [
      string,
      string,
      string,
    ];
    child = spawn(
      "npm",
      [
        "start",
        "--",
        "--days",
        "0",
        "--no-subgraph",
        "--rpc-port",
        rpc,
        "--api-port",
        api,
        "--keeper-port",
        keeper,
        "--state-dir",
        stateDir,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolveExit) => child.once("exit", (code, signal) => resolveExit({ code, signal })));
    await waitForLine(child, () => output, /^TCM_READY /m, 115_000);
    ready = JSON.parse(/^TCM_READY (.*)$/m.exec(output)![1]!);
  });

  afterAll(() => {
    for (const pid of [child.pid!, ...Object.values(ready?.pids ?? {})]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("SIGTERM to the npm process alone (not its group) stops every process the start began and exits 0", async () => {
    const pids = Object.values(ready.pids);
    expect(pids).toContain(ready.pids["orchestrator"]);
    process.kill(child.pid!, "SIGTERM");
    expect(await exited).toEqual({ code: 0, signal: null });
    const deadline = Date.now() + 30_000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
    expect(output).toContain("stopped everything this start began");
    expect(JSON.parse(readFileSync(join(stateDir, "deployment.json"), "utf8")).rpcUrl).toBe(ready.rpc);
    expect(defaultDeployment()).toBe(defaultDeploymentBefore);
  });
});

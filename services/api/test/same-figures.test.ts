/**
 * One number, one value: the CLI (`tcm projects --json`, `tcm status --account … --json`, the real binary as a child
 * process) and the API (GraphQL) asked for the same figures of the same projects at the same block must print the
 * same numbers: depositor emission per day, spot price, quote price, APR and an account's tokens per day. Both take
 * them from @tcm/domain's figures; this test fails if either grows a private copy again.
 */
import { technoCapitalMachineAbi } from "@tcm/chain";
import { Devnet } from "@tcm/chain/devnet";
import { ANVIL_ACCOUNTS } from "@tcm/devnet";
import { Effect } from "effect";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { encodeFunctionData, maxUint256, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, type Chain, data, startApi, startChain } from "./harness.js";

const TCM = fileURLToPath(new URL("../../../packages/cli/bin/tcm.mjs", import.meta.url));
const alice = ANVIL_ACCOUNTS[1]!;
const bob = ANVIL_ACCOUNTS[2]!;
const keeper = ANVIL_ACCOUNTS[3]!;

let chain: Chain;
let api: Api;
let deploymentFile: string;

const tools = <A, E>(f: (d: Devnet) => Effect.Effect<A, E>) => chain.tools.runPromise(Effect.flatMap(Devnet, f));
const machineCall = (from: `0x${string}`, functionName: "deposit" | "harvest", args: readonly unknown[]) =>
  tools((d) =>
    d.sendAs(from, {
      to: chain.deployment.machine,
      data: encodeFunctionData({ abi: technoCapitalMachineAbi, functionName, args } as never),
      value: 0n,
    }),
  );

/** `tcm …args --json` against the devnet (read-only commands: no key), parsed. */
const tcm = (args: ReadonlyArray<string>): Promise<any> =>
  new Promise((resolve, reject) => {
    const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1" };
    delete env["TCM_PRIVATE_KEY"];
    delete env["FORCE_COLOR"];
    const child = spawn(
      process.execPath,
      [TCM, ...args, "--json", "--rpc", chain.node.url, "--deployment", deploymentFile],
      { env },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`tcm ${args.join(" ")} exited ${code}: ${stderr}`)),
    );
  });

beforeAll(async () => {
  chain = await startChain();
  deploymentFile = chain.deploymentFile;
  // Two depositors (project 1 shared, so a part's tokens per day is not the project's), a day of yield, and a
  // harvest whose deploy step opens project 1's pool: spot exists for 1, not for 2.
  for (const [who, amount, allocation] of [
    [
      alice,
      "10",
      [
        { projectId: 1, bps: 6_000 },
        { projectId: 2, bps: 4_000 },
      ],
    ],
    [bob, "5", [{ projectId: 1, bps: 10_000 }]],
  ] as const) {
    await tools((d) => d.fundStEth(who.address, parseEther(amount) + parseEther("1")));
    await tools((d) => d.approveStEth(who.address, maxUint256));
    await machineCall(who.address, "deposit", [parseEther(amount), allocation]);
  }
  await tools((d) => d.increaseTime(86_400));
  await tools((d) => d.rebase(100));
  await machineCall(keeper.address, "harvest", [1]);
  api = await startApi(chain);
});

afterAll(async () => {
  await api?.stop();
  await chain?.stop();
});

describe("the CLI and the API print the same figures", () => {
  it("for every project and for an account's lines, at one block", async () => {
    const before = await tcm(["status"]);
    const projects = await tcm(["projects"]);
    const account = await tcm(["status", "--account", alice.address]);
    const after = await tcm(["status"]);
    expect(after.blockNumber, "no block was mined while the CLI read").toBe(before.blockNumber);

    const allocation = account.entries.map((e: { projectId: number; bps: number }) => ({
      projectId: e.projectId,
      bps: e.bps,
    }));
    const live = await data(
      api,
      `query($a: Address!, $alloc: [AllocationInput!]!) {
         protocol { block { number } }
         projects(first: 100) { nodes { projectId spotPrice launchPrice depositorEmissionPerDay apr } }
         reallocationPreview(account: $a, allocation: $alloc) { block { number } before { project { projectId } tokensPerDay } }
       }`,
      { a: alice.address, alloc: allocation },
    );
    expect(live.protocol.block.number, "the API answered at the CLI's block").toBe(String(before.blockNumber));
    expect(live.reallocationPreview.block.number).toBe(String(before.blockNumber));

    expect(projects.length).toBe(live.projects.nodes.length);
    expect(projects.length).toBeGreaterThanOrEqual(2);
    const byId = new Map(live.projects.nodes.map((n: any) => [n.projectId, n]));
    let seeded = 0;
    for (const row of projects) {
      const node: any = byId.get(row.id);
      expect(node, `project ${row.id} in the API`).toBeDefined();
      expect(row.emissionPerDay, `depositor emission per day of ${row.id}`).toBe(node.depositorEmissionPerDay);
      expect(row.spotPrice, `spot price of ${row.id}`).toBe(node.spotPrice);
      expect(row.price, `quote price of ${row.id}`).toBe(node.spotPrice ?? node.launchPrice);
      expect(row.apr, `APR of ${row.id}`).toBe(node.apr);
      if (row.spotPrice !== null) seeded++;
    }
    // The figures compared are not trivial: a pool is open, emission and APRs are positive.
    expect(seeded).toBeGreaterThanOrEqual(1);
    expect(projects.filter((r: any) => BigInt(r.emissionPerDay) > 0n && r.apr > 0).length).toBeGreaterThanOrEqual(2);

    const lines = new Map(live.reallocationPreview.before.map((l: any) => [l.project.projectId, l.tokensPerDay]));
    expect(account.entries.length).toBe(2);
    for (const entry of account.entries) {
      expect(entry.tokensPerDay, `tokens per day of alice in ${entry.projectId}`).toBe(lines.get(entry.projectId));
      expect(BigInt(entry.tokensPerDay)).toBeGreaterThan(0n);
    }
  });
});

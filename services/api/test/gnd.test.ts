/**
 * History from a real graph-node: the subgraph package's own e2e helpers (subgraph/test/e2e.mjs) build the subgraph
 * for this devnet deployment and start `gnd dev` (fresh Postgres database, IPFS stub, free ports); the API then
 * serves that history joined onto the live types. Skipped when gnd or psql is not installed.
 */
import { deploymentToJson } from "@tcm/chain/devnet";
import { ANVIL_ACCOUNTS, Devnet } from "@tcm/chain/devnet";
import { Effect, Option } from "effect";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, type Chain, data, signAndSend, startApi, startChain } from "./harness.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const available =
  existsSync(join(root, "node_modules/.bin/gnd")) && spawnSync("psql", ["--version"], { encoding: "utf8" }).status === 0;

interface GraphNode {
  readonly graphql: string;
}
interface E2E {
  startGraphNode(rpcUrl: string, deploymentFile: string, options: { workDir: string }): Promise<GraphNode>;
  waitForSync(node: GraphNode, block: number, deadline: number): Promise<void>;
  teardown(): Promise<void>;
}

describe.skipIf(!available)("history from a real graph-node (gnd)", () => {
  let chain: Chain;
  let api: Api;
  let e2e: E2E;
  let node: GraphNode;
  const dir = mkdtempSync(join(tmpdir(), "tcm-api-gnd-"));
  const workDir = `test/.e2e-api-${process.pid}`;
  const alice = ANVIL_ACCOUNTS[4]!;

  beforeAll(async () => {
    e2e = (await import(pathToFileURL(join(root, "subgraph/test/e2e.mjs")).href)) as E2E;
    chain = await startChain();
    const file = join(dir, "deployment.json");
    writeFileSync(file, JSON.stringify(deploymentToJson(chain.deployment)));
    node = await e2e.startGraphNode(chain.node.url, file, { workDir });
    api = await startApi(chain, { subgraphUrl: Option.some(new URL(node.graphql)), subgraphMaxLagBlocks: 0 });
  }, 170_000);

  afterAll(async () => {
    await api?.stop();
    await e2e?.teardown();
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(root, "subgraph", workDir), { recursive: true, force: true });
  });

  it("a deposit and a harvest made through the API's builders appear in its history fields", async () => {
    await chain.tools.runPromise(Effect.flatMap(Devnet, (d) => d.fundStEth(alice.address, parseEther("5"))));
    for (const mutation of [
      `buildApproveStEth(from: "${alice.address}")`,
      `buildDeposit(amount: "2000000000000000000", allocation: [{ projectId: 1, bps: 10000 }], from: "${alice.address}")`,
    ]) {
      const built = await data(api, `mutation { tx: ${mutation} { to data value gasEstimate chainId } }`);
      await signAndSend(chain, alice.privateKey, built.tx);
    }
    await chain.tools.runPromise(Effect.flatMap(Devnet, (d) => Effect.zipRight(d.rebase(50), d.increaseTime(86_400))));
    const harvest = await data(api, `mutation { tx: buildHarvest(projectId: "1") { to data value } }`);
    const receipt = await signAndSend(chain, ANVIL_ACCOUNTS[5]!.privateKey, { ...harvest.tx, gasEstimate: "3000000" });
    await e2e.waitForSync(node, Number(receipt.blockNumber), Date.now() + 90_000);

    const r = await data(
      api,
      `query($a: Address!) {
        account(address: $a) { principal deposits { principalAdded principal projectIds } }
        project(id: "1") { allocatedPrincipal lockedLiquidity pendingWstEth harvests { caller wstEthWrapped pendingWstEth }
          deploySteps { opening liquidityMinted caller pendingOut } totals { harvestCount deployStepCount cumulativeLiquidityMinted } }
        protocol { totals { depositCount harvestCount deployStepCount } daily(first: 5) { dailyDepositCount dailyDeployStepCount } } }`,
      { a: alice.address },
    );
    expect(r.account.deposits).toHaveLength(1);
    expect(r.account.deposits[0]).toMatchObject({ principal: r.account.principal, projectIds: [1] });
    expect(r.project.harvests).toHaveLength(1);
    expect(r.project.harvests[0]).toMatchObject({ caller: ANVIL_ACCOUNTS[5]!.address });
    // The harvest ran the step that opened the pool, in the same transaction.
    expect(r.project.deploySteps).toHaveLength(1);
    expect(r.project.deploySteps[0]).toMatchObject({ opening: true, caller: ANVIL_ACCOUNTS[5]!.address });
    expect(r.project.deploySteps[0].pendingOut).toBe(r.project.pendingWstEth);
    // History and live agree: LP minted by the opening step = the machine's LP now.
    expect(r.project.deploySteps[0].liquidityMinted).toBe(r.project.lockedLiquidity);
    expect(r.project.totals).toMatchObject({ harvestCount: 1, deployStepCount: 1, cumulativeLiquidityMinted: r.project.lockedLiquidity });
    expect(r.protocol.totals).toMatchObject({ depositCount: 1, harvestCount: 1, deployStepCount: 1 });
  }, 120_000);
});

/**
 * History from a real graph-node: the devnet harness (@tcm/devnet's indexer) builds the subgraph for this devnet
 * deployment and starts `gnd dev` (fresh Postgres database, IPFS endpoint, free ports); the API then serves that
 * history joined onto the live types. Skipped when gnd or psql is not installed.
 */
import { Devnet } from "@tcm/chain/devnet";
import { ANVIL_ACCOUNTS, type Indexer, waitForSync } from "@tcm/devnet/promise";
import { deployedWstEthOf, deploymentRatio, polShare, scheduledEmissionAtClose } from "@tcm/domain";
import { Effect, Option } from "effect";
import {
  type IntrospectionQuery,
  buildClientSchema,
  getIntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isObjectType,
  parse,
  validate,
} from "graphql";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { querySchema } from "../../../subgraph/scripts/query-schema.mjs";
import { type Api, type Chain, data, signAndSend, startApi, startChain, startSubgraph } from "./harness.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const available =
  existsSync(join(root, "node_modules/.bin/gnd")) &&
  spawnSync("psql", ["--version"], { encoding: "utf8" }).status === 0;

/** A block's number and timestamp, straight from the node. */
const fetchBlock = async (url: string, n: bigint): Promise<{ timestamp: string }> => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "eth_getBlockByNumber",
      params: [`0x${n.toString(16)}`, false],
    }),
  });
  const { result } = (await response.json()) as { result: { timestamp: string } };
  return { timestamp: String(BigInt(result.timestamp)) };
};

// Skipped only off CI on a machine without them; in CI (CI=true, what .ci/run sets) a missing prerequisite fails.
describe.skipIf(!available && !process.env["CI"])("history from a real graph-node (gnd)", () => {
  let chain: Chain;
  let api: Api;
  let node: Indexer & { readonly close: () => Promise<void> };
  const workDir = `test/.e2e-api-${process.pid}`;
  const alice = ANVIL_ACCOUNTS[4]!;

  beforeAll(async () => {
    chain = await startChain();
    node = await startSubgraph(chain, workDir);
    api = await startApi(chain, { subgraphUrl: Option.some(new URL(node.graphql)), subgraphMaxLagBlocks: 0 });
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await node?.close();
    await chain?.stop();
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
    await waitForSync(node, Number(receipt.blockNumber), 90_000);

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
    expect(r.project.totals).toMatchObject({
      harvestCount: 1,
      deployStepCount: 1,
      cumulativeLiquidityMinted: r.project.lockedLiquidity,
    });
    expect(r.protocol.totals).toMatchObject({ depositCount: 1, harvestCount: 1, deployStepCount: 1 });

    // Where the harvested wstETH went, from the real subgraph: harvested = deployed + step bounties + the live pending
    // (to the wei), the ratio is @tcm/domain's, and the last step is the opening.
    const d = await data(
      api,
      `{ project(id: "1") { pendingWstEth deployment { harvestedWstEth harvestedWstEthToday deployedWstEth deployedWstEthToday stepBountiesWstEth
          deployStepCount deploymentRatio deploymentRatioDecimal lastStep { opening wstEthAdded wstEthSwapped bounty pendingOut } } } }`,
    );
    const p = d.project.deployment;
    expect(BigInt(p.harvestedWstEth)).toBeGreaterThan(0n);
    expect(BigInt(p.harvestedWstEth)).toBe(
      BigInt(p.deployedWstEth) + BigInt(p.stepBountiesWstEth) + BigInt(d.project.pendingWstEth),
    );
    expect(p.harvestedWstEth).toBe(r.project.harvests[0].wstEthWrapped);
    expect(p.deployedWstEth).toBe(String(BigInt(p.lastStep.wstEthAdded) + BigInt(p.lastStep.wstEthSwapped)));
    expect(p.deploymentRatio).toBe(String(deploymentRatio(BigInt(p.deployedWstEth), BigInt(p.harvestedWstEth))));
    expect(p).toMatchObject({ deployStepCount: 1, lastStep: { opening: true, pendingOut: d.project.pendingWstEth } });
    // One day: today's figures are the totals, and the day's close carries the same ratio.
    expect(p.harvestedWstEthToday).toBe(p.harvestedWstEth);
    expect(p.deployedWstEthToday).toBe(p.deployedWstEth);
    const daily = await data(
      api,
      `{ project(id: "1") { daily(first: 1) { cumulativeWstEthWrapped cumulativeWstEthDeployed pendingWstEth deploymentRatio } } }`,
    );
    expect(daily.project.daily[0]).toEqual({
      cumulativeWstEthWrapped: p.harvestedWstEth,
      cumulativeWstEthDeployed: p.deployedWstEth,
      pendingWstEth: d.project.pendingWstEth,
      deploymentRatio: p.deploymentRatio,
    });
  }, 120_000);

  it("a second day: steps paged by cursor, the day's POL share and emission, and a deficit at the day's close", async () => {
    // Day 2: yield, a harvest (its step deploys it), so two steps, two harvests and two days of history.
    await chain.tools.runPromise(Effect.flatMap(Devnet, (d) => Effect.zipRight(d.rebase(50), d.increaseTime(86_400))));
    const harvest = await data(api, `mutation { tx: buildHarvest(projectId: "1") { to data value } }`);
    const receipt = await signAndSend(chain, ANVIL_ACCOUNTS[5]!.privateKey, { ...harvest.tx, gasEstimate: "3000000" });
    await waitForSync(node, Number(receipt.blockNumber), 90_000);

    const all = await data(
      api,
      `{ project(id: "1") { deploySteps(first: 100) { id wstEthSwapped wstEthAdded deployedWstEth }
         harvests(first: 100) { id } } }`,
    );
    expect(all.project.deploySteps.length).toBeGreaterThanOrEqual(2);
    for (const step of all.project.deploySteps)
      expect(step.deployedWstEth).toBe(
        String(deployedWstEthOf({ wstEthSwapped: BigInt(step.wstEthSwapped), wstEthAdded: BigInt(step.wstEthAdded) })),
      );
    // Page by page, one item each: the same items in the same order, and the counts.
    for (const [field, list] of [
      ["deployStepPage", all.project.deploySteps],
      ["harvestPage", all.project.harvests],
    ] as const) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 10; i++) {
        const page: any = await data(
          api,
          `query($after: Cursor) { project(id: "1") { page: ${field}(first: 1, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } }`,
          { after },
        );
        expect(page.project.page.totalCount).toBe(list.length);
        seen.push(...page.project.page.nodes.map((n: { id: string }) => n.id));
        if (!page.project.page.pageInfo.hasNextPage) break;
        after = page.project.page.pageInfo.endCursor;
      }
      expect(seen, field).toEqual(list.map((n: { id: string }) => n.id));
    }

    // The days: POL share and scheduled / minted emission are @tcm/domain's, over the subgraph's numbers.
    const r = await data(
      api,
      `{ protocol { block { timestamp } }
         project(id: "1") { polShare pair { lpHeldByMachine totalSupply } dailyEmission decayBps emissionCap startTime
           daily(first: 2) { dayId cumulativeLiquidityMinted lpTotalSupply polShare polShareDecimal emissionScheduled emissionMinted
             cumulativeClaimed cumulativeContributorClaimed tokenSupply priceOpen priceHigh priceLow priceClose } } }`,
    );
    const p = r.project;
    expect(p.daily).toHaveLength(2);
    const schedule = {
      dailyEmission: BigInt(p.dailyEmission),
      decayBps: BigInt(p.decayBps),
      emissionCap: BigInt(p.emissionCap),
      startTime: BigInt(p.startTime),
    };
    for (const day of p.daily) {
      expect(day.polShare).toBe(String(polShare(BigInt(day.cumulativeLiquidityMinted), BigInt(day.lpTotalSupply))));
      expect(BigInt(day.polShare)).toBeGreaterThan(0n);
      expect(day.emissionScheduled).toBe(
        String(scheduledEmissionAtClose(schedule, BigInt(day.dayId), BigInt(r.protocol.block.timestamp))),
      );
      expect(day.emissionMinted).toBe(String(BigInt(day.cumulativeClaimed) + BigInt(day.cumulativeContributorClaimed)));
      expect(BigInt(day.emissionMinted)).toBeLessThanOrEqual(BigInt(day.emissionScheduled));
    }
    // Nobody else provides liquidity: today's share is the live one.
    expect(p.daily[0].polShare).toBe(p.polShare);
    expect(p.polShare).toBe(String(polShare(BigInt(p.pair.lpHeldByMachine), BigInt(p.pair.totalSupply))));

    // Deficit at each day's close: none yesterday; a negative rebase now puts today (still running) in deficit.
    await chain.tools.runPromise(Effect.flatMap(Devnet, (d) => d.rebase(-300)));
    const head = await fetch(chain.node.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
    }).then(async (res) => Number(((await res.json()) as { result: string }).result));
    await waitForSync(node, head, 60_000);
    const days = await data(
      api,
      `{ protocol { block { number } deficit { inDeficit } daily(first: 2) { dayId closeBlock inDeficit } } }`,
    );
    expect(days.protocol.deficit.inDeficit).toBe(true);
    const [today, yesterday] = days.protocol.daily;
    expect(today).toMatchObject({ closeBlock: days.protocol.block.number, inDeficit: true });
    expect(yesterday.inDeficit).toBe(false);
    // Yesterday's close is its last block: that block is in the day, the next one is not.
    const block = (n: bigint) => fetchBlock(chain.node.url, n);
    const close = BigInt(yesterday.closeBlock);
    expect(BigInt((await block(close)).timestamp) / 86_400n).toBe(BigInt(yesterday.dayId));
    expect(BigInt((await block(close + 1n)).timestamp) / 86_400n).toBeGreaterThan(BigInt(yesterday.dayId));
  }, 120_000);

  it("every query of the API validates against the schema this graph-node serves (not only the derived one codegen uses)", async () => {
    const response = await fetch(node.graphql, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: getIntrospectionQuery() }),
    });
    const introspection = ((await response.json()) as { data: IntrospectionQuery }).data;
    const served = buildClientSchema(introspection);
    const documents = parse(readFileSync(join(root, "services/api/src/subgraph/history.graphql"), "utf8"));
    expect(documents.definitions.length).toBeGreaterThan(10);
    expect(validate(served, documents).map((e) => e.message)).toEqual([]);
    // The derived schema codegen checks against (subgraph/scripts/query-schema.mjs) has the served root fields, and
    // each entity's fields, filter inputs and order-by values are among the served ones (it may cover less, not more).
    const derived = querySchema();
    const names = (fields: Record<string, unknown> | undefined) => Object.keys(fields ?? {}).sort();
    // (all but `_logs`, graph-node's query of the subgraph's own log entries, which no client here uses)
    expect(names(derived.getQueryType()?.getFields())).toEqual(
      names(served.getQueryType()?.getFields()).filter((f) => f !== "_logs"),
    );
    for (const type of Object.values(derived.getTypeMap())) {
      if (type.name.startsWith("__")) continue;
      const twin = served.getType(type.name);
      expect(twin, type.name).toBeDefined();
      if (isObjectType(type) || isInputObjectType(type)) {
        const servedFields = new Set(Object.keys((twin as typeof type).getFields()));
        expect(
          Object.keys(type.getFields()).filter((f) => !servedFields.has(f)),
          type.name,
        ).toEqual([]);
      } else if (isEnumType(type)) {
        const servedValues = new Set((twin as typeof type).getValues().map((v) => v.name));
        expect(
          type
            .getValues()
            .map((v) => v.name)
            .filter((v) => !servedValues.has(v)),
          type.name,
        ).toEqual([]);
      }
    }
  });
});

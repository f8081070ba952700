/**
 * The API against a real anvil with the forge-deployed contracts: every live field and preview checked against
 * the chain, builders signed and sent, history through a canned subgraph (and a dead one).
 */
import { TcmReader, mockStETHAbi, projectTokenAbi, technoCapitalMachineAbi } from "@tcm/chain";
import { Devnet } from "@tcm/chain/devnet";
import { ANVIL_ACCOUNTS } from "@tcm/devnet";
import { DAY_SECONDS, RATIO_ONE, deploymentRatio } from "@tcm/domain";
import { Effect, Option } from "effect";
import { type Address, createPublicClient, decodeEventLog, formatUnits, http, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, type Chain, data, gql, signAndSend, startApi, startChain, startSubgraphStub } from "./harness.js";
import type { PreparedTxJson } from "./types.js";

const alice = ANVIL_ACCOUNTS[1]!;
const bob = ANVIL_ACCOUNTS[2]!;
const keeper = ANVIL_ACCOUNTS[3]!;

let chain: Chain;
let api: Api;
let stub: Awaited<ReturnType<typeof startSubgraphStub>>;
let subgraphBlock = 0;
const client = () => createPublicClient({ transport: http(chain.node.url) });
const read = <T>(functionName: string, args: unknown[] = [], blockNumber?: bigint): Promise<T> =>
  client().readContract({
    address: chain.deployment.machine,
    abi: technoCapitalMachineAbi,
    functionName: functionName as never,
    args: args as never,
    ...(blockNumber === undefined ? {} : { blockNumber }),
  }) as Promise<T>;
const tools = <A, E>(f: (devnet: Devnet) => Effect.Effect<A, E>): Promise<A> =>
  chain.tools.runPromise(Effect.flatMap(Devnet, f));
const head = () => client().getBlockNumber({ cacheTime: 0 });

const HARVEST = {
  id: "0xabc0",
  epoch: "2",
  caller: "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
  yieldShares: "5",
  yieldStEth: "6",
  bountyStEth: "1",
  wstEthWrapped: "4",
  pendingWstEth: "9",
  blockNumber: "12",
  timestamp: "1700000000",
  transactionHash: "0x01",
};

const DEPLOY_STEP = {
  id: "0xabc1",
  caller: "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
  opening: false,
  traded: true,
  pendingIn: "9",
  wstEthSwapped: "2",
  tokensBought: "100",
  tokensSeeded: "0",
  wstEthAdded: "2",
  tokensAdded: "100",
  liquidityMinted: "10",
  bounty: "0",
  pendingOut: "5",
  carryTokensOut: "0",
  spotPrice: "1000",
  referencePrice: "1000",
  ceilingPrice: "1005",
  poolPrice: "1001",
  blockNumber: "12",
  timestamp: "1700000000",
  transactionHash: "0x01",
};

/** The canned subgraph's project for ProjectDeployment (and the variables of the last such request). */
const PROJECT_DEPLOYMENT = {
  cumulativeWstEthWrapped: "3000000000000000000",
  cumulativeWstEthDeployed: "2996003996003996003",
  cumulativeStepBountyWstEth: "2996003996003996",
  deployStepCount: 7,
  lastStepTimestamp: "1700000000",
};
const TODAY = {
  dailyWstEthWrapped: "1000000000000000000",
  dailyWstEthDeployed: "999000999000999000",
  dailyStepBountyWstEth: "999000999000999",
  dailyDeployStepCount: 2,
};
let lastVariables: Record<string, unknown> = {};
/** A caller address that does not decode: the canned harvests answer with it while set. */
let brokenCaller = false;

beforeAll(async () => {
  chain = await startChain();
  stub = await startSubgraphStub((query, variables) => {
    lastVariables = variables;
    const data: Record<string, unknown> = { _meta: { block: { number: subgraphBlock }, hasIndexingErrors: false } };
    // History merges its requests: root fields aliased h<i>_<field>.
    for (const match of query.matchAll(/(h\d+_\w+): (\w+)/g)) {
      const [, alias, field] = match;
      data[alias!] =
        field === "harvests"
          ? [brokenCaller ? { ...HARVEST, caller: "nope" } : HARVEST]
          : field === "deploySteps"
            ? [DEPLOY_STEP]
            : field === "project"
              ? query.includes("cumulativeStepBountyWstEth") && !query.includes("depositorCount")
                ? PROJECT_DEPLOYMENT
                : null
              : field === "projectDaySnapshot"
                ? TODAY
                : [];
    }
    return { data };
  });
  api = await startApi(chain, {
    subgraphUrl: Option.some(stub.url),
    subgraphMaxLagBlocks: 5,
    corsOrigins: ["https://app.example"],
  });
  subgraphBlock = Number(await head());
});

afterAll(async () => {
  await api?.stop();
  await stub?.stop();
  await chain?.stop();
});

describe("live state", () => {
  it("apiVersion and protocol match the deployment and the chain", async () => {
    const d = await data(
      api,
      `{ apiVersion { schema chainId machine stETH }
         protocol { block { number } chainId machine totalPrincipal projectCount currentEpoch depositsPaused
           deficit { inDeficit sharesHeld } config { epochSeconds genesis bountyBps } stEthPerWstEth } }`,
    );
    expect(d.apiVersion).toMatchObject({
      schema: "2.2.0",
      chainId: chain.deployment.chainId,
      machine: chain.deployment.machine,
    });
    const block = BigInt(d.protocol.block.number);
    expect(BigInt(d.protocol.totalPrincipal)).toBe(await read<bigint>("totalPrincipal", [], block));
    expect(d.protocol.projectCount).toBe(await read<number>("projectCount", [], block));
    expect(BigInt(d.protocol.currentEpoch)).toBe(await read<bigint>("currentEpoch", [], block));
    expect(BigInt(d.protocol.config.genesis)).toBe(chain.deployment.genesis);
    const [inDeficit, sharesHeld] = await read<[boolean, bigint]>("deficitStatus", [], block);
    expect(d.protocol.deficit).toMatchObject({ inDeficit, sharesHeld: sharesHeld.toString() });
  });

  it("projects paginate with a cursor, filter and order", async () => {
    const page1 = await data(
      api,
      `{ projects(first: 2) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(page1.projects.totalCount).toBe(3);
    expect(page1.projects.nodes.map((n: { id: string }) => n.id)).toEqual(["1", "2"]);
    expect(page1.projects.pageInfo.hasNextPage).toBe(true);
    const page2 = await data(
      api,
      `query($after: String) { projects(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage } } }`,
      {
        after: page1.projects.pageInfo.endCursor,
      },
    );
    expect(page2.projects.nodes.map((n: { id: string }) => n.id)).toEqual(["3"]);
    expect(page2.projects.pageInfo.hasNextPage).toBe(false);
    const desc = await data(api, `{ projects(orderDirection: DESC) { nodes { id } } }`);
    expect(desc.projects.nodes.map((n: { id: string }) => n.id)).toEqual(["3", "2", "1"]);
    const filtered = await data(
      api,
      `{ projects(filter: { ids: ["2"], seeded: false }) { totalCount nodes { id symbol } } }`,
    );
    expect(filtered.projects.totalCount).toBe(1);
    const missing = await data(api, `{ project(id: "99") { id } }`);
    expect(missing.project).toBeNull();
  });

  it("a burst of queries at one block costs one snapshot read", async () => {
    await tools((d) => d.mine(1));
    const metric = async () => {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      return Number(/^tcm_api_chain_snapshot_loads_total (\d+)/m.exec(text)?.[1] ?? "0");
    };
    const before = await metric();
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        gql(api, `{ project(id: "${(i % 3) + 1}") { id spotPrice allocatedPrincipal apr } }`),
      ),
    );
    expect(results.every((r) => r.status === 200 && !r.body.errors)).toBe(true);
    expect((await metric()) - before).toBe(1);
  });
});

const PROJECT_FIELDS = `id projectId name symbol seeded launchPrice spotPrice referencePrice allocatedPrincipal pendingWstEth carryTokens
  seedReserve lastStepTime nextDeployTime deployReady
  pendingYieldShares pendingYieldStEth nextHarvestTime harvestReady emissionRatePerDay depositorEmissionPerDay emittedSupply
  lockedLiquidity lockedLiquidityValueWstEth apr token { address name symbol totalSupply } pair { address reserveWstEth reserveTokens totalSupply lpHeldByMachine }`;

const eventOf = (receipt: { logs: readonly any[] }, name: string) =>
  receipt.logs
    .map((log) => {
      try {
        return decodeEventLog({ abi: technoCapitalMachineAbi, ...log });
      } catch {
        return undefined;
      }
    })
    .find((e) => e?.eventName === name)?.args as unknown as Record<string, bigint | boolean>;

const checkProjectAgainstChain = async (id: number) => {
  const r = await data(api, `{ protocol { block { number timestamp } } project(id: "${id}") { ${PROJECT_FIELDS} } }`);
  const block = BigInt(r.protocol.block.number);
  const p = r.project;
  const view = await read<any>("getProject", [id], block);
  expect(BigInt(p.allocatedPrincipal)).toBe(view.allocatedPrincipal);
  expect(p.seeded).toBe(view.seeded);
  expect(BigInt(p.nextHarvestTime)).toBe(await read<bigint>("nextHarvestTime", [id], block));
  expect(p.harvestReady).toBe(await read<boolean>("isHarvestReady", [id], block));
  expect(BigInt(p.pendingWstEth)).toBe(view.pendingWstEth);
  expect(BigInt(p.carryTokens)).toBe(view.carryTokens);
  expect(BigInt(p.seedReserve)).toBe(view.seedReserve);
  expect(BigInt(p.lastStepTime)).toBe(view.lastStepTime);
  expect(BigInt(p.nextDeployTime)).toBe(await read<bigint>("nextDeployTime", [id], block));
  expect(p.deployReady).toBe(await read<boolean>("isDeployReady", [id], block));
  expect(p.referencePrice === null ? null : BigInt(p.referencePrice)).toBe(
    view.seeded ? (view.referencePrice * 10n ** 18n) >> 112n : null,
  );
  const [pendingShares, pendingStEth] = await read<[bigint, bigint]>("pendingYield", [id], block);
  expect([BigInt(p.pendingYieldShares), BigInt(p.pendingYieldStEth)]).toEqual([pendingShares, pendingStEth]);
  expect(BigInt(p.emittedSupply)).toBe(
    await read<bigint>("emittedUpTo", [id, BigInt(r.protocol.block.timestamp)], block),
  );
  const token = { address: view.token as Address, abi: projectTokenAbi } as const;
  expect(p.name).toBe(await client().readContract({ ...token, functionName: "name" }));
  expect(BigInt(p.token.totalSupply)).toBe(
    await client().readContract({ ...token, functionName: "totalSupply", blockNumber: block }),
  );
  expect(BigInt(p.lockedLiquidity)).toBe(
    await client().readContract({
      address: view.pair,
      abi: projectTokenAbi,
      functionName: "balanceOf",
      args: [chain.deployment.machine],
      blockNumber: block,
    }),
  );
  if (p.seeded) {
    const value = (BigInt(p.lockedLiquidity) * BigInt(p.pair.reserveWstEth) * 2n) / BigInt(p.pair.totalSupply);
    expect(BigInt(p.lockedLiquidityValueWstEth)).toBe(value);
    // The machine's own conversion (DeployReport.spotPrice): reserves → UQ112x112 → 1e18, each step rounded down.
    expect(BigInt(p.spotPrice)).toBe(
      (((BigInt(p.pair.reserveWstEth) << 112n) / BigInt(p.pair.reserveTokens)) * 10n ** 18n) >> 112n,
    );
  } else {
    expect(p.spotPrice).toBeNull();
  }
  return p;
};

describe("deposit → harvest → claim → reallocate → withdraw, every preview checked against the chain", () => {
  it("a built deposit, signed and sent, does what depositPreview said", async () => {
    await tools((d) => d.fundStEth(alice.address, parseEther("20")));
    const allocation = [
      { projectId: 1, bps: 6_000 },
      { projectId: 2, bps: 4_000 },
    ];
    const amount = parseEther("10").toString();
    const preview = await data(
      api,
      `query($amount: BigInt!, $allocation: [AllocationInput!]!, $account: Address) {
        depositPreview(amount: $amount, allocation: $allocation, account: $account) {
          block { timestamp } principal sharesAdded apr allocations { project { id } bps principal tokensPerDay apr } } }`,
      { amount, allocation, account: alice.address },
    );
    const approve = await data(
      api,
      `mutation($from: Address) { buildApproveStEth(from: $from) { to data value gasEstimate chainId } }`,
      {
        from: alice.address,
      },
    );
    expect(approve.buildApproveStEth.to).toBe(chain.deployment.stETH);
    await signAndSend(chain, alice.privateKey, approve.buildApproveStEth as PreparedTxJson);
    const built = await data(
      api,
      `mutation($amount: BigInt!, $allocation: [AllocationInput!]!, $from: Address) {
        buildDeposit(amount: $amount, allocation: $allocation, from: $from) { to data value gasEstimate chainId } }`,
      { amount, allocation, from: alice.address },
    );
    expect(built.buildDeposit.to).toBe(chain.deployment.machine);
    expect(BigInt(built.buildDeposit.gasEstimate)).toBeGreaterThan(21_000n);
    const receipt = await signAndSend(chain, alice.privateKey, built.buildDeposit as PreparedTxJson);
    const event = receipt.logs
      .map((log) => {
        try {
          return decodeEventLog({ abi: technoCapitalMachineAbi, ...log });
        } catch {
          return undefined;
        }
      })
      .find((e) => e?.eventName === "Deposited");
    const args = event!.args as { principal: bigint; sharesAdded: bigint; parts: readonly bigint[] };
    expect(args.principal.toString()).toBe(preview.depositPreview.principal);
    expect(args.sharesAdded.toString()).toBe(preview.depositPreview.sharesAdded);
    expect(args.parts.map(String)).toEqual(
      preview.depositPreview.allocations.map((a: { principal: string }) => a.principal),
    );
    // First depositor of both projects: all of their depositor emission over the day from the preview's block (the
    // contract's emittedUpTo over [t, t + 1 day), less the contributor share as _accrue rounds it), less the reward
    // index's rounding: floor(part · floor(perDay · 2^64 / part) / 2^64), at most 1 token wei.
    const t = BigInt(preview.depositPreview.block.timestamp);
    const day = (await read<bigint>("emittedUpTo", [1, t + DAY_SECONDS])) - (await read<bigint>("emittedUpTo", [1, t]));
    const { contributorBps } = await read<{ contributorBps: bigint }>("getProject", [1]);
    const shortOfAll =
      day - (day * BigInt(contributorBps)) / 10_000n - BigInt(preview.depositPreview.allocations[0].tokensPerDay);
    expect(shortOfAll >= 0n && shortOfAll <= 1n, `${shortOfAll}`).toBe(true);
    expect(preview.depositPreview.apr).toBeGreaterThan(0);

    const account = await data(
      api,
      `query($a: Address!) { account(address: $a) { principal hasPosition allocations { project { id } bps principal pendingRewards } deficit { inDeficit } withdrawableNow } }`,
      { a: alice.address.toLowerCase() },
    );
    const [principal, entries] = await read<[bigint, readonly { projectId: number; bps: number; principal: bigint }[]]>(
      "positionOf",
      [alice.address],
    );
    expect(BigInt(account.account.principal)).toBe(principal);
    expect(account.account.allocations.map((a: any) => [Number(a.project.id), a.bps, a.principal])).toEqual(
      entries.map((e) => [e.projectId, e.bps, e.principal.toString()]),
    );
    // A full withdrawal pays the principal's shares (rounded down) at stETH's own rate, as the contract pays them.
    const stEth = { address: chain.deployment.stETH, abi: mockStETHAbi } as const;
    const sharesPaid = await client().readContract({
      ...stEth,
      functionName: "getSharesByPooledEth",
      args: [principal],
    });
    const paid = await client().readContract({ ...stEth, functionName: "getPooledEthByShares", args: [sharesPaid] });
    expect(account.account.withdrawableNow).toBe(paid.toString());
  });

  it("harvestPreview equals the Harvested report and the step it runs, opening then steady state; live project fields match the chain", async () => {
    const STEP =
      "deployStep { opening pendingIn wstEthSwapped tokensBought tokensSeeded wstEthAdded tokensAdded liquidityMinted bounty pendingOut spotPrice referencePrice ceilingPrice priceAfter priceImpactBps }";
    for (const day of [1, 2]) {
      await tools((d) => Effect.zipRight(d.rebase(20), d.increaseTime(86_400)));
      const latest = await tools((d) => d.latestTimestamp);
      const at = latest + 7n;
      const preview = await data(
        api,
        `query($at: BigInt) { harvestPreview(projectId: "1", at: $at) { status yieldShares yieldStEth bountyStEth wstEthWrapped pendingWstEth ${STEP} } }`,
        { at: at.toString() },
      );
      expect(preview.harvestPreview.status).toBe("DONE");
      expect(preview.harvestPreview.deployStep.opening).toBe(day === 1);
      const built = await data(api, `mutation { buildHarvest(projectId: "1") { to data value } }`);
      await tools((d) => d.setNextBlockTimestamp(at));
      const receipt = await signAndSend(chain, keeper.privateKey, { ...built.buildHarvest, gasEstimate: "3000000" });
      const report = eventOf(receipt, "Harvested")["report"] as unknown as Record<string, bigint>;
      for (const key of ["yieldShares", "yieldStEth", "bountyStEth", "wstEthWrapped", "pendingWstEth"]) {
        expect([key, preview.harvestPreview[key]]).toEqual([key, report[key]!.toString()]);
      }
      const step = eventOf(receipt, "Deployed")["report"] as unknown as Record<string, bigint>;
      for (const key of [
        "pendingIn",
        "wstEthSwapped",
        "tokensBought",
        "tokensSeeded",
        "wstEthAdded",
        "tokensAdded",
        "liquidityMinted",
        "bounty",
        "pendingOut",
        "spotPrice",
        "referencePrice",
        "ceilingPrice",
      ]) {
        expect([key, preview.harvestPreview.deployStep[key]]).toEqual([key, step[key]!.toString()]);
      }
      if (day === 2) expect(preview.harvestPreview.deployStep.priceImpactBps).toBeGreaterThan(0);
      await checkProjectAgainstChain(1);
    }
    const p = await checkProjectAgainstChain(1);
    expect(p.seeded).toBe(true);
    expect(BigInt(p.referencePrice)).toBeGreaterThan(0n);
    await checkProjectAgainstChain(2);
  });

  it("deployPreview: not due until stepInterval, then equals the Deployed report of a built deploy", async () => {
    const config = await data(
      api,
      `{ protocol { config { stepIntervalSeconds minDeploy maxImpactBps followWindowSeconds stepBountyBps maxStepBounty } } }`,
    );
    expect(config.protocol.config).toMatchObject({
      stepIntervalSeconds: "1200",
      maxImpactBps: 50,
      followWindowSeconds: "172800",
      stepBountyBps: 10,
    });
    const Q = `query($at: BigInt) { deployPreview(projectId: "1", at: $at) { status readyAt pendingWstEth step { opening wstEthSwapped tokensBought wstEthAdded liquidityMinted bounty pendingOut spotPrice referencePrice ceilingPrice priceAfter } } }`;
    const early = await data(api, Q);
    expect(early.deployPreview.status).toBe("STEP_NOT_DUE");
    expect(early.deployPreview.step).toBeNull();
    expect(BigInt(early.deployPreview.readyAt)).toBe(await read<bigint>("nextDeployTime", [1]));
    const notDue = await gql(api, `mutation($from: Address) { buildDeploy(projectId: "1", from: $from) { to } }`, {
      from: keeper.address,
    });
    expect(notDue.body.errors?.[0]?.extensions).toMatchObject({ code: "WOULD_REVERT", error: "TCM_StepNotDue" });
    expect(notDue.body.errors?.[0]?.message).toMatch(/not due yet/);
    const none = await data(api, `{ deployPreview(projectId: "3") { status step { bounty } } }`);
    expect(none.deployPreview.status).toBe("NOTHING_TO_DEPLOY");

    await tools((d) => d.advanceToNextStep([1]));
    const at = (await tools((d) => d.latestTimestamp)) + 5n;
    const preview = await data(api, Q, { at: at.toString() });
    expect(preview.deployPreview.status).toBe("DONE");
    const listed = await data(api, `{ projects(filter: { deployReady: true }) { nodes { id deployReady } } }`);
    expect(listed.projects.nodes.map((n: any) => n.id)).toContain("1");
    const built = await data(api, `mutation { buildDeployMany(projectIds: ["1", "3"]) { to data value } }`);
    await tools((d) => d.setNextBlockTimestamp(at));
    const receipt = await signAndSend(chain, keeper.privateKey, { ...built.buildDeployMany, gasEstimate: "3000000" });
    const step = eventOf(receipt, "Deployed")["report"] as unknown as Record<string, bigint>;
    for (const key of [
      "wstEthSwapped",
      "tokensBought",
      "wstEthAdded",
      "liquidityMinted",
      "bounty",
      "pendingOut",
      "spotPrice",
      "referencePrice",
      "ceilingPrice",
    ]) {
      expect([key, preview.deployPreview.step[key]]).toEqual([key, step[key]!.toString()]);
    }
    await checkProjectAgainstChain(1);
  });

  it("claim, topUp and reallocate builders do what their previews say", async () => {
    await tools((d) => d.increaseTime(3_600));
    const claim = await data(
      api,
      `mutation($r: Address!) { buildClaim(projectIds: ["1", "2"], receiver: $r) { to data value } }`,
      {
        r: alice.address,
      },
    );
    const token = (await read<any>("getProject", [1])).token as Address;
    const balance = () =>
      client().readContract({ address: token, abi: projectTokenAbi, functionName: "balanceOf", args: [alice.address] });
    const before = await balance();
    await signAndSend(chain, alice.privateKey, { ...claim.buildClaim, gasEstimate: "1000000" });
    expect(await balance()).toBeGreaterThan(before);

    const topUp = await data(
      api,
      `mutation($from: Address) { buildTopUp(amount: "1000000000000000000", from: $from) { to data value gasEstimate } }`,
      {
        from: alice.address,
      },
    );
    await signAndSend(chain, alice.privateKey, topUp.buildTopUp);

    const allocation = [
      { projectId: 2, bps: 2_500 },
      { projectId: 3, bps: 7_500 },
    ];
    const preview = await data(
      api,
      `query($a: Address!, $allocation: [AllocationInput!]!) { reallocationPreview(account: $a, allocation: $allocation) {
        principal before { project { id } principal } allocations { project { id } bps principal tokensPerDay } apr aprBefore } }`,
      { a: alice.address, allocation },
    );
    const built = await data(
      api,
      `mutation($allocation: [AllocationInput!]!, $from: Address) { buildReallocate(allocation: $allocation, from: $from) { to data value gasEstimate } }`,
      {
        allocation,
        from: alice.address,
      },
    );
    await signAndSend(chain, alice.privateKey, built.buildReallocate);
    const [, entries] = await read<[bigint, readonly { projectId: number; bps: number; principal: bigint }[]]>(
      "positionOf",
      [alice.address],
    );
    expect(entries.map((e) => [e.projectId, e.principal.toString()])).toEqual(
      preview.reallocationPreview.allocations.map((a: any) => [Number(a.project.id), a.principal]),
    );
    expect(preview.reallocationPreview.before.map((b: any) => b.project.id)).toEqual(["1", "2"]);
  });

  it("withdrawalPreview equals what withdraw pays, outside and inside a deficit", async () => {
    const balance = (a: Address) =>
      client().readContract({
        address: chain.deployment.stETH,
        abi: mockStETHAbi,
        functionName: "balanceOf",
        args: [a],
      });
    // Partial withdrawal, no deficit.
    const amount = parseEther("2").toString();
    const preview = await data(
      api,
      `query($a: Address!) { withdrawalPreview(account: $a, amount: "${amount}") { stEthPaid sharesPaid deficit principalAfter shortfall } }`,
      {
        a: alice.address,
      },
    );
    expect(preview.withdrawalPreview.deficit).toBe(false);
    const built = await data(
      api,
      `mutation($r: Address!, $from: Address) { buildWithdraw(amount: "${amount}", receiver: $r, from: $from) { to data value gasEstimate } }`,
      {
        r: alice.address,
        from: alice.address,
      },
    );
    const before = await balance(alice.address);
    const withdrawn = eventOf(await signAndSend(chain, alice.privateKey, built.buildWithdraw), "Withdrawn");
    expect([withdrawn["sharesPaid"], withdrawn["stEthPaid"], withdrawn["deficit"]]).toEqual([
      BigInt(preview.withdrawalPreview.sharesPaid),
      BigInt(preview.withdrawalPreview.stEthPaid),
      false,
    ]);
    // The receiver's balance moves by stEthPaid up to Lido's 1-wei share rounding.
    const delta = (await balance(alice.address)) - before - BigInt(preview.withdrawalPreview.stEthPaid);
    expect(delta >= -1n && delta <= 1n).toBe(true);

    // Bob deposits, then a −5 % rebase puts the machine in deficit: a full withdrawal pays pro rata.
    await tools((d) => d.fundStEth(bob.address, parseEther("5")));
    for (const m of [
      "buildApproveStEth(from: $from)",
      'buildDeposit(amount: "3000000000000000000", allocation: [{ projectId: 3, bps: 10000 }], from: $from)',
    ]) {
      const tx = await data(api, `mutation($from: Address) { ${m} { to data value gasEstimate } }`, {
        from: bob.address,
      });
      await signAndSend(chain, bob.privateKey, Object.values(tx)[0] as PreparedTxJson);
    }
    await tools((d) => d.rebase(-500));
    const deficit = await data(
      api,
      `query($a: Address!) { account(address: $a) { withdrawableNow deficit { inDeficit } } withdrawalPreview(account: $a) { amount stEthPaid sharesPaid deficit shortfall } }`,
      {
        a: bob.address,
      },
    );
    expect(deficit.account.deficit.inDeficit).toBe(true);
    expect(deficit.withdrawalPreview.deficit).toBe(true);
    expect(deficit.account.withdrawableNow).toBe(deficit.withdrawalPreview.stEthPaid);
    expect(BigInt(deficit.withdrawalPreview.shortfall)).toBeGreaterThan(0n);
    const partial = await gql(
      api,
      `query($a: Address!) { withdrawalPreview(account: $a, amount: "1000000000000000000") { stEthPaid } }`,
      { a: bob.address },
    );
    expect(partial.body.errors?.[0]?.extensions).toMatchObject({
      code: "WOULD_REVERT",
      error: "TCM_DeficitRequiresFullWithdrawal",
    });
    const full = await data(
      api,
      `mutation($r: Address!) { buildWithdraw(amount: "${deficit.withdrawalPreview.amount}", receiver: $r) { to data value } }`,
      {
        r: bob.address,
      },
    );
    const paid = eventOf(
      await signAndSend(chain, bob.privateKey, { ...full.buildWithdraw, gasEstimate: "1000000" }),
      "Withdrawn",
    );
    expect([paid["sharesPaid"], paid["stEthPaid"], paid["deficit"]]).toEqual([
      BigInt(deficit.withdrawalPreview.sharesPaid),
      BigInt(deficit.withdrawalPreview.stEthPaid),
      true,
    ]);
    await tools((d) => d.rebase(1_000)); // recover for the tests that follow
  });

  it("launchProject and harvestMany builders produce working transactions", async () => {
    const count = await read<number>("projectCount");
    const launch = await data(
      api,
      `mutation($owner: Address) { buildLaunchProject(from: $owner, params: { name: "Api Test", symbol: "APIT", launchPrice: "1000000000000000",
        dailyEmission: "1000000000000000000000", decayBps: 10, maxSupply: "1000000000000000000000000", seedReserve: "10000000000000000000000",
        contributorBps: 0 }) { to data value gasEstimate } }`,
      { owner: bob.address },
    );
    await signAndSend(chain, bob.privateKey, launch.buildLaunchProject);
    expect(await read<number>("projectCount")).toBe(count + 1);
    const r = await data(api, `{ project(id: "${count + 1}") { name symbol seeded } }`);
    expect(r.project).toEqual({ name: "Api Test", symbol: "APIT", seeded: false });
    const many = await data(api, `mutation { buildHarvestMany(projectIds: ["1", "2", "3"]) { to data value } }`);
    await signAndSend(chain, keeper.privateKey, { ...many.buildHarvestMany, gasEstimate: "5000000" });
  });
});

describe("history from the subgraph (canned JSON server)", () => {
  it("joins history onto the live types in one subgraph request", async () => {
    subgraphBlock = Number(await head());
    const before = stub.requests();
    const r = await data(
      api,
      `query($a: Address!) { project(id: "1") { name harvests(first: 5) { id caller wstEthWrapped pendingWstEth } deploySteps(first: 5) { id caller tokensBought spotPrice referencePrice } daily { dayId } totals { harvestCount } }
        protocol { daily { dayId } } account(address: $a) { deposits { id } withdrawals { id } claims { id } } }`,
      { a: alice.address },
    );
    expect(r.project.harvests).toEqual([
      { id: HARVEST.id, caller: "0x90F79bf6EB2c4f870365E785982E1f101E93b906", wstEthWrapped: "4", pendingWstEth: "9" },
    ]);
    expect(r.project.deploySteps).toEqual([
      {
        id: DEPLOY_STEP.id,
        caller: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        tokensBought: "100",
        spotPrice: "1000",
        referencePrice: "1000",
      },
    ]);
    expect(r.project.daily).toEqual([]);
    expect(r.account.deposits).toEqual([]);
    // DataLoader batches per resolution level: project + protocol history in one request, the account's (resolved
    // after its position is read) in a second.
    expect(stub.requests() - before).toBe(2);
    const again = stub.requests();
    await data(
      api,
      `{ project(id: "2") { harvests { id } daily { dayId } totals { harvestCount } } protocol { daily { dayId } totals { harvestCount } } }`,
    );
    expect(stub.requests() - again).toBe(1);
  });

  it("deployment: harvested, deployed, today, the ratio from @tcm/domain and the last step, for the UTC day of the block read", async () => {
    subgraphBlock = Number(await head());
    const r = await data(
      api,
      `{ project(id: "1") { deployment { day harvestedWstEth harvestedWstEthToday deployedWstEth deployedWstEthToday stepBountiesWstEth
          stepBountiesWstEthToday deployStepCount deployStepsToday deploymentRatio deploymentRatioDecimal lastStep { id caller pendingOut } } } }`,
    );
    const block = await client().getBlock({ blockTag: "latest" });
    const day = Number(block.timestamp / DAY_SECONDS);
    // The request asked for the snapshot of the block's UTC day.
    expect(Object.entries(lastVariables).find(([k]) => k.endsWith("_day"))?.[1]).toBe(`1-${day}`);
    const ratio = deploymentRatio(
      BigInt(PROJECT_DEPLOYMENT.cumulativeWstEthDeployed),
      BigInt(PROJECT_DEPLOYMENT.cumulativeWstEthWrapped),
    )!;
    expect(r.project.deployment).toEqual({
      day,
      harvestedWstEth: PROJECT_DEPLOYMENT.cumulativeWstEthWrapped,
      harvestedWstEthToday: TODAY.dailyWstEthWrapped,
      deployedWstEth: PROJECT_DEPLOYMENT.cumulativeWstEthDeployed,
      deployedWstEthToday: TODAY.dailyWstEthDeployed,
      stepBountiesWstEth: PROJECT_DEPLOYMENT.cumulativeStepBountyWstEth,
      stepBountiesWstEthToday: TODAY.dailyStepBountyWstEth,
      deployStepCount: 7,
      deployStepsToday: 2,
      deploymentRatio: ratio.toString(),
      deploymentRatioDecimal: formatUnits(ratio, 18),
      lastStep: {
        id: DEPLOY_STEP.id,
        caller: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        pendingOut: DEPLOY_STEP.pendingOut,
      },
    });
    expect(ratio).toBeLessThan(RATIO_ONE);
  });

  it("an answer that does not decode fails that history field only, naming the query", async () => {
    subgraphBlock = Number(await head());
    brokenCaller = true;
    try {
      const r = await gql(api, `{ project(id: "1") { name harvests { caller } deploySteps { caller } } }`);
      expect(r.status).toBe(200);
      expect(r.body.data.project.harvests).toBeNull();
      expect(r.body.data.project.deploySteps).toHaveLength(1);
      expect(r.body.errors).toHaveLength(1);
      expect(r.body.errors?.[0]).toMatchObject({
        path: ["project", "harvests"],
        extensions: { code: "HISTORY_UNAVAILABLE", reason: "error" },
      });
      expect(r.body.errors?.[0]?.message).toMatch(/ProjectHarvests: .*not an address/s);
    } finally {
      brokenCaller = false;
    }
  });

  it("a subgraph behind the chain head: history fields error, live fields answer (HTTP 200)", async () => {
    subgraphBlock = Number(await head()) - 20;
    const r = await gql(api, `{ project(id: "1") { name allocatedPrincipal harvests { id } } }`);
    expect(r.status).toBe(200);
    expect(r.body.data.project.name).toBeTruthy();
    expect(r.body.data.project.harvests).toBeNull();
    expect(r.body.errors?.[0]).toMatchObject({
      path: ["project", "harvests"],
      extensions: { code: "HISTORY_UNAVAILABLE", reason: "behind" },
    });
    expect(r.body.errors?.[0]?.message).toMatch(/behind/);
    subgraphBlock = Number(await head());
  });
});

describe("http", () => {
  it("serves /health, /metrics and CORS for configured origins", async () => {
    const health = await fetch(`${api.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", chain: { ok: true } });
    const metrics = await fetch(`${api.url}/metrics`);
    expect(metrics.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/# TYPE tcm_api_http_requests_total counter/);
    expect(text).toMatch(/tcm_api_http_request_duration_seconds_bucket\{route="graphql",le="\+Inf"\} \d+/);
    const preflight = await fetch(`${api.url}/graphql`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example");
    const other = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ query: "{ apiVersion { schema } }" }),
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers GET queries and serves the console to browsers", async () => {
    const r = await fetch(`${api.url}/graphql?query=${encodeURIComponent("{ apiVersion { schema } }")}`);
    expect(await r.json()).toEqual({ data: { apiVersion: { schema: "2.2.0" } } });
    const page = await fetch(`${api.url}/graphql`, { headers: { accept: "text/html" } });
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const sdl = await (await fetch(`${api.url}/graphql/schema.graphql`)).text();
    expect(sdl).toMatch(/type Query/);
  });
});

describe("deploy steps paged by cursor (a subgraph stub that filters, orders and skips as graph-node does)", () => {
  // Newest first; three steps share one timestamp (a page boundary falls between them).
  const steps = [
    { id: "0x05", timestamp: "500" },
    { id: "0x04", timestamp: "400" },
    { id: "0x03", timestamp: "400" },
    { id: "0x02", timestamp: "400" },
    { id: "0x01", timestamp: "100" },
  ].map((s) => ({ ...DEPLOY_STEP, ...s }));

  it("every step once, in order, however the pages cut the ties", async () => {
    const pager = await startSubgraphStub((query, variables) => {
      const data: Record<string, unknown> = { _meta: { block: { number: 0 }, hasIndexingErrors: false } };
      for (const match of query.matchAll(/(h(\d+)_\w+): (\w+)/g)) {
        const [, alias, i, field] = match;
        const v = (name: string) => variables[`h${i}_${name}`];
        data[alias!] =
          field === "project"
            ? { deployStepCount: steps.length }
            : steps
                .filter((s) => BigInt(s.timestamp) <= BigInt(v("before") as string))
                .slice(v("skip") as number, (v("skip") as number) + (v("first") as number));
      }
      return { data };
    });
    const paged = await startApi(chain, { subgraphUrl: Option.some(pager.url), subgraphMaxLagBlocks: 1_000_000 });
    try {
      for (const size of [1, 2, 3, 4]) {
        const seen: string[] = [];
        let after: string | null = null;
        for (let i = 0; i < 10; i++) {
          const r: any = await data(
            paged,
            `query($after: Cursor, $first: PageSize) { project(id: "1") { deployStepPage(first: $first, after: $after) {
              totalCount nodes { id deployedWstEth } pageInfo { hasNextPage endCursor } } } }`,
            { after, first: size },
          );
          const page = r.project.deployStepPage;
          expect(page.totalCount).toBe(steps.length);
          // wstEthSwapped + wstEthAdded of the canned step (@tcm/domain deployedWstEthOf)
          for (const node of page.nodes) expect(node.deployedWstEth).toBe("4");
          seen.push(...page.nodes.map((n: { id: string }) => n.id));
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        expect(seen, `pages of ${size}`).toEqual(steps.map((s) => s.id));
      }
    } finally {
      await paged.stop();
      await pager.stop();
    }
  });
});

export { TcmReader };

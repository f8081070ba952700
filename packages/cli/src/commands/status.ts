import { Command, Options } from "@effect/cli";
import {
  ChainClient,
  Deployment,
  type Snapshot,
  TcmReader,
  deployTotals,
  mockStETHAbi,
  projectTokenAbi,
  validateAddress,
} from "@tcm/chain";
import { deploymentRatio } from "@tcm/domain";
import { Console, Effect, Either, Option } from "effect";
import type { Address } from "viem";
import { chainOptions, type ChainFlags, readFrom } from "../context.js";
import { BadInput } from "../errors.js";
import { keyValues, printJson, table } from "../output.js";
import { figuresOf, stEthOfShares, stEthPerShareOf, tokensPerDay } from "../preview.js";
import { withChain } from "../run.js";
import { formatAllowance, formatBps, formatInt, formatUnits, parseIds } from "../units.js";
import { positionAt } from "./shared.js";

export const jsonOption = Options.boolean("json").pipe(
  Options.withDescription("Machine-readable JSON (amounts as decimal strings in wei)"),
);

const options = {
  ...chainOptions,
  json: jsonOption,
  project: Options.text("project").pipe(Options.withDescription("Show one project (id)"), Options.optional),
  account: Options.text("account").pipe(
    Options.withDescription("Show one account's position (0x address)"),
    Options.optional,
  ),
};

type Flags = ChainFlags & {
  readonly json: boolean;
  readonly project: Option.Option<string>;
  readonly account: Option.Option<string>;
};

/** A 1e18-scaled deployment ratio as a percentage ("99.90 %"); "—" before the first harvest. */
export const formatRatio = (ratio: bigint | null): string =>
  ratio === null ? "—" : `${formatUnits(ratio * 100n, 18, 2)} %`;

const date = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");

/** Token names and symbols (not in the machine's ProjectView). */
export const tokenLabels = (snapshot: Snapshot) =>
  Effect.flatMap(ChainClient, (chain) =>
    chain.read("token labels", (c) =>
      Promise.all(
        snapshot.projects.map((p) =>
          Promise.all([
            c.readContract({
              address: p.token.address,
              abi: projectTokenAbi,
              functionName: "name",
              blockNumber: snapshot.blockNumber,
            }),
            c.readContract({
              address: p.token.address,
              abi: projectTokenAbi,
              functionName: "symbol",
              blockNumber: snapshot.blockNumber,
            }),
          ]),
        ),
      ),
    ),
  );

const protocolStatus = (flags: Flags, snapshot: Snapshot) =>
  Effect.gen(function* () {
    const deployment = yield* Deployment;
    const p = snapshot.protocol;
    const yieldAssigned = snapshot.projects.reduce((sum, d) => sum + d.project.totalYieldShares, 0n);
    const totals = yield* deployTotals(
      snapshot.projects.map((d) => d.project.id),
      { toBlock: snapshot.blockNumber },
    );
    const harvestedWstEth = totals.reduce((sum, t) => sum + t.harvestedWstEth, 0n);
    const deployedWstEth = totals.reduce((sum, t) => sum + t.deployedWstEth, 0n);
    const pendingWstEth = snapshot.projects.reduce((sum, d) => sum + d.project.pendingWstEth, 0n);
    const data = {
      chainId: snapshot.chainId,
      blockNumber: snapshot.blockNumber,
      timestamp: snapshot.timestamp,
      machine: deployment.machine,
      totalPrincipal: p.totalPrincipal,
      projectCount: p.projectCount,
      currentEpoch: p.currentEpoch,
      depositsPaused: p.depositsPaused,
      harvestsPaused: p.harvestsPaused,
      deficit: p.deficit,
      config: p.config,
      stEthPerShare: stEthPerShareOf(snapshot),
      machineStEth: stEthOfShares(snapshot, snapshot.lido.machineShares),
      totalYieldHarvestedStEth: stEthOfShares(snapshot, yieldAssigned),
      harvestedWstEth,
      deployedWstEth,
      pendingWstEth,
      deploymentRatio: deploymentRatio(deployedWstEth, harvestedWstEth),
    };
    if (flags.json) return yield* printJson(data);
    yield* Console.log(
      `TCM on chain ${snapshot.chainId} at block ${snapshot.blockNumber} (${date(snapshot.timestamp)})`,
    );
    yield* Console.log(
      keyValues([
        ["machine", deployment.machine],
        ["total principal", `${formatUnits(p.totalPrincipal)} stETH`],
        ["stETH held", `${formatUnits(data.machineStEth)} stETH`],
        ["yield harvested", `${formatUnits(data.totalYieldHarvestedStEth)} stETH (all projects)`],
        [
          "deployed",
          `${formatRatio(data.deploymentRatio)} of the ${formatUnits(harvestedWstEth)} wstETH harvested is in the pools ` +
            `(${formatUnits(deployedWstEth)} wstETH); ${formatUnits(pendingWstEth)} wstETH pending`,
        ],
        ["projects", formatInt(p.projectCount)],
        ["epoch", `${p.currentEpoch} (genesis ${date(p.config.genesis)})`],
        [
          "deficit",
          p.deficit.inDeficit
            ? `YES (holds ${formatInt(p.deficit.sharesHeld)} shares, needs ${formatInt(p.deficit.sharesRequired)})`
            : "no",
        ],
        [
          "paused",
          p.depositsPaused || p.harvestsPaused
            ? [p.depositsPaused && "deposits", p.harvestsPaused && "harvests"].filter(Boolean).join(", ")
            : "no",
        ],
        ["harvest bounty", `${formatBps(p.config.bountyBps)} capped at ${formatUnits(p.config.maxBounty)} stETH`],
        ["min harvest", `${formatUnits(p.config.minHarvestValue)} stETH`],
        ["stETH per share", formatUnits(data.stEthPerShare, 18, 9)],
      ]),
    );
  });

const projectStatus = (flags: Flags, snapshot: Snapshot, idText: string) =>
  Effect.gen(function* () {
    const [id] = yield* parseIds("--project", [idText]);
    const details = id === undefined ? undefined : snapshot.projects[Number(id) - 1];
    if (id === undefined || details === undefined) {
      return yield* new BadInput({
        flag: "--project",
        message: `project ${idText} does not exist (${snapshot.protocol.projectCount === 0 ? "no projects yet" : `ids are 1..${snapshot.protocol.projectCount}`})`,
      });
    }
    const reader = yield* TcmReader;
    const at = { blockNumber: snapshot.blockNumber };
    const [pendingYield, ready, nextHarvest, stepReady, nextStep] = yield* Effect.all([
      reader.pendingYield(Number(id), at),
      reader.isHarvestReady(Number(id), at),
      reader.nextHarvestTime(Number(id), at),
      reader.isDeployReady(Number(id), at),
      reader.nextDeployTime(Number(id), at),
    ]);
    const [totals] = yield* deployTotals([Number(id)], { toBlock: snapshot.blockNumber });
    const labels = yield* tokenLabels(snapshot);
    const [name, symbol] = labels[Number(id) - 1] ?? ["?", "?"];
    const { project: p, pair, token } = details;
    const figures = figuresOf(snapshot, details);
    const data = {
      id: Number(id),
      name,
      symbol,
      metadataURI: p.metadataURI,
      owner: p.owner,
      token: token.address,
      pair: pair.address,
      seeded: p.seeded,
      priceWstEthPerToken: figures.quotePrice,
      spotPrice: figures.spotPrice,
      launchPrice: p.launchPrice,
      reserveWstEth: pair.reserveWstEth,
      reserveTokens: pair.reserveTokens,
      lpHeldByMachine: pair.lpHeldByMachine,
      lpTotalSupply: pair.totalSupply,
      allocatedPrincipal: p.allocatedPrincipal,
      depositorEmissionPerDay: figures.depositorEmissionPerDay,
      tokensPerDay: figures.tokensPerDay,
      apr: figures.apr,
      dailyEmission: p.dailyEmission,
      decayBps: p.decayBps,
      contributorBps: p.contributorBps,
      contributorRecipient: p.contributorRecipient,
      totalSupply: token.totalSupply,
      maxSupply: token.maxSupply,
      totalYieldStEth: stEthOfShares(snapshot, p.totalYieldShares),
      pendingYieldStEth: pendingYield.stEth,
      harvestReady: ready,
      nextHarvestTime: nextHarvest,
      pendingWstEth: p.pendingWstEth,
      carryTokens: p.carryTokens,
      seedReserve: p.seedReserve,
      referencePrice: figures.referencePrice,
      deployReady: stepReady,
      nextDeployTime: nextStep,
      harvestedWstEth: totals?.harvestedWstEth ?? 0n,
      deployedWstEth: totals?.deployedWstEth ?? 0n,
      stepBounties: totals?.stepBounties ?? 0n,
      steps: totals?.steps ?? 0,
      deploymentRatio: totals?.ratio ?? null,
      lastStep: totals?.lastStep ?? null,
    };
    if (flags.json) return yield* printJson(data);
    yield* Console.log(`Project #${id}: ${name} (${symbol})`);
    yield* Console.log(
      keyValues([
        ["metadata", p.metadataURI === "" ? "(none)" : p.metadataURI],
        ["owner", p.owner],
        ["token", `${token.address} — supply ${formatUnits(token.totalSupply)} of max ${formatUnits(token.maxSupply)}`],
        [
          "pair",
          `${pair.address} ${p.seeded ? "" : "(not open yet: the first deploy step opens it at the launch price)"}`,
        ],
        [
          "price",
          `${formatUnits(data.priceWstEthPerToken, 18, 12)} wstETH per token (launch ${formatUnits(p.launchPrice, 18, 12)})`,
        ],
        [
          "liquidity",
          `${formatUnits(pair.reserveWstEth)} wstETH + ${formatUnits(pair.reserveTokens)} tokens; machine holds ${formatUnits(pair.lpHeldByMachine)} of ${formatUnits(pair.totalSupply)} LP (locked)`,
        ],
        ["allocated", `${formatUnits(p.allocatedPrincipal)} stETH of principal`],
        [
          "emission",
          `${formatUnits(data.depositorEmissionPerDay)} tokens/day to depositors (decay ${formatBps(p.decayBps)}/epoch, contributors ${formatBps(p.contributorBps)})`,
        ],
        [
          "yield",
          `${formatUnits(data.totalYieldStEth)} stETH harvested so far; ${formatUnits(pendingYield.stEth)} stETH pending`,
        ],
        ["harvest", ready ? "ready now" : `next at ${date(nextHarvest)}`],
        [
          "deploy",
          `${formatUnits(p.pendingWstEth)} wstETH pending; ${
            stepReady
              ? "a step is due now (tcm deploy)"
              : p.pendingWstEth >= snapshot.protocol.config.minDeploy
                ? `next step at ${date(nextStep)}`
                : "nothing to deploy"
          }`,
        ],
        [
          "in the pool",
          `${formatRatio(data.deploymentRatio)} of the ${formatUnits(data.harvestedWstEth)} wstETH harvested (${formatUnits(data.deployedWstEth)} wstETH ` +
            `in ${data.steps} step${data.steps === 1 ? "" : "s"}; ${formatUnits(data.stepBounties)} wstETH paid as step bounties)`,
        ],
      ]),
    );
  });

const accountStatus = (flags: Flags, snapshot: Snapshot, text: string) =>
  Effect.gen(function* () {
    const account: Address = yield* Either.mapLeft(
      validateAddress("--account", text, { allowZero: true }),
      (e) => new BadInput({ flag: "--account", message: e.message }),
    );
    const position = yield* positionAt(account, snapshot);
    const deployment = yield* Deployment;
    const chain = yield* ChainClient;
    const [stEthBalance, allowance] = yield* chain.read("stETH balance", (c) =>
      Promise.all([
        c.readContract({
          address: deployment.stETH,
          abi: mockStETHAbi,
          functionName: "balanceOf",
          args: [account],
          blockNumber: snapshot.blockNumber,
        }),
        c.readContract({
          address: deployment.stETH,
          abi: mockStETHAbi,
          functionName: "allowance",
          args: [account, deployment.machine],
          blockNumber: snapshot.blockNumber,
        }),
      ]),
    );
    const labels = yield* tokenLabels(snapshot);
    const rows = position.holdings.map((h) => {
      const d = snapshot.projects[h.projectId - 1];
      const others = (d?.project.allocatedPrincipal ?? 0n) - h.principal;
      const perDay = d === undefined ? 0n : tokensPerDay(d.project, snapshot.timestamp, h.principal, others);
      return { ...h, symbol: labels[h.projectId - 1]?.[1] ?? "?", tokensPerDay: perDay };
    });
    if (flags.json)
      return yield* printJson({ account, principal: position.principal, stEthBalance, allowance, entries: rows });
    yield* Console.log(`Account ${account}`);
    yield* Console.log(
      keyValues([
        ["principal", `${formatUnits(position.principal)} stETH`],
        [
          "stETH balance",
          `${formatUnits(stEthBalance)} stETH (allowance to the machine: ${formatAllowance(allowance)})`,
        ],
      ]),
    );
    if (rows.length === 0) return yield* Console.log("  no position");
    yield* Console.log(
      table(
        ["project", "symbol", "share", "principal (stETH)", "tokens/day", "pending tokens"],
        rows.map((r) => [
          `#${r.projectId}`,
          r.symbol,
          formatBps(r.bps),
          formatUnits(r.principal),
          formatUnits(r.tokensPerDay),
          formatUnits(r.pendingRewards),
        ]),
      ),
    );
  });

const status = (flags: Flags) =>
  withChain(
    flags,
    Effect.gen(function* () {
      if (Option.isSome(flags.project) && Option.isSome(flags.account)) {
        return yield* new BadInput({ flag: "--project", message: "give --project or --account, not both" });
      }
      const snapshot = yield* (yield* TcmReader).snapshot();
      yield* readFrom(snapshot.blockNumber);
      if (Option.isSome(flags.project)) return yield* projectStatus(flags, snapshot, flags.project.value);
      if (Option.isSome(flags.account)) return yield* accountStatus(flags, snapshot, flags.account.value);
      return yield* protocolStatus(flags, snapshot);
    }),
  );

export const statusCommand = Command.make("status", options, status).pipe(
  Command.withDescription(
    "Protocol state (default), one project (--project N) or one account's position (--account 0x…). --json for scripts.",
  ),
);

import { ChainClient, Deployment, type DeploymentInfo, TcmReader, deployTotals, projectTokenAbi } from "@tcm/chain";
import { asShares, deploymentRatio, lido, spotPrice } from "@tcm/domain";
import { Effect, Layer } from "effect";
import { gql } from "./subgraph.js";

/** One project's line of the summary; amounts are raw 18-decimal integers (as decimal strings in JSON). */
export interface ProjectSummary {
  readonly projectId: number;
  readonly symbol: string;
  readonly name: string;
  /** stETH yield harvested for the project. */
  readonly yieldRouted: bigint;
  /** wstETH the harvests collected into pending (Σ HarvestReport.wstEthWrapped). */
  readonly harvestedWstEth: bigint;
  /** wstETH the deploy steps put into the pool (opening, buys, adds: Σ the domain's deployedWstEthOf). */
  readonly deployedWstEth: bigint;
  /** wstETH harvested and waiting for a deploy step. */
  readonly pendingWstEth: bigint;
  /** deployedWstEth ÷ harvestedWstEth, 1e18 = 100 % (the domain's deploymentRatio); null before the first harvest. */
  readonly deploymentRatio: bigint | null;
  /** LP tokens held by the machine forever. */
  readonly lpLocked: bigint;
  /** Pool price, wstETH per token, 1e18 scale (the API: live spot; the subgraph: after the last step). */
  readonly price: bigint;
  /** The token's supply: minted to claimers, the contributor and the pool seed. */
  readonly tokensEmitted: bigint;
}

export interface Summary {
  readonly source: "api" | "subgraph" | "chain";
  readonly block: bigint;
  readonly projects: ReadonlyArray<ProjectSummary>;
}

/** The query the summary runs against graph-node (the subgraph's schema). */
export const SUMMARY_QUERY = `{
  _meta { block { number } }
  projects(orderBy: projectId) {
    projectId name symbol cumulativeYieldStEth cumulativeWstEthWrapped cumulativeWstEthDeployed pendingWstEth
    cumulativeLiquidityMinted poolPrice latestDay { tokenSupply }
  }
}`;

/** The same summary from the TCM API: live chain state (price, LP, supply, pending) plus the subgraph's running totals. */
export const API_SUMMARY_QUERY = `{
  projects(first: 100) {
    block { number }
    nodes {
      projectId name symbol spotPrice lockedLiquidity pendingWstEth token { totalSupply } totals { cumulativeYieldStEth }
      deployment { harvestedWstEth deployedWstEth deploymentRatio }
    }
  }
}`;

const fromApi = async (url: string): Promise<Summary> => {
  const data = await gql(url, API_SUMMARY_QUERY);
  return {
    source: "api",
    block: BigInt(data.projects.block.number),
    projects: data.projects.nodes.map((p: any) => {
      if (p.totals === null || p.deployment === null)
        throw new Error("the API has no history (is TCM_SUBGRAPH_URL set?)");
      return {
        projectId: Number(p.projectId),
        symbol: p.symbol,
        name: p.name,
        yieldRouted: BigInt(p.totals.cumulativeYieldStEth),
        harvestedWstEth: BigInt(p.deployment.harvestedWstEth),
        deployedWstEth: BigInt(p.deployment.deployedWstEth),
        pendingWstEth: BigInt(p.pendingWstEth),
        deploymentRatio: p.deployment.deploymentRatio === null ? null : BigInt(p.deployment.deploymentRatio),
        lpLocked: BigInt(p.lockedLiquidity),
        price: BigInt(p.spotPrice ?? 0),
        tokensEmitted: BigInt(p.token.totalSupply),
      };
    }),
  };
};

const fromSubgraph = async (url: string): Promise<Summary> => {
  const data = await gql(url, SUMMARY_QUERY);
  return {
    source: "subgraph",
    block: BigInt(data._meta.block.number),
    projects: data.projects.map((p: Record<string, string> & { latestDay: { tokenSupply: string } }) => {
      const harvestedWstEth = BigInt(p["cumulativeWstEthWrapped"]!);
      const deployedWstEth = BigInt(p["cumulativeWstEthDeployed"]!);
      return {
        projectId: Number(p["projectId"]),
        symbol: p["symbol"]!,
        name: p["name"]!,
        yieldRouted: BigInt(p["cumulativeYieldStEth"]!),
        harvestedWstEth,
        deployedWstEth,
        pendingWstEth: BigInt(p["pendingWstEth"]!),
        deploymentRatio: deploymentRatio(deployedWstEth, harvestedWstEth),
        lpLocked: BigInt(p["cumulativeLiquidityMinted"]!),
        price: BigInt(p["poolPrice"]!),
        tokensEmitted: BigInt(p.latestDay.tokenSupply),
      };
    }),
  };
};

/** Straight from the chain at one block, through @tcm/chain's reads (when neither the API nor the subgraph runs). */
const fromChain = (rpcUrl: string, deployment: DeploymentInfo): Promise<Summary> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const snapshot = yield* (yield* TcmReader).snapshot();
      const chain = yield* ChainClient;
      const totals = yield* deployTotals(
        snapshot.projects.map((d) => d.project.id),
        { toBlock: snapshot.blockNumber },
      );
      const labels = yield* chain.read("token labels", (c) =>
        Promise.all(
          snapshot.projects.map((d) =>
            Promise.all(
              (["name", "symbol"] as const).map((functionName) =>
                c.readContract({
                  address: d.token.address,
                  abi: projectTokenAbi,
                  functionName,
                  blockNumber: snapshot.blockNumber,
                }),
              ),
            ),
          ),
        ),
      );
      const rate = { totalShares: snapshot.lido.totalShares, totalPooledEther: snapshot.lido.totalPooledEther };
      return {
        source: "chain" as const,
        block: snapshot.blockNumber,
        projects: snapshot.projects.map((d, i): ProjectSummary => ({
          projectId: d.project.id,
          name: labels[i]?.[0] ?? "?",
          symbol: labels[i]?.[1] ?? "?",
          yieldRouted: lido.pooledEthByShares(rate, asShares(d.project.totalYieldShares)),
          harvestedWstEth: totals[i]?.harvestedWstEth ?? 0n,
          deployedWstEth: totals[i]?.deployedWstEth ?? 0n,
          pendingWstEth: d.project.pendingWstEth,
          deploymentRatio: totals[i]?.ratio ?? null,
          lpLocked: d.project.totalLiquidity,
          price: spotPrice(d.pair.reserveWstEth, d.pair.reserveTokens) ?? 0n,
          tokensEmitted: d.token.totalSupply,
        })),
      };
    }).pipe(
      Effect.provide(TcmReader.Default),
      Effect.provide(
        Layer.mergeAll(ChainClient.layer({ rpcUrls: [rpcUrl] }), Deployment.fromValue(deployment, "(npm start)")),
      ),
    ),
  );

/** The API first (it serves the subgraph's history to integrators), then graph-node, then the chain. */
export const readSummary = async (
  sources: { api?: string | undefined; subgraph?: string | undefined; rpcUrl: string; deployment: DeploymentInfo },
  log: (m: string) => void,
): Promise<Summary> => {
  if (sources.api !== undefined) {
    try {
      return await fromApi(sources.api);
    } catch (error) {
      log(
        `summary: the API did not answer the summary query (${(error as Error).message.slice(0, 200)}); reading the subgraph`,
      );
    }
  }
  if (sources.subgraph !== undefined) {
    try {
      return await fromSubgraph(sources.subgraph);
    } catch (error) {
      log(`summary: the subgraph did not answer (${(error as Error).message.slice(0, 200)}); reading the chain`);
    }
  }
  return fromChain(sources.rpcUrl, sources.deployment);
};

/** 18-decimal integer → fixed decimals, rounded down (display only). */
export const decimal = (value: bigint, places = 4): string => {
  const scale = 10n ** BigInt(18 - places);
  const whole = value / scale;
  const text = whole.toString().padStart(places + 1, "0");
  const intPart = text.slice(0, -places).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${intPart}.${text.slice(-places)}`;
};

/** A 1e18-scaled ratio as a percentage with two decimals, rounded down ("99.90 %"); "—" when there is none. */
export const percent = (ratio: bigint | null): string => (ratio === null ? "—" : `${decimal(ratio * 100n, 2)} %`);

export const formatTable = (summary: Summary): string => {
  const header = [
    "#",
    "project",
    "yield (stETH)",
    "harvested (wstETH)",
    "deployed (wstETH)",
    "pending (wstETH)",
    "deployed",
    "LP locked",
    "price (wstETH/token)",
    "tokens emitted",
  ];
  const rows = summary.projects.map((p) => [
    String(p.projectId),
    `${p.symbol} ${p.name}`,
    decimal(p.yieldRouted),
    decimal(p.harvestedWstEth),
    decimal(p.deployedWstEth),
    decimal(p.pendingWstEth),
    percent(p.deploymentRatio),
    decimal(p.lpLocked),
    decimal(p.price, 8),
    decimal(p.tokensEmitted, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: ReadonlyArray<string>) =>
    `  ${cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`;
  return [
    line(header),
    `  ${widths.map((w) => "─".repeat(w)).join("  ")}`,
    ...rows.map(line),
    "",
    "  deployed (wstETH) = all the wstETH the deploy steps put into the pool; deployed = that ÷ harvested (wstETH). It is not",
    "  the pool's reserve now (`tcm projects`' \"pool reserve\"), which traders' swaps move. Each day's harvest collects the",
    "  yield as pending wstETH; deploy steps, one every stepInterval, buy the token with it and lock both as liquidity, each",
    "  moving the price only within the machine's band (maxImpactBps), so no sandwich pays. The step bounties are the small",
    "  part that never reaches the pool.",
  ].join("\n");
};

/** The summary as one JSON line (raw integers as strings), for scripts and the end-to-end test. */
export const summaryJson = (summary: Summary) =>
  JSON.stringify(
    { source: summary.source, block: summary.block.toString(), projects: summary.projects },
    (_key, value) => (typeof value === "bigint" ? value.toString() : value),
  );

import { type DeploymentInfo, mockStETHAbi, projectTokenAbi, technoCapitalMachineAbi, uniswapV2PairAbi } from "@tcm/chain";
import { type Address, createPublicClient, http } from "viem";
import { gql } from "./subgraph.js";

/** One project's line of the summary; amounts are raw 18-decimal integers (as decimal strings in JSON). */
export interface ProjectSummary {
  readonly projectId: number;
  readonly symbol: string;
  readonly name: string;
  /** stETH yield harvested for the project. */
  readonly yieldRouted: bigint;
  /** wstETH added to the pool as protocol-owned liquidity (seeding included). */
  readonly liquidityWstEth: bigint;
  /** LP tokens held by the machine forever. */
  readonly lpLocked: bigint;
  /** Pool price, wstETH per token, 1e18 scale (the API: live spot; the subgraph: after the last harvest). */
  readonly price: bigint;
  /** The token's supply: minted to claimers, the contributor and the pool seed. */
  readonly tokensEmitted: bigint;
}

export interface Summary {
  readonly source: "api" | "subgraph" | "chain";
  readonly block: bigint;
  readonly projects: ReadonlyArray<ProjectSummary>;
}

/** The query the summary runs against a GraphQL endpoint that serves the subgraph's schema (graph-node or the API). */
export const SUMMARY_QUERY = `{
  _meta { block { number } }
  projects(orderBy: projectId) { projectId name symbol cumulativeYieldStEth cumulativeWstEthAdded cumulativeLiquidityMinted poolPrice tokenSupply }
}`;

/** The same summary from the TCM API: live chain state (price, LP, supply) plus the subgraph's running totals. */
export const API_SUMMARY_QUERY = `{
  projects(first: 100) {
    block { number }
    nodes { projectId name symbol spotPrice lockedLiquidity token { totalSupply } totals { cumulativeYieldStEth cumulativeWstEthAdded } }
  }
}`;

const fromApi = async (url: string): Promise<Summary> => {
  const data = await gql(url, API_SUMMARY_QUERY);
  return {
    source: "api",
    block: BigInt(data.projects.block.number),
    projects: data.projects.nodes.map((p: any) => {
      if (p.totals === null) throw new Error("the API has no history (is TCM_SUBGRAPH_URL set?)");
      return {
        projectId: Number(p.projectId),
        symbol: p.symbol,
        name: p.name,
        yieldRouted: BigInt(p.totals.cumulativeYieldStEth),
        liquidityWstEth: BigInt(p.totals.cumulativeWstEthAdded),
        lpLocked: BigInt(p.lockedLiquidity),
        price: BigInt(p.spotPrice ?? 0),
        tokensEmitted: BigInt(p.token.totalSupply),
      };
    }),
  };
};

const fromGraphQL = async (url: string, source: Summary["source"]): Promise<Summary> => {
  const data = await gql(url, SUMMARY_QUERY);
  return {
    source,
    block: BigInt(data._meta.block.number),
    projects: data.projects.map((p: Record<string, string>) => ({
      projectId: Number(p["projectId"]),
      symbol: p["symbol"]!,
      name: p["name"]!,
      yieldRouted: BigInt(p["cumulativeYieldStEth"]!),
      liquidityWstEth: BigInt(p["cumulativeWstEthAdded"]!),
      lpLocked: BigInt(p["cumulativeLiquidityMinted"]!),
      price: BigInt(p["poolPrice"]!),
      tokensEmitted: BigInt(p["tokenSupply"]!),
    })),
  };
};

/** Straight from the contracts at one block (when neither the API nor the subgraph runs). */
const fromChain = async (rpcUrl: string, deployment: DeploymentInfo): Promise<Summary> => {
  const client = createPublicClient({ transport: http(rpcUrl) });
  const block = await client.getBlockNumber({ cacheTime: 0 });
  const at = { blockNumber: block };
  const count = Number(await client.readContract({ address: deployment.machine, abi: technoCapitalMachineAbi, functionName: "projectCount", ...at }));
  const projects: ProjectSummary[] = [];
  for (let id = 1; id <= count; id++) {
    const p = await client.readContract({ address: deployment.machine, abi: technoCapitalMachineAbi, functionName: "getProject", args: [id], ...at });
    const token = (functionName: "name" | "symbol") => client.readContract({ address: p.token as Address, abi: projectTokenAbi, functionName, ...at }) as Promise<string>;
    const supply = await client.readContract({ address: p.token, abi: projectTokenAbi, functionName: "totalSupply", ...at });
    const yieldRouted = await client.readContract({ address: deployment.stETH, abi: mockStETHAbi, functionName: "getPooledEthByShares", args: [p.totalYieldShares], ...at });
    let price = 0n;
    let liquidityWstEth = 0n;
    if (p.seeded) {
      const [r0, r1] = await client.readContract({ address: p.pair, abi: uniswapV2PairAbi, functionName: "getReserves", ...at });
      const [tokens, wstEth] = p.tokenIsToken0 ? [r0, r1] : [r1, r0];
      price = tokens === 0n ? 0n : (wstEth * 10n ** 18n) / tokens;
      const lpSupply = await client.readContract({ address: p.pair, abi: uniswapV2PairAbi, functionName: "totalSupply", ...at });
      // The machine's share of the pool's wstETH (what its locked LP is worth on that side).
      liquidityWstEth = lpSupply === 0n ? 0n : (wstEth * p.totalLiquidity) / lpSupply;
    }
    projects.push({ projectId: id, name: await token("name"), symbol: await token("symbol"), yieldRouted, liquidityWstEth, lpLocked: p.totalLiquidity, price, tokensEmitted: supply });
  }
  return { source: "chain", block, projects };
};

/** The API first (it serves the subgraph's history to integrators), then graph-node, then the chain. */
export const readSummary = async (sources: { api?: string | undefined; subgraph?: string | undefined; rpcUrl: string; deployment: DeploymentInfo }, log: (m: string) => void): Promise<Summary> => {
  if (sources.api !== undefined) {
    try {
      return await fromApi(sources.api);
    } catch (error) {
      log(`summary: the API did not answer the summary query (${(error as Error).message.slice(0, 200)}); reading the subgraph`);
    }
  }
  if (sources.subgraph !== undefined) {
    try {
      return await fromGraphQL(sources.subgraph, "subgraph");
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

export const formatTable = (summary: Summary): string => {
  const header = ["#", "project", "yield routed (stETH)", "liquidity (wstETH)", "LP locked", "price (wstETH/token)", "tokens emitted"];
  const rows = summary.projects.map((p) => [
    String(p.projectId),
    `${p.symbol} ${p.name}`,
    decimal(p.yieldRouted),
    decimal(p.liquidityWstEth),
    decimal(p.lpLocked),
    decimal(p.price, 8),
    decimal(p.tokensEmitted, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: ReadonlyArray<string>) => `  ${cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`;
  return [line(header), `  ${widths.map((w) => "─".repeat(w)).join("  ")}`, ...rows.map(line)].join("\n");
};

/** The summary as one JSON line (raw integers as strings), for scripts and the end-to-end test. */
export const summaryJson = (summary: Summary) =>
  JSON.stringify({
    source: summary.source,
    block: summary.block.toString(),
    projects: summary.projects.map((p) => ({
      ...p,
      yieldRouted: p.yieldRouted.toString(),
      liquidityWstEth: p.liquidityWstEth.toString(),
      lpLocked: p.lpLocked.toString(),
      price: p.price.toString(),
      tokensEmitted: p.tokensEmitted.toString(),
    })),
  });

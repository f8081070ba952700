import { Command, Options } from "@effect/cli";
import { TcmReader, deployTotals } from "@tcm/chain";
import { Console, Effect } from "effect";
import { chainOptions, type ChainFlags, readFrom } from "../context.js";
import { printJson, table } from "../output.js";
import { figuresOf, stEthOfShares } from "../preview.js";
import { withChain } from "../run.js";
import { formatUnits } from "../units.js";
import { formatRatio, jsonOption, tokenLabels } from "./status.js";

const SORTS = ["id", "yield", "liquidity", "principal"] as const;

const options = {
  ...chainOptions,
  json: jsonOption,
  sort: Options.choice("sort", SORTS).pipe(
    Options.withDescription(
      "Order: yield (stETH harvested), liquidity (the pool's wstETH reserve), principal (stETH allocated), id",
    ),
    Options.withDefault("id" as const),
  ),
};

const projects = (flags: ChainFlags & { readonly json: boolean; readonly sort: (typeof SORTS)[number] }) =>
  withChain(
    flags,
    Effect.gen(function* () {
      const snapshot = yield* (yield* TcmReader).snapshot();
      yield* readFrom(snapshot.blockNumber);
      const labels = yield* tokenLabels(snapshot);
      const totals = yield* deployTotals(
        snapshot.projects.map((d) => d.project.id),
        { toBlock: snapshot.blockNumber },
      );
      const figures = snapshot.projects.map((d) => figuresOf(snapshot, d));
      const rows = snapshot.projects.map((d, i) => ({
        id: d.project.id,
        name: labels[i]?.[0] ?? "?",
        symbol: labels[i]?.[1] ?? "?",
        token: d.token.address,
        seeded: d.project.seeded,
        price: figures[i]!.quotePrice,
        spotPrice: figures[i]!.spotPrice,
        liquidityWstEth: d.pair.reserveWstEth,
        principal: d.project.allocatedPrincipal,
        yieldStEth: stEthOfShares(snapshot, d.project.totalYieldShares),
        emissionPerDay: figures[i]!.depositorEmissionPerDay,
        tokensPerDay: figures[i]!.tokensPerDay,
        apr: figures[i]!.apr,
        pendingWstEth: d.project.pendingWstEth,
        harvestedWstEth: totals[i]?.harvestedWstEth ?? 0n,
        deployedWstEth: totals[i]?.deployedWstEth ?? 0n,
        deploymentRatio: totals[i]?.ratio ?? null,
      }));
      const key = {
        id: (r: (typeof rows)[number]) => -BigInt(r.id),
        yield: (r: (typeof rows)[number]) => r.yieldStEth,
        liquidity: (r: (typeof rows)[number]) => r.liquidityWstEth,
        principal: (r: (typeof rows)[number]) => r.principal,
      }[flags.sort];
      rows.sort((a, b) => (key(a) === key(b) ? a.id - b.id : key(a) > key(b) ? -1 : 1));
      if (flags.json) return yield* printJson(rows);
      if (rows.length === 0) return yield* Console.log("No projects yet (launch one with `tcm launch`).");
      yield* Console.log(
        table(
          [
            "id",
            "symbol",
            "name",
            "price (wstETH)",
            "pool reserve (wstETH)",
            "principal (stETH)",
            "yield (stETH)",
            "pending (wstETH)",
            "deployed",
            "tokens/day",
          ],
          rows.map((r) => [
            String(r.id),
            r.symbol,
            r.name,
            formatUnits(r.price, 18, 9) + (r.seeded ? "" : "*"),
            formatUnits(r.liquidityWstEth),
            formatUnits(r.principal),
            formatUnits(r.yieldStEth),
            formatUnits(r.pendingWstEth),
            formatRatio(r.deploymentRatio),
            formatUnits(r.emissionPerDay, 18, 2),
          ]),
        ),
      );
      if (rows.some((r) => !r.seeded)) yield* Console.log("* not seeded yet: the launch price");
      yield* Console.log(
        [
          "pool reserve: the wstETH in the project's pool now (what the deploy steps put in, plus or minus the traders' swaps)",
          "yield: stETH harvested for the project; pending: harvested wstETH waiting for a deploy step",
          "deployed: wstETH the deploy steps put into the pool ÷ wstETH harvested (the step bounties are the ≈ 0.1 % missing)",
        ].join("\n"),
      );
    }),
  );

export const projectsCommand = Command.make("projects", options, projects).pipe(
  Command.withDescription(
    "List projects: price, the pool's wstETH reserve, allocated principal, yield harvested, wstETH pending and the share of the harvested wstETH deployed into the pool, emission. --sort yield|liquidity|principal, --json.",
  ),
);

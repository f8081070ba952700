import { Command } from "@effect/cli";
import { type SendFlags, sendOptions } from "../context.js";
import { table } from "../output.js";
import { formatUnits } from "../units.js";
import { allProjectsOption, projectIdsArg, runProjectStep } from "./shared.js";

const price = (x: bigint) => (x === 0n ? "—" : formatUnits(x, 18, 12));

/** What a step did, in words: opened the pool, traded, or waited (spot above the price the machine trusts). */
const actionOf = (r: {
  readonly tokensSeeded: bigint;
  readonly ceilingPrice: bigint;
  readonly wstEthSwapped: bigint;
  readonly wstEthAdded: bigint;
}) =>
  r.tokensSeeded > 0n
    ? "open pool"
    : r.ceilingPrice > 0n
      ? r.wstEthSwapped + r.wstEthAdded > 0n
        ? "buy + add"
        : "nothing to do"
      : r.wstEthAdded > 0n
        ? "add"
        : "wait (spot above reference)";

const deploy = (flags: SendFlags & { readonly projectId: ReadonlyArray<string>; readonly all: boolean }) =>
  runProjectStep(flags, {
    functionName: "deploy",
    label: (ids) => `deploy step ${ids}`,
    question: "Run the deploy step?",
    preview: (snapshot, due) => [
      `Deploy step for ${due.map((r) => `#${r.id}`).join(", ")}`,
      table(
        [
          "project",
          "action",
          "pending wstETH",
          "swapped",
          "tokens bought",
          "wstETH added",
          "LP minted",
          "bounty wstETH",
          "pending after",
          "spot",
          "reference",
          "ceiling",
        ],
        due.map(({ id, report: r }) => [
          `#${id}`,
          actionOf(r),
          formatUnits(r.pendingIn),
          formatUnits(r.wstEthSwapped),
          formatUnits(r.tokensBought),
          formatUnits(r.wstEthAdded),
          formatUnits(r.liquidityMinted),
          formatUnits(r.bounty),
          formatUnits(r.pendingOut),
          price(r.spotPrice),
          price(r.referencePrice),
          price(r.ceilingPrice),
        ]),
      ),
      `Prices are wstETH per token. A step buys only while the price stays under spot × (1 + ${snapshot.protocol.config.maxImpactBps} bps) ` +
        "and never above the price the machine trusts; what it cannot deploy waits for the next step.",
    ],
  });

export const deployCommand = Command.make(
  "deploy",
  { ...sendOptions, projectId: projectIdsArg, all: allProjectsOption },
  deploy,
).pipe(
  Command.withDescription(
    "Run the deploy step of one or several projects (anyone may; the caller earns a small wstETH bounty). A step is due every " +
      "stepInterval while the project has pending wstETH from its harvests: the first opens the pool at the launch price, the " +
      "next ones buy the token with at most half of it and lock what they bought with the wstETH the reserves need, as liquidity " +
      "nobody can withdraw. Previews each step; projects whose step is not due are skipped with the reason (and when it will be).",
  ),
);

/** Pieces several position commands share: reading the caller's position and showing an allocation's effect. */
import { ChainClient, Deployment, type Snapshot, TcmReader, mockStETHAbi } from "@tcm/chain";
import { Effect } from "effect";
import type { Address } from "viem";
import { BadInput } from "../errors.js";
import { table } from "../output.js";
import { splitPrincipal, tokensPerDay } from "../preview.js";
import { formatBps, formatUnits } from "../units.js";

export interface Holding {
  readonly projectId: number;
  readonly bps: number;
  readonly principal: bigint;
  readonly pendingRewards: bigint;
}

/** The account's position (principal and entries) pinned to the snapshot's block. */
export const positionAt = (account: Address, snapshot: Snapshot) =>
  Effect.gen(function* () {
    const reader = yield* TcmReader;
    const position = yield* reader.position(account, { blockNumber: snapshot.blockNumber });
    const holdings: Holding[] = position.entries.map((e) => ({
      projectId: Number(e.projectId),
      bps: Number(e.bps),
      principal: e.principal,
      pendingRewards: e.pendingRewards,
    }));
    return { principal: position.principal, holdings };
  });

export const stEthBalances = (account: Address) =>
  Effect.gen(function* () {
    const chain = yield* ChainClient;
    const deployment = yield* Deployment;
    const stETH = { address: deployment.stETH, abi: mockStETHAbi } as const;
    const [balance, allowance] = yield* chain.read("stETH balance", (c) =>
      Promise.all([
        c.readContract({ ...stETH, functionName: "balanceOf", args: [account] }),
        c.readContract({ ...stETH, functionName: "allowance", args: [account, deployment.machine] }),
      ]),
    );
    return { balance, allowance };
  });

const symbolOf = (snapshot: Snapshot, id: number) => `#${id}` + (snapshot.projects[id - 1] ? "" : " (unknown)");

/**
 * Per project: share, principal, expected tokens per day (domain emission math, pro rata to allocated principal),
 * before and after. `before` is the current position (empty for a new one).
 */
export const allocationTable = (
  snapshot: Snapshot,
  before: { readonly principal: bigint; readonly holdings: ReadonlyArray<Holding> },
  after: { readonly principal: bigint; readonly entries: ReadonlyArray<{ readonly projectId: number; readonly bps: number }> },
): string => {
  const afterParts = splitPrincipal(after.principal, after.entries);
  const ids = [...new Set([...before.holdings.map((h) => h.projectId), ...afterParts.map((p) => p.projectId)])].sort((a, b) => a - b);
  const rows = ids.map((id) => {
    const details = snapshot.projects[id - 1];
    const old = before.holdings.find((h) => h.projectId === id);
    const next = afterParts.find((p) => p.projectId === id);
    const others = (details?.project.allocatedPrincipal ?? 0n) - (old?.principal ?? 0n);
    const perDay = (part: bigint) => (details === undefined ? 0n : tokensPerDay(details.project, snapshot.timestamp, part, others));
    const cells = [
      symbolOf(snapshot, id),
      next === undefined ? "0%" : formatBps(next.bps),
      formatUnits(next?.part ?? 0n),
      formatUnits(perDay(next?.part ?? 0n)),
    ];
    return before.holdings.length === 0 ? cells : [...cells, formatUnits(perDay(old?.principal ?? 0n))];
  });
  const headers = ["project", "share", "principal (stETH)", "tokens/day"];
  return table(before.holdings.length === 0 ? headers : [...headers, "tokens/day now"], rows);
};

export const requireAccount = (from: Address | undefined, what: string) =>
  from === undefined
    ? Effect.fail(new BadInput({ flag: "--keystore", message: `${what} needs the signer's address: set TCM_PRIVATE_KEY or pass --keystore` }))
    : Effect.succeed(from);

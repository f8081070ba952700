/**
 * Pieces several commands share: reading the caller's position and showing an allocation's effect (position
 * commands), and running a per-project step (harvest, deploy).
 */
import { Args, Options } from "@effect/cli";
import {
  ChainClient,
  ContractRevert,
  Deployment,
  type Snapshot,
  TcmReader,
  TxBuilder,
  mockStETHAbi,
  technoCapitalMachineAbi,
} from "@tcm/chain";
import { nextHarvestTime } from "@tcm/domain";
import { Effect, Either } from "effect";
import { type Address, type ContractFunctionReturnType, zeroAddress } from "viem";
import { type SendFlags, toFlag } from "../context.js";
import { BadInput } from "../errors.js";
import { table } from "../output.js";
import { splitPrincipal, tokensPerDay } from "../preview.js";
import { withChain, withSigner } from "../run.js";
import { execute, gasLine, say } from "../send.js";
import { formatBps, formatUnits, parseIds } from "../units.js";

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
  after: {
    readonly principal: bigint;
    readonly entries: ReadonlyArray<{ readonly projectId: number; readonly bps: number }>;
  },
): string => {
  const afterParts = splitPrincipal(after.principal, after.entries);
  const ids = [...new Set([...before.holdings.map((h) => h.projectId), ...afterParts.map((p) => p.projectId)])].sort(
    (a, b) => a - b,
  );
  const rows = ids.map((id) => {
    const details = snapshot.projects[id - 1];
    const old = before.holdings.find((h) => h.projectId === id);
    const next = afterParts.find((p) => p.projectId === id);
    const others = (details?.project.allocatedPrincipal ?? 0n) - (old?.principal ?? 0n);
    const perDay = (part: bigint) =>
      details === undefined ? 0n : tokensPerDay(details.project, snapshot.timestamp, part, others);
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
    ? Effect.fail(
        new BadInput({
          flag: "--keystore",
          message: `${what} needs the signer's address: set TCM_PRIVATE_KEY or pass --keystore`,
        }),
      )
    : Effect.succeed(from);

/** The `<project-id>...` argument of the per-project steps (none with --all). */
export const projectIdsArg = Args.text({ name: "project-id" }).pipe(
  Args.withDescription("One or more project ids (1 2 3 or 1,2,3); none with --all"),
  Args.atLeast(0),
);

/** `--all`: every project; the ones whose step is not ready are listed with the reason and left out of the batch. */
export const allProjectsOption = Options.boolean("all").pipe(
  Options.withDescription(
    "Every project (instead of listing ids): the ready ones in one batched transaction, the others listed with the reason",
  ),
);

/**
 * The ids a per-project step runs for: the listed ones (parsed before anything is read), or, with --all, none yet
 * (undefined: every project of the snapshot). Exactly one of the two.
 */
const listedIds = (flags: {
  readonly projectId: ReadonlyArray<string>;
  readonly all: boolean;
}): Either.Either<ReadonlyArray<bigint> | undefined, BadInput> => {
  if (flags.all && flags.projectId.length > 0) {
    return Either.left(
      new BadInput({
        flag: "--all",
        message: `--all runs every project; drop the project ids (${flags.projectId.join(" ")}) or --all`,
      }),
    );
  }
  if (flags.all) return Either.right(undefined);
  if (flags.projectId.length === 0) {
    return Either.left(
      new BadInput({ flag: "<project-id>", message: "name one or more project ids (1 2 3 or 1,2,3), or pass --all" }),
    );
  }
  return parseIds("<project-id>", flags.projectId);
};

const projectIdFlag = toFlag([
  ["projectId", "<project-id>", "existing project ids"],
  ["projectIds", "<project-id>", "existing project ids, each listed once"],
]);

const until = (from: bigint, to: bigint): string => {
  const minutes = (to > from ? to - from : 0n) / 60n;
  return minutes >= 60n ? `${minutes / 60n} h ${minutes % 60n} min` : `${minutes} min`;
};

/**
 * TCM_AlreadyHarvested says why a harvest is not ready, and when it will be: a project launched this epoch has never
 * been harvested (its first harvest opens with the next epoch), one harvested this epoch waits for the next.
 */
const notReadyYet = (snapshot: Snapshot, genesis: bigint, id: bigint, error: ContractRevert): ContractRevert => {
  if (error.name !== "TCM_AlreadyHarvested") return error;
  const project = snapshot.projects[Number(id) - 1]?.project;
  if (project === undefined) return error;
  const epoch = BigInt(project.lastHarvestEpoch);
  const at = nextHarvestTime(genesis, epoch);
  const when = `${new Date(Number(at) * 1000).toISOString().replace(".000Z", "Z")} (in ${until(snapshot.timestamp, at)}, when epoch ${epoch + 1n} begins)`;
  const message =
    project.totalYieldShares === 0n
      ? `Project ${id} is not ready to harvest: it was launched in epoch ${epoch}, the current one, and a project's first harvest opens with the next epoch, at ${when}`
      : `Project ${id} was already harvested in epoch ${epoch}, the current one; its next harvest opens at ${when}`;
  return new ContractRevert({ ...error, message });
};

/** The machine's per-project steps; each has a batch form (`harvestMany`, `deployMany`) that skips the projects not ready. */
export type ProjectStep = "harvest" | "deploy";

/** What the contract reports for one project's step. */
export type StepReport<F extends ProjectStep> = ContractFunctionReturnType<
  typeof technoCapitalMachineAbi,
  "nonpayable",
  F
>;

export interface ReadyProject<F extends ProjectStep> {
  readonly id: bigint;
  readonly report: StepReport<F>;
}

/**
 * Runs `functionName` for the given projects: validates the ids (each exists, none twice) with the shared rules, asks
 * the contract for each project's answer as a static call at the snapshot's block, prints `preview` for the projects
 * whose call succeeds and the reason for each one skipped, then sends the single call (one id, ready) or the batch,
 * as the signer (anyone may call them; in a dry run without a key, the static calls are made from the zero address).
 * Fails with the first revert when no project is ready, and with any other error as it comes.
 */
export const runProjectStep = <F extends ProjectStep>(
  flags: SendFlags & { readonly projectId: ReadonlyArray<string>; readonly all: boolean },
  step: {
    readonly functionName: F;
    /** The transaction's label for the ready projects ("#1, #2"). */
    readonly label: (ids: string) => string;
    readonly question: string;
    readonly preview: (snapshot: Snapshot, ready: ReadonlyArray<ReadyProject<F>>) => ReadonlyArray<string>;
  },
) =>
  withChain(
    flags,
    withSigner(flags, (from) =>
      Effect.gen(function* () {
        const { functionName } = step;
        const listed = yield* listedIds(flags);
        const reader = yield* TcmReader;
        const builder = yield* TxBuilder;
        const chain = yield* ChainClient;
        const deployment = yield* Deployment;
        const snapshot = yield* reader.snapshot();
        const count = snapshot.protocol.projectCount;
        if (listed === undefined && count === 0) {
          return yield* Effect.fail(
            new BadInput({ flag: "--all", message: "there are no projects yet (launch one with `tcm launch`)" }),
          );
        }
        const projectIds = listed ?? Array.from({ length: count }, (_, i) => BigInt(i + 1));
        const buildOptions = { projectCount: snapshot.protocol.projectCount };
        const one = functionName === "harvest" ? builder.harvest : builder.deploy;
        const many = functionName === "harvest" ? builder.harvestMany : builder.deployMany;
        // Validates the ids (each exists, none twice) with the shared rules before anything else.
        yield* many({ projectIds }, buildOptions).pipe(
          Effect.catchTag("InvalidInput", (e) => Effect.fail(projectIdFlag(e))),
        );

        // The contract's own answer for each project, as a static call: the step's report, or why it is not due.
        const simulations = yield* Effect.forEach(projectIds, (id) =>
          chain
            .request(`simulate ${functionName}`, (c) =>
              c.simulateContract({
                address: deployment.machine,
                abi: technoCapitalMachineAbi,
                functionName: functionName as ProjectStep,
                args: [Number(id)],
                account: from ?? zeroAddress,
                blockNumber: snapshot.blockNumber,
              }),
            )
            .pipe(
              Effect.map((r) => r.result as StepReport<F>),
              Effect.either,
            ),
        );
        const failures = simulations.flatMap((s, i) =>
          Either.isLeft(s)
            ? [
                [
                  projectIds[i]!,
                  s.left._tag === "ContractRevert"
                    ? notReadyYet(snapshot, deployment.genesis, projectIds[i]!, s.left)
                    : s.left,
                ] as const,
              ]
            : [],
        );
        for (const [, error] of failures) if (error._tag !== "ContractRevert") return yield* Effect.fail(error);
        const ready = projectIds.flatMap((id, i): ReadyProject<F>[] => {
          const s = simulations[i];
          return s !== undefined && Either.isRight(s) ? [{ id, report: s.right }] : [];
        });
        if (ready.length === 0) {
          if (listed === undefined) {
            // --all with nothing ready is not a failure (a cron job runs it on schedule): say why for each project.
            yield* say(flags)(`Nothing to ${functionName}: no project is ready.`);
            for (const [id, error] of failures) yield* say(flags)(`  #${id}: ${error.message}`);
            return;
          }
          const [, error] = failures[0] as readonly [bigint, ContractRevert];
          return yield* Effect.fail(error);
        }

        for (const line of step.preview(snapshot, ready)) yield* say(flags)(line);
        for (const [id, error] of failures) yield* say(flags)(`  #${id} skipped: ${error.message}`);

        const options = { ...buildOptions, ...(from ? { from } : {}) };
        const tx =
          ready.length === 1 && projectIds.length === 1
            ? yield* one({ projectId: ready[0]!.id }, options)
            : yield* many({ projectIds: ready.map((r) => r.id) }, options);
        yield* say(flags)(`gas  ${gasLine([{ label: functionName, tx }])}`);
        yield* execute(flags, [{ label: step.label(ready.map((r) => `#${r.id}`).join(", ")), tx }], step.question);
      }),
    ),
  );

import {
  type ProjectDetails,
  ModelState,
  standInAccount,
  validateAddress,
  validateAllocation,
  validateDepositAmount,
  validatePositiveAmount,
  withAccounts,
} from "@tcm/chain";
import {
  type DeployReport,
  type DomainError,
  type State,
  execute,
  nextDeployTimeOf,
  positionOf,
  previewDeploy,
  previewHarvest,
  spotPrice,
  stepPriceChangeBps,
} from "@tcm/domain";
import { Effect, Either, Metric, Predicate } from "effect";
import type { Address } from "viem";
import * as derive from "./derive.js";
import { BadInput, ChainUnavailable, PreviewReverted } from "./errors.js";
import { type LiveBlock, LiveState } from "./LiveState.js";
import { chainReads } from "./Metrics.js";

const lower = (a: string) => a.toLowerCase() as Address;
/** The stand-in depositor of a preview without an account (never a real key). */
const ANONYMOUS: Address = "0x00000000000000000000000000000000000a11ce";

const bad = <A>(either: Either.Either<A, { input: string; rule: string; message: string }>) =>
  Either.isLeft(either)
    ? Effect.fail(new BadInput({ input: either.left.input, rule: either.left.rule, message: either.left.message }))
    : Effect.succeed(either.right);

const describeDomainError = (error: DomainError): string => {
  const fields = Object.entries(error)
    .filter(([k]) => k !== "_tag")
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ");
  return fields.length > 0 ? `${error._tag}(${fields})` : error._tag;
};
const reverted = (error: DomainError) =>
  new PreviewReverted({ error: error._tag, message: `the contract would revert: ${describeDomainError(error)}` });

export interface ProjectedLine {
  readonly project: ProjectDetails;
  readonly bps: number;
  readonly principal: bigint;
  readonly projectAllocatedPrincipalAfter: bigint;
  readonly tokensPerDay: bigint;
  readonly apr: number | null;
}

const projectLines = (block: LiveBlock, after: State, account: Address): ProjectedLine[] =>
  positionOf(after, account).entries.flatMap((entry) => {
    const id = entry.projectId;
    const live = block.byId.get(id);
    if (live === undefined) return [];
    const bps = Number(entry.bps);
    const part: bigint = entry.principal;
    const total = after.projects[id]?.allocatedPrincipal ?? 0n;
    const tokensPerDay = derive.tokensPerDayFor(live.details, block.snapshot.timestamp, part, total);
    return [
      {
        project: live.details,
        bps,
        principal: part,
        projectAllocatedPrincipalAfter: total,
        tokensPerDay,
        apr: derive.aprOf(block.snapshot, live.details, tokensPerDay, part),
      },
    ];
  });

const make = Effect.gen(function* () {
  const live = yield* LiveState;
  const models = yield* ModelState;

  const modelAt = (block: LiveBlock) => block.model;

  /** The block's model with the account's position and stETH shares, read from the chain at the same block. */
  const accountState = (block: LiveBlock, account: Address) =>
    Effect.gen(function* () {
      const model = yield* modelAt(block);
      yield* Metric.increment(chainReads);
      return yield* models.withAccounts(model, block.snapshot.blockNumber, [account]).pipe(
        Effect.mapError(
          (e) =>
            new ChainUnavailable({
              message: Predicate.isTagged(e, "ModelMismatch")
                ? e.message
                : `chain read failed (account ${account}): ${e.message}`,
            }),
        ),
      );
    });

  const run = (state: State, action: Parameters<typeof execute>[1]) => {
    const result = execute(state, action);
    return result.ok ? Effect.succeed(result.value) : Effect.fail(reverted(result.error));
  };

  return {
    deposit: Effect.fn("Previews.deposit")(function* (input: {
      readonly amount: bigint;
      readonly allocation: ReadonlyArray<{ readonly projectId: number; readonly bps: number }>;
      readonly account?: string | undefined;
    }) {
      const block = yield* live.current;
      const amount = yield* bad(validateDepositAmount("amount", input.amount));
      const allocation = yield* bad(
        validateAllocation("allocation", input.allocation, block.snapshot.protocol.projectCount),
      );
      const account =
        input.account === undefined ? ANONYMOUS : lower(yield* bad(validateAddress("account", input.account)));
      const state =
        input.account === undefined
          ? yield* modelAt(block).pipe(
              Effect.map((model) => withAccounts(model, [standInAccount(model, account, amount)])),
            )
          : yield* accountState(block, account);
      const { state: after, output } = yield* run(state, {
        type: "deposit",
        account,
        amount,
        allocation: allocation.map((a) => ({ projectId: a.projectId, bps: BigInt(a.bps) })),
      });
      const principal = output.type === "deposit" ? output.principal : 0n;
      const lines = projectLines(block, after, account);
      return {
        block: block.snapshot,
        principal,
        sharesAdded: output.type === "deposit" ? output.sharesAdded : 0n,
        lines,
        apr: derive.aprOfPosition(block.snapshot, lines, principal),
      };
    }),

    reallocation: Effect.fn("Previews.reallocation")(function* (input: {
      readonly account: string;
      readonly allocation: ReadonlyArray<{ readonly projectId: number; readonly bps: number }>;
    }) {
      const block = yield* live.current;
      const account = lower(yield* bad(validateAddress("account", input.account)));
      const allocation = yield* bad(
        validateAllocation("allocation", input.allocation, block.snapshot.protocol.projectCount),
      );
      const state = yield* accountState(block, account);
      const before = projectLines(block, state, account);
      const { state: after } = yield* run(state, {
        type: "reallocate",
        account,
        allocation: allocation.map((a) => ({ projectId: a.projectId, bps: BigInt(a.bps) })),
      });
      const lines = projectLines(block, after, account);
      const principal = lines.reduce((s, l) => s + l.principal, 0n);
      return {
        block: block.snapshot,
        principal,
        before,
        lines,
        aprBefore: derive.aprOfPosition(block.snapshot, before, principal),
        apr: derive.aprOfPosition(block.snapshot, lines, principal),
      };
    }),

    harvest: Effect.fn("Previews.harvest")(function* (projectId: number, at?: bigint) {
      const block = yield* live.current;
      yield* known(block, projectId);
      const state = yield* modelAt(block);
      const now = at ?? block.snapshot.timestamp;
      const result = previewHarvest(state, projectId, now);
      if (!result.ok) return yield* reverted(result.error);
      const { report, status, deploy } = result.value;
      return {
        block: block.snapshot,
        projectId,
        now,
        status,
        report,
        deployStep: deploy === undefined ? null : stepPreview(deploy),
      };
    }),

    deploy: Effect.fn("Previews.deploy")(function* (projectId: number, at?: bigint) {
      const block = yield* live.current;
      const details = yield* known(block, projectId);
      const state = yield* modelAt(block);
      const now = at ?? block.snapshot.timestamp;
      const readyAt = nextDeployTimeOf(state, projectId);
      if (!readyAt.ok) return yield* reverted(readyAt.error);
      const base = {
        block: block.snapshot,
        projectId,
        now,
        readyAt: readyAt.value,
        pendingWstEth: details.project.pendingWstEth,
      };
      const result = previewDeploy(state, projectId, now);
      if (result.ok) return { ...base, status: "DONE" as const, step: stepPreview(result.value) };
      switch (result.error._tag) {
        case "TCM_NothingToDeploy":
          return { ...base, status: "NOTHING_TO_DEPLOY" as const, step: null };
        case "TCM_StepNotDue":
          return { ...base, status: "STEP_NOT_DUE" as const, step: null };
        default:
          return yield* reverted(result.error);
      }
    }),

    withdrawal: Effect.fn("Previews.withdrawal")(function* (input: {
      readonly account: string;
      readonly amount?: bigint | undefined;
    }) {
      const block = yield* live.current;
      const account = lower(yield* bad(validateAddress("account", input.account)));
      const state = yield* accountState(block, account);
      const position = positionOf(state, account);
      if (position.principal === 0n) {
        return yield* new BadInput({
          input: "account",
          rule: "no-position",
          message: `account ${input.account} has no position`,
        });
      }
      const amount =
        input.amount === undefined ? position.principal : yield* bad(validatePositiveAmount("amount", input.amount));
      const { state: after, output } = yield* run(state, { type: "withdraw", account, amount, receiver: account });
      if (output.type !== "withdraw")
        return yield* new PreviewReverted({ error: "Unexpected", message: "unexpected model output" });
      return {
        block: block.snapshot,
        amount,
        principalBefore: position.principal,
        principalAfter: positionOf(after, account).principal,
        stEthPaid: output.stEthPaid,
        sharesPaid: output.sharesPaid,
        deficit: output.deficit,
        shortfall: amount > output.stEthPaid ? amount - output.stEthPaid : 0n,
      };
    }),
  } as const;
});

/**
 * A step's report with what integrators want beside it: whether it opens the pool, the spot price after it (the
 * report's reserves, converted as its spotPrice is) and how far the step moved that price (the domain's one price
 * impact figure).
 */
const stepPreview = (r: DeployReport) => ({
  ...r,
  opening: r.tokensSeeded > 0n,
  priceAfter: spotPrice(r.reserveWstEth, r.reserveTokens),
  priceImpactBps: stepPriceChangeBps(r),
});

/** The project's live details, or BadInput naming the unknown id. */
const known = (block: LiveBlock, projectId: number) => {
  const details = block.byId.get(projectId)?.details;
  return details === undefined
    ? Effect.fail(
        new BadInput({
          input: "projectId",
          rule: "unknown-project",
          message: `projectId: project ${projectId} does not exist (ids are 1..${block.snapshot.protocol.projectCount})`,
        }),
      )
    : Effect.succeed(details);
};

/** Previews with @tcm/domain's exact model over the current block's chain state. */
export class Previews extends Effect.Service<Previews>()("@tcm/api/Previews", { effect: make }) {}

export type { ChainUnavailable };

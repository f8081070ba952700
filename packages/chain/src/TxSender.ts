import { Data, Duration, Effect, Either, Option, Predicate, Ref, Schedule, SynchronizedRef } from "effect";
import {
  type Address,
  BaseError,
  type Hex,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
  WaitForTransactionReceiptTimeoutError,
  keccak256,
} from "viem";
import { ChainClient } from "./ChainClient.js";
import { type ChainError, ContractRevert, ReceiptTimeout, isTransient } from "./errors.js";
import { decodeRevert } from "./revert.js";
import { classifyRpcError, revertDataOf, transientRpcRetry } from "./rpc.js";
import type { PreparedTx } from "./TxBuilder.js";
import { Wallet } from "./Wallet.js";

/** Overrides for one send. The keeper manages nonces and fees itself; the CLI leaves all of them to the node. */
export interface SendOptions {
  readonly nonce?: number;
  /** Gas limit; defaults to the prepared estimate, else a fresh eth_estimateGas (a revert fails the send), plus 20 %. */
  readonly gas?: bigint;
  readonly maxFeePerGas?: bigint;
  readonly maxPriorityFeePerGas?: bigint;
  /** Receipt wait timeout (default 60 s). */
  readonly timeoutMs?: number;
}

export interface SentTx {
  readonly hash: Hex;
  readonly receipt: TransactionReceipt;
}

/** A transaction the node refused outright (funds, bad fee, …). Fatal for this send; the nonce was not used. */
export class TxRejected extends Data.TaggedError("TxRejected")<{ readonly kind: string; readonly message: string }> {
  readonly retryable = false as const;
}

/** Our nonce was consumed by a transaction this process did not track (another process with the same key). */
export class NonceConflict extends Data.TaggedError("NonceConflict")<{
  readonly nonce: number;
  readonly message: string;
}> {
  readonly retryable = true as const;
}

/** No receipt after every replacement the policy allows. The nonce stays taken. */
export class StuckTransaction extends Data.TaggedError("StuckTransaction")<{
  readonly nonce: number;
  readonly hashes: ReadonlyArray<Hex>;
  readonly message: string;
}> {
  readonly retryable = false as const;
}

/** The base fee alone is at or above the fee cap: nothing should be sent now. */
export class GasAboveCap extends Data.TaggedError("GasAboveCap")<{
  readonly baseFee: bigint;
  readonly cap: bigint;
  readonly message: string;
}> {
  readonly retryable = true as const;
}

/** Fee caps (wei per gas): a managed send never bids above them, replacements included. */
export interface FeeCaps {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

export interface Fees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  /** What a unit of gas costs if mined in the next block (base fee + tip, capped): for profitability. */
  readonly effectiveGasPrice: bigint;
}

/** A transaction whose nonce and fees the sender manages (signed locally, so its hash is known before broadcast). */
export interface ManagedTx {
  readonly to: Address;
  readonly data: Hex;
  readonly gas: bigint;
  readonly value?: bigint;
  /** For logs and errors: harvest, harvestMany, deploy, deployMany, … */
  readonly kind: string;
}

/** One signed version of a managed transaction. */
export interface Attempt {
  readonly hash: Hex;
  readonly raw: Hex;
  readonly fees: Fees;
}

/** A broadcast managed transaction: its nonce and first signed version. */
export interface PendingTx {
  readonly request: ManagedTx;
  readonly nonce: number;
  readonly attempts: ReadonlyArray<Attempt>;
}

/** How a managed transaction ended: mined (by any of its versions) or reverted (with the decoded reason). */
export type TxOutcome = Data.TaggedEnum<{
  Mined: { readonly hash: Hex; readonly receipt: TransactionReceipt; readonly replacements: number };
  Reverted: {
    readonly hash: Hex;
    readonly receipt: TransactionReceipt;
    readonly revert: ContractRevert;
    readonly replacements: number;
  };
}>;
export const TxOutcome = Data.taggedEnum<TxOutcome>();

/** How long to wait for a receipt, and how to replace a transaction that does not get one. */
export interface ReplacementPolicy extends FeeCaps {
  /** How often receipts are looked for. */
  readonly receiptPollInterval: Duration.DurationInput;
  /** Without a receipt for this long, the transaction is replaced (same nonce, fees bumped, capped). */
  readonly replaceAfter: Duration.DurationInput;
  /** Rounds of `replaceAfter` before StuckTransaction (default 10). */
  readonly maxRounds?: number;
  /** Called for each replacement broadcast (metrics). */
  readonly onReplaced?: (attempt: Attempt, replaces: Attempt) => Effect.Effect<void>;
}

/** A fee bump for a replacement: at least +12.5 % on both fields (nodes refuse less), rounded up. */
export const bumpFee = (fee: bigint): bigint => (fee * 1125n + 999n) / 1000n + 1n;

/**
 * Fees for the next block under caps: tip = min(node's suggestion, cap), maxFee = min(2 × base fee + tip, cap).
 * GasAboveCap when the base fee alone reaches the fee cap.
 */
export const feesUnderCaps = (
  baseFee: bigint,
  suggestedTip: bigint,
  caps: FeeCaps,
): Either.Either<Fees, GasAboveCap> => {
  if (baseFee >= caps.maxFeePerGas) {
    return Either.left(
      new GasAboveCap({ baseFee, cap: caps.maxFeePerGas, message: `base fee ${baseFee} ≥ cap ${caps.maxFeePerGas}` }),
    );
  }
  const tip = suggestedTip < caps.maxPriorityFeePerGas ? suggestedTip : caps.maxPriorityFeePerGas;
  const wanted = baseFee * 2n + tip;
  const maxFeePerGas = wanted < caps.maxFeePerGas ? wanted : caps.maxFeePerGas;
  const effective = baseFee + tip;
  return Either.right({
    maxFeePerGas,
    maxPriorityFeePerGas: tip > maxFeePerGas ? maxFeePerGas : tip,
    effectiveGasPrice: effective < maxFeePerGas ? effective : maxFeePerGas,
  });
};

/**
 * Gas limit from an estimate: +50 % and +50,000. An estimate is taken at the latest block's timestamp; mined in a
 * later second, a call may accrue the emissions of every project it touches (an early return at the same
 * timestamp), which costs tens of thousands more. Unused gas is not charged.
 */
export const withGasMargin = (estimate: bigint): bigint => (estimate * 3n) / 2n + 50_000n;

/** The node's own words: viem's short message hides them in the cause's details ("Transaction creation failed."). */
const nodeText = (e: ChainError): string =>
  `${e.message} ${"cause" in e && e.cause instanceof Error ? e.cause.message : ""}`;
/** The short message with the node's details, for errors people read. */
const withDetails = (e: ChainError): string => {
  const details = "cause" in e && e.cause instanceof BaseError ? e.cause.details : "";
  return details === "" || e.message.includes(details) ? e.message : `${e.message} (${details})`;
};
const alreadyKnown = (e: ChainError) =>
  /already known|known transaction|already imported|AlreadyKnown/i.test(nodeText(e));
const underpriced = (e: ChainError) => /underpriced|replacement|fee too low/i.test(nodeText(e));
const nonceTooLow = (e: ChainError) =>
  (Predicate.isTagged(e, "RpcError") && e.reason === "nonce-too-low") ||
  /nonce too low|nonce has already been used/i.test(nodeText(e));

/** A round of receipt polling ended without one (internal). */
class NoReceiptYet extends Data.TaggedError("NoReceiptYet")<{}> {}

const make = Effect.gen(function* () {
  const chain = yield* ChainClient;
  const wallet = yield* Wallet;
  const address = wallet.address;

  const submit = Effect.fn("TxSender.submit")(function* (tx: PreparedTx, options: SendOptions = {}) {
    // Estimates are exact for the state they ran on; state moves (time-based accrual, other txs), so pad them.
    const estimate =
      options.gas !== undefined
        ? undefined
        : (tx.gasEstimate ??
          (yield* chain.read("estimateGas", (c) =>
            c.estimateGas({ account: wallet.address, to: tx.to, data: tx.data, value: tx.value }),
          )));
    const gas = options.gas ?? withGasMargin(estimate ?? 0n);
    return yield* Effect.tryPromise({
      try: () =>
        wallet.walletClient.sendTransaction({
          to: tx.to,
          data: tx.data,
          value: tx.value,
          ...(gas === undefined ? {} : { gas }),
          ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
          ...(options.maxFeePerGas === undefined ? {} : { maxFeePerGas: options.maxFeePerGas }),
          ...(options.maxPriorityFeePerGas === undefined ? {} : { maxPriorityFeePerGas: options.maxPriorityFeePerGas }),
        }),
      catch: (e) => classifyRpcError("sendTransaction", e),
    });
  });

  /** Replays a reverted transaction as eth_call on the state before its block to recover the revert data. */
  const revertOf = (hash: Hex, receipt: TransactionReceipt) =>
    Effect.gen(function* () {
      const tx = yield* chain.read("getTransaction", (c) => c.getTransaction({ hash }));
      const data = yield* Effect.tryPromise({
        try: () =>
          chain.client
            .call({
              account: tx.from,
              to: tx.to ?? null,
              data: tx.input,
              value: tx.value,
              gas: tx.gas,
              blockNumber: receipt.blockNumber - 1n,
            })
            .then(() => undefined as Hex | undefined),
        catch: (e) => e,
      }).pipe(Effect.catchAll((e) => Effect.succeed(revertDataOf(e))));
      if (data === undefined && receipt.gasUsed * 100n >= tx.gas * 97n) {
        return new ContractRevert({
          operation: "transaction",
          name: "OutOfGas",
          args: [receipt.gasUsed, tx.gas],
          message: `Ran out of gas (used ${receipt.gasUsed} of a ${tx.gas} limit)`,
          data: undefined,
          txHash: hash,
        });
      }
      return decodeRevert(data, "transaction", hash);
    });

  const waitForReceipt = Effect.fn("TxSender.waitForReceipt")(function* (
    hash: Hex,
    options: { readonly timeoutMs?: number } = {},
  ) {
    const receipt = yield* Effect.tryPromise({
      try: () => chain.client.waitForTransactionReceipt({ hash, timeout: options.timeoutMs ?? 60_000 }),
      catch: (e): ChainError | ReceiptTimeout =>
        e instanceof WaitForTransactionReceiptTimeoutError
          ? new ReceiptTimeout({ txHash: hash, message: `No receipt for ${hash} yet` })
          : classifyRpcError("waitForTransactionReceipt", e),
    });
    if (receipt.status === "reverted") return yield* Effect.fail(yield* revertOf(hash, receipt));
    return receipt;
  });

  // ---- Managed sends: a local nonce, raw signing, replacements (the keeper) ----

  const nonceAt = (blockTag: "pending" | "latest") =>
    chain.read(`nonce(${blockTag})`, (c) => c.getTransactionCount({ address, blockTag }));

  /**
   * The next nonce a managed send uses: read from the node's pending nonce on first use, then kept here and moved
   * only under this ref's lock (sign + broadcast), so two managed sends never share a nonce except replacements.
   */
  const nonceRef = yield* SynchronizedRef.make<Option.Option<number>>(Option.none());
  const currentNonce = (held: Option.Option<number>) =>
    Option.match(held, { onNone: () => nonceAt("pending"), onSome: Effect.succeed });

  /** Re-reads the node's pending nonce (after the node proved the local one wrong). */
  const resyncNonce = SynchronizedRef.updateEffect(nonceRef, (held) =>
    Effect.gen(function* () {
      const pending = yield* nonceAt("pending");
      if (Option.isSome(held) && held.value !== pending) {
        yield* Effect.logWarning("nonce resynchronised").pipe(
          Effect.annotateLogs({ local: held.value, node: pending }),
        );
      }
      return Option.some(pending);
    }),
  );

  const sign = (request: ManagedTx, nonce: number, fees: Fees): Effect.Effect<Attempt, TxRejected> => {
    const account = wallet.account;
    if (account.type !== "local") {
      return Effect.fail(
        new TxRejected({ kind: request.kind, message: "the wallet's account cannot sign raw transactions" }),
      );
    }
    return Effect.tryPromise({
      try: () =>
        account.signTransaction({
          chainId: wallet.chainId,
          type: "eip1559",
          to: request.to,
          data: request.data,
          gas: request.gas,
          nonce,
          value: request.value ?? 0n,
          maxFeePerGas: fees.maxFeePerGas,
          maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
        }),
      catch: (e) =>
        new TxRejected({
          kind: request.kind,
          message: `signing failed: ${e instanceof Error ? e.message : String(e)}`,
        }),
    }).pipe(Effect.map((raw): Attempt => ({ raw, hash: keccak256(raw), fees })));
  };

  /** eth_sendRawTransaction, re-sent (same bytes, so idempotent) on transient faults. */
  const broadcastRaw = (raw: Hex) =>
    chain
      .request("sendRawTransaction", (c) => c.sendRawTransaction({ serializedTransaction: raw }))
      .pipe(Effect.retry({ schedule: transientRpcRetry, while: isTransient }));

  const receiptOf = (hash: Hex) =>
    chain.read("getTransactionReceipt", (c) =>
      c.getTransactionReceipt({ hash }).catch((e: unknown) => {
        if (e instanceof TransactionReceiptNotFoundError) return undefined;
        throw e;
      }),
    );

  /** Fees for the next block under `caps` (GasAboveCap when the base fee alone reaches the cap). */
  const fees = Effect.fn("TxSender.fees")(function* (caps: FeeCaps) {
    const [block, tip] = yield* chain.read("fees", (c) =>
      Promise.all([
        c.getBlock({ blockTag: "latest" }),
        c.request({ method: "eth_maxPriorityFeePerGas" }).then(BigInt, () => caps.maxPriorityFeePerGas),
      ]),
    );
    return yield* feesUnderCaps(block.baseFeePerGas ?? 0n, tip, caps);
  });

  /**
   * Signs `request` with the next managed nonce and broadcasts it. The nonce moves on once the node may have the
   * transaction: sent, already known, or unknown after a transient fault (receipt polling re-broadcasts the same
   * bytes). A nonce the node says is used by a transaction that is not ours is a NonceConflict; any other refusal
   * a TxRejected; both resynchronise the nonce from the node.
   */
  const sendManaged = Effect.fn("TxSender.sendManaged")(function* (request: ManagedTx, f: Fees) {
    type Sent = readonly [Either.Either<PendingTx, NonceConflict | TxRejected>, Option.Option<number>];
    const result = yield* SynchronizedRef.modifyEffect(nonceRef, (held) =>
      Effect.gen(function* (): Effect.fn.Return<Sent, ChainError | TxRejected> {
        const nonce = yield* currentNonce(held);
        const attempt = yield* sign(request, nonce, f);
        const sent = yield* Effect.either(broadcastRaw(attempt.raw));
        const resynced = Effect.gen(function* () {
          const pending = yield* nonceAt("pending");
          if (pending !== nonce)
            yield* Effect.logWarning("nonce resynchronised").pipe(Effect.annotateLogs({ local: nonce, node: pending }));
          return Option.some(pending);
        });
        const accepted: Sent = [Either.right({ request, nonce, attempts: [attempt] }), Option.some(nonce + 1)];
        if (Either.isRight(sent)) return accepted;
        const e = sent.left;
        // A re-broadcast after a dropped response: the node has it.
        if (alreadyKnown(e)) return accepted;
        if (nonceTooLow(e)) {
          const mined = yield* receiptOf(attempt.hash).pipe(Effect.orElseSucceed(() => undefined));
          if (mined !== undefined) return accepted;
          const conflict = new NonceConflict({
            nonce,
            message: `nonce ${nonce} was already used by another transaction`,
          });
          return [Either.left(conflict), yield* resynced];
        }
        if (isTransient(e)) {
          yield* Effect.logWarning("broadcast outcome unknown; tracking the transaction").pipe(
            Effect.annotateLogs({ hash: attempt.hash, nonce, error: e.message }),
          );
          return accepted;
        }
        return [Either.left(new TxRejected({ kind: request.kind, message: withDetails(e) })), yield* resynced];
      }),
    );
    const pending = yield* result;
    yield* Effect.logInfo("transaction sent").pipe(
      Effect.annotateLogs({
        kind: request.kind,
        hash: pending.attempts[0]?.hash,
        nonce: pending.nonce,
        maxFeePerGas: String(f.maxFeePerGas),
      }),
    );
    return pending;
  });

  /**
   * Waits for any version of a managed transaction to be mined, polling receipts on a `Schedule`. After
   * `replaceAfter` without one it replaces the transaction (same nonce, fees bumped ≥ 12.5 %, within the caps; at
   * the caps it re-broadcasts the last version, which a node may have dropped). A nonce mined by a transaction none
   * of whose versions has a receipt is a NonceConflict (looked at twice); after `maxRounds` rounds, a
   * StuckTransaction (the nonce stays taken and the local counter ahead).
   */
  const awaitMined = Effect.fn("TxSender.awaitMined")(function* (pending: PendingTx, policy: ReplacementPolicy) {
    const attempts = yield* Ref.make(pending.attempts);
    const look = Effect.gen(function* () {
      const versions = yield* Ref.get(attempts);
      const receipts = yield* Effect.forEach(
        versions,
        (a) =>
          receiptOf(a.hash).pipe(
            Effect.map((r) => (r === undefined ? undefined : { attempt: a, receipt: r })),
            Effect.orElseSucceed(() => undefined),
          ),
        { concurrency: "unbounded" },
      );
      const found = receipts.find((r) => r !== undefined);
      return found === undefined ? yield* new NoReceiptYet() : found;
    });
    const round = look.pipe(
      Effect.retry({
        schedule: Schedule.spaced(policy.receiptPollInterval).pipe(Schedule.upTo(policy.replaceAfter)),
        while: Predicate.isTagged("NoReceiptYet"),
      }),
    );
    const replace = Effect.gen(function* () {
      const versions = yield* Ref.get(attempts);
      const last = versions[versions.length - 1];
      if (last === undefined) return;
      const maxFeePerGas = bumpFee(last.fees.maxFeePerGas);
      const maxPriorityFeePerGas = bumpFee(last.fees.maxPriorityFeePerGas);
      if (maxFeePerGas > policy.maxFeePerGas || maxPriorityFeePerGas > policy.maxPriorityFeePerGas) {
        yield* broadcastRaw(last.raw).pipe(Effect.ignore);
        yield* Effect.logWarning("transaction pending at the fee cap").pipe(
          Effect.annotateLogs({ nonce: pending.nonce, hash: last.hash }),
        );
        return;
      }
      const next = yield* sign(pending.request, pending.nonce, {
        maxFeePerGas,
        maxPriorityFeePerGas,
        effectiveGasPrice: maxFeePerGas,
      });
      const sent = yield* Effect.either(broadcastRaw(next.raw));
      if (Either.isRight(sent) || alreadyKnown(sent.left)) {
        yield* Ref.update(attempts, (v) => [...v, next]);
        if (policy.onReplaced !== undefined) yield* policy.onReplaced(next, last);
        yield* Effect.logWarning("transaction replaced with higher fees").pipe(
          Effect.annotateLogs({
            nonce: pending.nonce,
            hash: next.hash,
            replaces: last.hash,
            maxFeePerGas: String(maxFeePerGas),
          }),
        );
      } else if (!underpriced(sent.left) && !nonceTooLow(sent.left)) {
        yield* Effect.logWarning("replacement refused").pipe(
          Effect.annotateLogs({ nonce: pending.nonce, error: withDetails(sent.left) }),
        );
      }
    });
    const maxRounds = policy.maxRounds ?? 10;
    let consumedChecks = 0;
    for (let k = 1; ; k++) {
      const found = yield* Effect.either(round);
      if (Either.isRight(found)) {
        const { attempt, receipt } = found.right;
        const replacements = (yield* Ref.get(attempts)).length - 1;
        if (receipt.status === "success") return TxOutcome.Mined({ hash: attempt.hash, receipt, replacements });
        return TxOutcome.Reverted({
          hash: attempt.hash,
          receipt,
          revert: yield* revertOf(attempt.hash, receipt),
          replacements,
        });
      }
      if (k >= maxRounds) {
        const hashes = (yield* Ref.get(attempts)).map((a) => a.hash);
        return yield* new StuckTransaction({
          nonce: pending.nonce,
          hashes,
          message: `nonce ${pending.nonce}: no receipt after ${hashes.length} versions`,
        });
      }
      const mined = yield* nonceAt("latest").pipe(Effect.orElseSucceed(() => -1));
      if (mined > pending.nonce) {
        // Mined meanwhile (receipt not indexed yet?) or taken by another process: look once more, then stop.
        if (++consumedChecks >= 2) {
          return yield* new NonceConflict({
            nonce: pending.nonce,
            message: `nonce ${pending.nonce} was mined in a transaction this sender did not send`,
          });
        }
        continue;
      }
      yield* replace;
    }
  });

  /**
   * Waits (polling on a `Schedule`) until the account has no pending transaction (pending nonce = latest), at most
   * `within`; so a restarted process never sends a second transaction beside an unmined first one. Then the
   * managed nonce is read afresh.
   */
  const settlePrevious = Effect.fn("TxSender.settlePrevious")(function* (options: {
    readonly pollInterval: Duration.DurationInput;
    readonly within: Duration.DurationInput;
  }) {
    const settled = Effect.gen(function* () {
      const [latest, pending] = yield* Effect.all([nonceAt("latest"), nonceAt("pending")], { concurrency: 2 });
      if (pending <= latest) return;
      yield* Effect.logWarning("waiting for transactions from a previous run").pipe(
        Effect.annotateLogs({ latest, pending }),
      );
      return yield* new NoReceiptYet();
    });
    yield* settled.pipe(
      Effect.retry({
        schedule: Schedule.spaced(options.pollInterval).pipe(Schedule.upTo(options.within)),
        while: Predicate.isTagged("NoReceiptYet"),
      }),
      Effect.catchTag("NoReceiptYet", () =>
        Effect.logWarning("transactions from a previous run are still pending; continuing after them"),
      ),
    );
    yield* resyncNonce;
  });

  return {
    address,
    /** Sends without waiting: the hash, for callers that track many in flight. The node picks nonce and fees. */
    submit,
    waitForReceipt,
    /** Sends, waits for the receipt, fails with the decoded ContractRevert if it reverted (before or after mining). */
    send: Effect.fn("TxSender.send")(function* (tx: PreparedTx, options: SendOptions = {}) {
      const hash = yield* submit(tx, options);
      const receipt = yield* waitForReceipt(
        hash,
        options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
      );
      return { hash, receipt } satisfies SentTx;
    }),
    /** The next nonce including pending transactions (a starting point for a caller-managed nonce). */
    pendingNonce: nonceAt("pending"),
    /** The account's mined nonce. */
    latestNonce: nonceAt("latest"),
    fees,
    sendManaged,
    awaitMined,
    settlePrevious,
    resyncNonce,
    /** The nonce the next managed send uses (read from the node on first use). */
    nextNonce: SynchronizedRef.modifyEffect(nonceRef, (held) =>
      Effect.map(currentNonce(held), (n) => [n, Option.some(n)] as const),
    ),
  } as const;
});

/**
 * Signs and sends prepared transactions with the Wallet, waits for receipts, decodes reverts. Two ways to send:
 * `submit`/`send` leave nonce and fees to the node (the CLI); `sendManaged`/`awaitMined` keep the nonce here, sign
 * raw transactions, bump fees of a stuck one (the keeper). Do not mix both for one key in one process.
 */
export class TxSender extends Effect.Service<TxSender>()("@tcm/chain/TxSender", { effect: make }) {}

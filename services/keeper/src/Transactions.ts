import {
  ChainClient,
  type ChainError,
  type ContractRevert,
  Deployment,
  accountFromKey,
  decodeRevert,
  isTransient,
  revertDataOf,
  transientRpcRetry,
} from "@tcm/chain";
import { Data, Duration, Effect, Schedule } from "effect";
import { type Address, type Hex, type LocalAccount, type TransactionReceipt, keccak256 } from "viem";
import { KeeperConfig } from "./KeeperConfig.js";
import { KeeperMetrics } from "./Metrics.js";

/** A transaction the node refused outright (funds, bad fee, …). Fatal for this send; the nonce was not used. */
export class TxRejected extends Data.TaggedError("TxRejected")<{ readonly kind: string; readonly message: string }> {
  readonly retryable = false as const;
}

/** Our nonce was consumed by a transaction this process did not track (another process with the same key). */
export class NonceConflict extends Data.TaggedError("NonceConflict")<{ readonly nonce: number; readonly message: string }> {
  readonly retryable = true as const;
}

/** No receipt after every replacement the fee cap allows, for longer than the keeper waits. */
export class StuckTransaction extends Data.TaggedError("StuckTransaction")<{
  readonly nonce: number;
  readonly hashes: ReadonlyArray<Hex>;
  readonly message: string;
}> {
  readonly retryable = false as const;
}

/** The base fee alone is above TCM_MAX_FEE_GWEI: nothing is sent this poll. */
export class GasAboveCap extends Data.TaggedError("GasAboveCap")<{ readonly baseFee: bigint; readonly cap: bigint; readonly message: string }> {
  readonly retryable = true as const;
}

export interface Fees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  /** What a unit of gas costs if mined in the next block (base fee + tip, capped): for profitability. */
  readonly effectiveGasPrice: bigint;
}

export interface TxRequest {
  readonly to: Address;
  readonly data: Hex;
  readonly gas: bigint;
  /** For logs and metrics: harvest, harvestMany, deploy, deployMany. */
  readonly kind: string;
}

interface Attempt {
  readonly hash: Hex;
  readonly raw: Hex;
  readonly fees: Fees;
}

/** A broadcast transaction and every version of it (replacements share the nonce). */
export interface PendingTx {
  readonly request: TxRequest;
  readonly nonce: number;
  readonly attempts: Attempt[];
}

export type TxOutcome =
  | { readonly _tag: "Mined"; readonly hash: Hex; readonly receipt: TransactionReceipt; readonly replacements: number }
  | { readonly _tag: "Reverted"; readonly hash: Hex; readonly receipt: TransactionReceipt; readonly revert: ContractRevert };

/** A fee bump for a replacement: at least +12.5 % on both fields (nodes refuse less), rounded up. */
export const bumpFee = (fee: bigint): bigint => (fee * 1125n + 999n) / 1000n + 1n;

const messageOf = (error: { readonly message?: string }) => error.message ?? "";
const alreadyKnown = (e: ChainError) => /already known|known transaction|already imported|AlreadyKnown/i.test(messageOf(e));
const underpriced = (e: ChainError) => /underpriced|replacement|fee too low/i.test(messageOf(e));
const nonceTooLow = (e: ChainError) => (e._tag === "RpcError" && e.reason === "nonce-too-low") || /nonce too low|nonce has already been used/i.test(messageOf(e));

/**
 * The keeper's transactions: one signer, a local nonce counter (read from the node's pending nonce at start, then
 * kept here; re-read only when the node proves it wrong), raw signing so every hash is known before it is
 * broadcast, idempotent re-broadcasts of the same bytes on transient faults, and same-nonce replacements with
 * bumped fees, capped by TCM_MAX_FEE_GWEI / TCM_MAX_PRIORITY_FEE_GWEI. Two transactions never share a nonce
 * except deliberate replacements.
 */
export class Transactions extends Effect.Service<Transactions>()("@tcm/keeper/Transactions", {
  scoped: Effect.gen(function* () {
    const settings = yield* KeeperConfig;
    const chain = yield* ChainClient;
    const deployment = yield* Deployment;
    const metrics = yield* KeeperMetrics;
    const account = (yield* accountFromKey(settings.privateKey)) as LocalAccount;
    const address = account.address;
    const sendLock = yield* Effect.makeSemaphore(1);

    const nonceAt = (blockTag: "pending" | "latest") =>
      chain.read(`nonce(${blockTag})`, (c) => c.getTransactionCount({ address, blockTag }));

    let nextNonce = yield* nonceAt("pending");
    const startLatest = yield* nonceAt("latest");
    yield* Effect.logInfo("keeper account").pipe(
      Effect.annotateLogs({ address, pendingNonce: nextNonce, latestNonce: startLatest }),
    );

    const resyncNonce = Effect.gen(function* () {
      const pending = yield* nonceAt("pending");
      if (pending !== nextNonce) yield* Effect.logWarning("nonce resynchronised").pipe(Effect.annotateLogs({ local: nextNonce, node: pending }));
      nextNonce = pending;
    });

    const fees = Effect.fn("Transactions.fees")(function* () {
      const [block, tip] = yield* chain.read("fees", (c) =>
        Promise.all([
          c.getBlock({ blockTag: "latest" }),
          c.request({ method: "eth_maxPriorityFeePerGas" }).then(BigInt, () => settings.maxPriorityFeePerGas),
        ]),
      );
      const baseFee = block.baseFeePerGas ?? 0n;
      if (baseFee >= settings.maxFeePerGas) {
        return yield* new GasAboveCap({ baseFee, cap: settings.maxFeePerGas, message: `base fee ${baseFee} ≥ cap ${settings.maxFeePerGas}` });
      }
      const maxPriorityFeePerGas = tip < settings.maxPriorityFeePerGas ? tip : settings.maxPriorityFeePerGas;
      const wanted = baseFee * 2n + maxPriorityFeePerGas;
      const maxFeePerGas = wanted < settings.maxFeePerGas ? wanted : settings.maxFeePerGas;
      const effective = baseFee + maxPriorityFeePerGas;
      return {
        maxFeePerGas,
        maxPriorityFeePerGas: maxPriorityFeePerGas > maxFeePerGas ? maxFeePerGas : maxPriorityFeePerGas,
        effectiveGasPrice: effective < maxFeePerGas ? effective : maxFeePerGas,
      } satisfies Fees;
    });

    const sign = (request: TxRequest, nonce: number, f: Fees) =>
      Effect.promise(() =>
        account.signTransaction({
          chainId: deployment.chainId,
          type: "eip1559",
          to: request.to,
          data: request.data,
          gas: request.gas,
          nonce,
          value: 0n,
          maxFeePerGas: f.maxFeePerGas,
          maxPriorityFeePerGas: f.maxPriorityFeePerGas,
        }),
      ).pipe(Effect.map((raw): Attempt => ({ raw, hash: keccak256(raw), fees: f })));

    /** eth_sendRawTransaction, re-sent (same bytes, so idempotent) on transient faults. */
    const broadcast = (raw: Hex) =>
      chain
        .request("sendRawTransaction", (c) => c.sendRawTransaction({ serializedTransaction: raw }))
        .pipe(Effect.retry({ schedule: transientRpcRetry, while: isTransient }));

    const receiptOf = (hash: Hex) =>
      chain.read("getTransactionReceipt", (c) =>
        c.getTransactionReceipt({ hash }).catch((e: unknown) => {
          if (e instanceof Error && e.name === "TransactionReceiptNotFoundError") return undefined;
          throw e;
        }),
      );

    /** Signs with the next nonce and broadcasts. The counter moves only once the node may have the transaction. */
    const submit = Effect.fn("Transactions.submit")(function* (request: TxRequest, f: Fees) {
      return yield* sendLock.withPermits(1)(
        Effect.gen(function* () {
          const nonce = nextNonce;
          const attempt = yield* sign(request, nonce, f);
          const sent = yield* Effect.either(broadcast(attempt.raw));
          if (sent._tag === "Left") {
            const e = sent.left;
            if (alreadyKnown(e)) {
              // A re-broadcast after a dropped response: the node has it.
            } else if (nonceTooLow(e)) {
              const mined = yield* receiptOf(attempt.hash).pipe(Effect.orElseSucceed(() => undefined));
              if (mined === undefined) {
                yield* resyncNonce;
                return yield* new NonceConflict({ nonce, message: `nonce ${nonce} was already used by another transaction` });
              }
            } else if (isTransient(e)) {
              // Unknown whether it arrived: track it anyway (receipt polling re-broadcasts the same bytes).
              yield* Effect.logWarning("broadcast outcome unknown; tracking the transaction").pipe(
                Effect.annotateLogs({ hash: attempt.hash, nonce, error: e.message }),
              );
            } else {
              yield* resyncNonce;
              return yield* new TxRejected({ kind: request.kind, message: e.message });
            }
          }
          nextNonce = nonce + 1;
          yield* metrics.tx(request.kind);
          yield* metrics.inflight(1);
          yield* Effect.logInfo("transaction sent").pipe(
            Effect.annotateLogs({ kind: request.kind, hash: attempt.hash, nonce, maxFeePerGas: String(f.maxFeePerGas) }),
          );
          return { request, nonce, attempts: [attempt] } satisfies PendingTx as PendingTx;
        }),
      );
    });

    /** Replays a reverted transaction as an eth_call at the block before it to recover the revert reason. */
    const revertOf = (hash: Hex, request: TxRequest, receipt: TransactionReceipt) =>
      chain
        .request("call", (c) =>
          c.call({ account: address, to: request.to, data: request.data, gas: request.gas, blockNumber: receipt.blockNumber - 1n }),
        )
        .pipe(
          Effect.map(() => decodeRevert(undefined, "transaction", hash)),
          Effect.catchAll((e) =>
            Effect.succeed(e._tag === "ContractRevert" ? decodeRevert(e.data, "transaction", hash) : decodeRevert(revertDataOf(e.cause), "transaction", hash)),
          ),
        );

    /**
     * Polls for the receipt of any version of the transaction. After TCM_TX_TIMEOUT_MS without one it replaces the
     * transaction (same nonce, fees +12.5 %, capped; at the cap it re-broadcasts the last version). Gives up after
     * ten timeouts (StuckTransaction; the nonce stays taken and the local counter stays ahead).
     */
    const awaitMined = Effect.fn("Transactions.awaitMined")(function* (pending: PendingTx) {
      const timeoutMs = Duration.toMillis(settings.txTimeout);
      let lastSentAt = Date.now();
      const giveUpAt = Date.now() + timeoutMs * 10;
      let consumedChecks = 0;
      for (;;) {
          const receipts = yield* Effect.forEach(pending.attempts, (a) =>
            receiptOf(a.hash).pipe(
              Effect.map((r) => (r === undefined ? undefined : { attempt: a, receipt: r })),
              Effect.orElseSucceed(() => undefined),
            ),
          { concurrency: "unbounded" });
          const found = receipts.find((r) => r !== undefined);
          if (found !== undefined) {
            const { attempt, receipt } = found;
            if (receipt.status === "success") {
              return { _tag: "Mined", hash: attempt.hash, receipt, replacements: pending.attempts.length - 1 } satisfies TxOutcome as TxOutcome;
            }
            const revert = yield* revertOf(attempt.hash, pending.request, receipt);
            return { _tag: "Reverted", hash: attempt.hash, receipt, revert } satisfies TxOutcome as TxOutcome;
          }
          if (Date.now() > giveUpAt) {
            return yield* new StuckTransaction({
              nonce: pending.nonce,
              hashes: pending.attempts.map((a) => a.hash),
              message: `nonce ${pending.nonce}: no receipt after ${pending.attempts.length} versions`,
            });
          }
          if (Date.now() - lastSentAt >= timeoutMs) {
            lastSentAt = Date.now();
            const mined = yield* nonceAt("latest").pipe(Effect.orElseSucceed(() => -1));
            if (mined > pending.nonce) {
              // Mined meanwhile (receipt not indexed yet?) or taken by another process: look once more, then stop.
              if (++consumedChecks >= 2) {
                return yield* new NonceConflict({ nonce: pending.nonce, message: `nonce ${pending.nonce} was mined in a transaction this keeper did not send` });
              }
              continue;
            }
            const last = pending.attempts[pending.attempts.length - 1] as Attempt;
            const maxFeePerGas = bumpFee(last.fees.maxFeePerGas);
            const maxPriorityFeePerGas = bumpFee(last.fees.maxPriorityFeePerGas);
            if (maxFeePerGas <= settings.maxFeePerGas && maxPriorityFeePerGas <= settings.maxPriorityFeePerGas) {
              const next = yield* sign(pending.request, pending.nonce, {
                maxFeePerGas,
                maxPriorityFeePerGas,
                effectiveGasPrice: maxFeePerGas,
              });
              const sent = yield* Effect.either(broadcast(next.raw));
              if (sent._tag === "Right" || alreadyKnown(sent.left)) {
                pending.attempts.push(next);
                yield* metrics.tx("replacement");
                yield* Effect.logWarning("transaction replaced with higher fees").pipe(
                  Effect.annotateLogs({ nonce: pending.nonce, hash: next.hash, replaces: last.hash, maxFeePerGas: String(maxFeePerGas) }),
                );
              } else if (!underpriced(sent.left) && !nonceTooLow(sent.left)) {
                yield* metrics.error("replacement");
                yield* Effect.logWarning("replacement refused").pipe(Effect.annotateLogs({ nonce: pending.nonce, error: sent.left.message }));
              }
            } else {
              // At the fee cap: keep the last version alive (a node may have dropped it).
              yield* broadcast(last.raw).pipe(Effect.ignore);
              yield* Effect.logWarning("transaction pending at the fee cap").pipe(Effect.annotateLogs({ nonce: pending.nonce, hash: last.hash }));
            }
          }
          yield* Effect.sleep(settings.receiptPollInterval);
      }
    }, (effect) => Effect.ensuring(effect, metrics.inflight(-1)));

    /**
     * Before the first poll: transactions from a previous run still pending (pending nonce > latest) are waited
     * for, so a restart never sends a second harvest beside an unmined first one.
     */
    const settlePrevious = Effect.fn("Transactions.settlePrevious")(function* () {
      const deadline = Date.now() + Duration.toMillis(settings.txTimeout) * 3;
      for (;;) {
        const [latest, pending] = yield* Effect.all([nonceAt("latest"), nonceAt("pending")], { concurrency: 2 });
        if (pending <= latest) return;
        if (Date.now() > deadline) {
          yield* Effect.logWarning("transactions from a previous run are still pending; continuing after them").pipe(
            Effect.annotateLogs({ latest, pending }),
          );
          return;
        }
        yield* Effect.logWarning("waiting for transactions from a previous run").pipe(Effect.annotateLogs({ latest, pending }));
        yield* Effect.sleep(settings.receiptPollInterval);
      }
    });

    const estimate = (tx: { readonly to: Address; readonly data: Hex }) =>
      chain.read("estimateGas", (c) => c.estimateGas({ account: address, to: tx.to, data: tx.data }));

    return {
      address,
      estimate,
      fees,
      submit,
      awaitMined,
      settlePrevious,
      resyncNonce,
      /** The next nonce this process will use (for tests and logs). */
      nextNonce: Effect.sync(() => nextNonce),
    } as const;
  }),
}) {}

/** Poll → send → wait: a named schedule for polling loops (fixed spacing from the end of the previous pass). */
export const pollSchedule = (interval: Duration.Duration) => Schedule.spaced(interval);

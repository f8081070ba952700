import { Effect } from "effect";
import { type Hex, type TransactionReceipt, WaitForTransactionReceiptTimeoutError } from "viem";
import { ChainClient } from "./ChainClient.js";
import { type ChainError, ContractRevert, ReceiptTimeout } from "./errors.js";
import { decodeRevert } from "./revert.js";
import { classifyRpcError, revertDataOf } from "./rpc.js";
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

/**
 * Gas limit from an estimate: +50 % and +50,000. An estimate is taken at the latest block's timestamp; mined in a
 * later second, a call may accrue the emissions of every project it touches (an early return at the same
 * timestamp), which costs tens of thousands more. Unused gas is not charged.
 */
export const withGasMargin = (estimate: bigint): bigint => (estimate * 3n) / 2n + 50_000n;

const make = Effect.gen(function* () {
  const chain = yield* ChainClient;
  const wallet = yield* Wallet;

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

  const waitForReceipt = Effect.fn("TxSender.waitForReceipt")(function* (hash: Hex, options: { readonly timeoutMs?: number } = {}) {
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

  return {
    address: wallet.address,
    /** Sends without waiting: the hash, for callers that track many in flight. */
    submit,
    waitForReceipt,
    /** Sends, waits for the receipt, fails with the decoded ContractRevert if it reverted (before or after mining). */
    send: Effect.fn("TxSender.send")(function* (tx: PreparedTx, options: SendOptions = {}) {
      const hash = yield* submit(tx, options);
      const receipt = yield* waitForReceipt(hash, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
      return { hash, receipt } satisfies SentTx;
    }),
    /** The next nonce including pending transactions (a starting point for a caller-managed nonce). */
    pendingNonce: chain.read("getTransactionCount", (c) =>
      c.getTransactionCount({ address: wallet.address, blockTag: "pending" }),
    ),
  } as const;
});

/** Signs and sends prepared transactions with the Wallet, waits for receipts, decodes reverts. */
export class TxSender extends Effect.Service<TxSender>()("@tcm/chain/TxSender", { effect: make }) {}


import { BPS, DAY_SECONDS } from "@tcm/domain";
import { Effect } from "effect";
import {
  type Account,
  type Address,
  type Chain,
  type Hex,
  type TestClient,
  type Transport,
  type WalletClient,
  createTestClient,
  createWalletClient,
  custom,
  encodeFunctionData,
  maxUint256,
  zeroAddress,
} from "viem";
import { ChainClient } from "../ChainClient.js";
import { Deployment } from "../Deployment.js";
import type { ChainError } from "../errors.js";
import {
  mockStETHAbi,
  mockWstETHAbi,
  projectTokenAbi,
  technoCapitalMachineAbi,
  uniswapV2Router02Abi,
} from "../generated/artifacts.js";
import { decodeRevert } from "../revert.js";
import { classifyRpcError, revertDataOf } from "../rpc.js";
import type { PreparedTx } from "../TxBuilder.js";
import { withGasMargin } from "../TxSender.js";
import { chainFor } from "../Wallet.js";

export interface SwapInput {
  /** An unlocked dev account (anvil's accounts, or one impersonated with anvil_impersonateAccount). */
  readonly account: Address;
  readonly projectId: number;
  /** "buy": wstETH → project token; "sell": project token → wstETH (fails before the pool is seeded). */
  readonly side: "buy" | "sell";
  readonly amountIn: bigint;
  readonly minOut?: bigint;
}

const make = Effect.gen(function* () {
  const chain = yield* ChainClient;
  const deployment = yield* Deployment;
  const transport = custom({ request: (args) => chain.client.request(args as never) });
  const chainDef: Chain = chainFor(deployment.chainId, chain.rpcUrls);
  // JSON-RPC accounts: anvil signs for its unlocked dev accounts (eth_sendTransaction), no keys needed here.
  const wallet: WalletClient<Transport, Chain, Account | undefined> = createWalletClient({
    chain: chainDef,
    transport,
  });
  const test: TestClient<"anvil", Transport, Chain> = createTestClient({ mode: "anvil", chain: chainDef, transport });

  const rpc = <A>(operation: string, f: () => Promise<A>): Effect.Effect<A, ChainError> =>
    Effect.tryPromise({ try: f, catch: (e) => classifyRpcError(operation, e) });

  /** Sends a prepared transaction from an unlocked account and waits for it; reverts come back decoded. */
  const sendAs = Effect.fn("Devnet.sendAs")(function* (account: Address, tx: PreparedTx) {
    const estimate =
      tx.gasEstimate ??
      (yield* rpc("estimateGas", () =>
        chain.client.estimateGas({ account, to: tx.to, data: tx.data, value: tx.value }),
      ));
    const hash = yield* rpc("sendTransaction", () =>
      wallet.sendTransaction({
        account,
        to: tx.to,
        data: tx.data,
        value: tx.value,
        gas: withGasMargin(estimate),
        chain: chainDef,
      }),
    );
    const receipt = yield* rpc("waitForTransactionReceipt", () =>
      chain.client.waitForTransactionReceipt({ hash, pollingInterval: 20 }),
    );
    if (receipt.status === "reverted") {
      const data = yield* rpc("call", () =>
        chain.client.call({
          account,
          to: tx.to,
          data: tx.data,
          value: tx.value,
          blockNumber: receipt.blockNumber - 1n,
        }),
      ).pipe(
        Effect.map(() => undefined as Hex | undefined),
        Effect.catchAll((e) => Effect.succeed(e._tag === "ContractRevert" ? e.data : revertDataOf(e.cause))),
      );
      return yield* Effect.fail(decodeRevert(data, "transaction", hash));
    }
    return receipt;
  });

  const call = (to: Address, data: Hex, value = 0n): PreparedTx => ({ to, data, value });

  const readStEth = <const F extends "getTotalPooledEther" | "getTotalShares">(functionName: F) =>
    rpc(functionName, () => chain.client.readContract({ address: deployment.stETH, abi: mockStETHAbi, functionName }));

  const approve = (account: Address, token: Address, spender: Address, amount: bigint) =>
    sendAs(
      account,
      call(token, encodeFunctionData({ abi: mockStETHAbi, functionName: "approve", args: [spender, amount] })),
    );

  const fundStEth = Effect.fn("Devnet.fundStEth")(function* (account: Address, amount: bigint) {
    yield* sendAs(
      account,
      call(
        deployment.stETH,
        encodeFunctionData({ abi: mockStETHAbi, functionName: "submit", args: [zeroAddress] }),
        amount,
      ),
    );
    return yield* rpc("balanceOf", () =>
      chain.client.readContract({
        address: deployment.stETH,
        abi: mockStETHAbi,
        functionName: "balanceOf",
        args: [account],
      }),
    );
  });

  const fundWstEth = Effect.fn("Devnet.fundWstEth")(function* (account: Address, stEthAmount: bigint) {
    yield* fundStEth(account, stEthAmount);
    yield* approve(account, deployment.stETH, deployment.wstETH, maxUint256);
    yield* sendAs(
      account,
      call(deployment.wstETH, encodeFunctionData({ abi: mockWstETHAbi, functionName: "wrap", args: [stEthAmount] })),
    );
    return yield* rpc("balanceOf", () =>
      chain.client.readContract({
        address: deployment.wstETH,
        abi: mockWstETHAbi,
        functionName: "balanceOf",
        args: [account],
      }),
    );
  });

  /**
   * A faucet for any address: `eth` more ether and `stEth` more stETH (MockStETH.submit, sent as the address through
   * anvil_impersonateAccount). The ether balance ends exactly `eth` above where it was (the submit's gas is refunded).
   */
  const fund = Effect.fn("Devnet.fund")(function* (
    address: Address,
    amounts: { readonly eth: bigint; readonly stEth: bigint },
  ) {
    const before = yield* rpc("getBalance", () => chain.client.getBalance({ address }));
    if (amounts.stEth > 0n) {
      yield* rpc("anvil_setBalance", () => test.setBalance({ address, value: before + amounts.stEth + 10n ** 18n }));
      yield* rpc("anvil_impersonateAccount", () => test.impersonateAccount({ address }));
      yield* fundStEth(address, amounts.stEth).pipe(
        Effect.ensuring(
          Effect.ignore(rpc("anvil_stopImpersonatingAccount", () => test.stopImpersonatingAccount({ address }))),
        ),
      );
    }
    yield* rpc("anvil_setBalance", () => test.setBalance({ address, value: before + amounts.eth }));
    const [eth, stEth] = yield* rpc("balances", () =>
      Promise.all([
        chain.client.getBalance({ address }),
        chain.client.readContract({
          address: deployment.stETH,
          abi: mockStETHAbi,
          functionName: "balanceOf",
          args: [address],
        }),
      ]),
    );
    return { eth, stEth } as const;
  });

  return {
    sendAs,
    fund,
    /** Mints stETH for ether (MockStETH.submit{value}); returns the account's stETH balance. */
    fundStEth,
    /** stETH → wstETH for traders; returns the wstETH balance. */
    fundWstEth,
    /** stETH.approve(spender = machine by default). */
    approveStEth: Effect.fn("Devnet.approveStEth")(function* (account: Address, amount: bigint, spender?: Address) {
      return yield* approve(account, deployment.stETH, spender ?? deployment.machine, amount);
    }),
    /**
     * Moves Lido's totalPooledEther by ±bps (MockStETH.rebase; anyone may call it on the devnet mock), sent as the
     * node's first unlocked account.
     */
    rebase: Effect.fn("Devnet.rebase")(function* (bps: number) {
      const pooled = yield* readStEth("getTotalPooledEther");
      const delta = (pooled * BigInt(Math.trunc(bps))) / BPS;
      const [sender] = yield* rpc("eth_accounts", () => wallet.getAddresses());
      if (sender === undefined)
        return yield* Effect.fail(classifyRpcError("eth_accounts", new Error("the node has no unlocked account")));
      yield* sendAs(
        sender,
        call(deployment.stETH, encodeFunctionData({ abi: mockStETHAbi, functionName: "rebase", args: [delta] })),
      );
      return delta;
    }),
    /** Advances the chain clock and mines one block at the new time. */
    increaseTime: Effect.fn("Devnet.increaseTime")(function* (seconds: number) {
      yield* rpc("evm_increaseTime", () => test.increaseTime({ seconds }));
      yield* rpc("evm_mine", () => test.mine({ blocks: 1 }));
    }),
    setNextBlockTimestamp: Effect.fn("Devnet.setNextBlockTimestamp")(function* (timestamp: bigint) {
      yield* rpc("evm_setNextBlockTimestamp", () => test.setNextBlockTimestamp({ timestamp }));
    }),
    mine: Effect.fn("Devnet.mine")(function* (blocks = 1) {
      yield* rpc("anvil_mine", () => test.mine({ blocks }));
    }),
    setBalance: Effect.fn("Devnet.setBalance")(function* (address: Address, value: bigint) {
      yield* rpc("anvil_setBalance", () => test.setBalance({ address, value }));
    }),
    snapshot: rpc("evm_snapshot", () => test.snapshot()),
    revert: Effect.fn("Devnet.revert")(function* (id: Hex) {
      yield* rpc("evm_revert", () => test.revert({ id }));
    }),
    latestTimestamp: rpc("getBlock", () => chain.client.getBlock({ blockTag: "latest" })).pipe(
      Effect.map((b) => b.timestamp),
    ),
    /**
     * Moves the clock to the earliest `nextDeployTime` of the given projects (all of them by default) that have
     * something to deploy (pending wstETH ≥ MIN_DEPLOY) and mines a block there, so that their deploy steps are due.
     * Never moves the clock back: with a step already due, or nothing pending anywhere, it just mines a block.
     * Returns the new block's timestamp.
     */
    advanceToNextStep: Effect.fn("Devnet.advanceToNextStep")(function* (projectIds?: ReadonlyArray<number>) {
      const m = { address: deployment.machine, abi: technoCapitalMachineAbi } as const;
      const ids =
        projectIds ??
        Array.from(
          {
            length: Number(
              yield* rpc("projectCount", () => chain.client.readContract({ ...m, functionName: "projectCount" })),
            ),
          },
          (_, i) => i + 1,
        );
      const [latest, minimum, views, times] = yield* rpc("nextDeployTime", () =>
        Promise.all([
          chain.client.getBlock({ blockTag: "latest" }),
          chain.client.readContract({ ...m, functionName: "MIN_DEPLOY" }),
          Promise.all(ids.map((id) => chain.client.readContract({ ...m, functionName: "getProject", args: [id] }))),
          Promise.all(ids.map((id) => chain.client.readContract({ ...m, functionName: "nextDeployTime", args: [id] }))),
        ]),
      );
      const waiting = times.filter((_, i) => (views[i]?.pendingWstEth ?? 0n) >= minimum);
      const earliest = waiting.reduce((a, b) => (b < a ? b : a), waiting[0] ?? 0n);
      const at = earliest > latest.timestamp ? earliest : latest.timestamp + 1n;
      yield* rpc("evm_setNextBlockTimestamp", () => test.setNextBlockTimestamp({ timestamp: at }));
      yield* rpc("evm_mine", () => test.mine({ blocks: 1 }));
      return at;
    }),
    /** A trader's swap through the Uniswap V2 router (approves the router first). Returns the amount out. */
    swap: Effect.fn("Devnet.swap")(function* (input: SwapInput) {
      const project = yield* rpc("getProject", () =>
        chain.client.readContract({
          address: deployment.machine,
          abi: technoCapitalMachineAbi,
          functionName: "getProject",
          args: [input.projectId],
        }),
      );
      const path: readonly [Address, Address] =
        input.side === "buy" ? [deployment.wstETH, project.token] : [project.token, deployment.wstETH];
      const tokenOut = path[1];
      const balanceOf = () =>
        rpc("balanceOf", () =>
          chain.client.readContract({
            address: tokenOut,
            abi: projectTokenAbi,
            functionName: "balanceOf",
            args: [input.account],
          }),
        );
      yield* approve(input.account, path[0], deployment.uniswapV2Router, input.amountIn);
      const before = yield* balanceOf();
      // Far enough that pending time warps (evm_increaseTime before the next block) never expire it.
      const deadline =
        (yield* rpc("getBlock", () => chain.client.getBlock({ blockTag: "latest" }))).timestamp + 30n * DAY_SECONDS;
      yield* sendAs(
        input.account,
        call(
          deployment.uniswapV2Router,
          encodeFunctionData({
            abi: uniswapV2Router02Abi,
            functionName: "swapExactTokensForTokens",
            args: [input.amountIn, input.minOut ?? 0n, [...path], input.account, deadline],
          }),
        ),
      );
      return (yield* balanceOf()) - before;
    }),
  } as const;
});

/**
 * Whether the chain in use is a local devnet whose stETH is the mock: chain id 31337 and stETH answering the
 * mock-only `rebase(0)` (an eth_call, nothing sent; the real Lido has no such function) — checked together so
 * neither a mainnet fork on 31337 nor a public chain with a lookalike address passes. Returns the reason when not.
 */
export const isLocalDevnet = Effect.gen(function* () {
  const chain = yield* ChainClient;
  const deployment = yield* Deployment;
  const chainId = yield* Effect.tryPromise({
    try: () => chain.client.getChainId(),
    catch: (e) => classifyRpcError("chainId", e),
  });
  if (chainId !== 31337) return { ok: false, reason: `chain ${chainId} is not the local devnet (31337)` } as const;
  const mock = yield* Effect.tryPromise(() =>
    chain.client.call({
      to: deployment.stETH,
      data: encodeFunctionData({ abi: mockStETHAbi, functionName: "rebase", args: [0n] }),
    }),
  ).pipe(
    Effect.as(true),
    Effect.orElseSucceed(() => false),
  );
  if (!mock)
    return {
      ok: false,
      reason: `stETH at ${deployment.stETH} is not the devnet mock (it does not answer rebase)`,
    } as const;
  return { ok: true } as const;
});

/**
 * Devnet helpers for simulations and tests: fund, approve, rebase, move time (by seconds or to the next deploy
 * step), mine, swap, snapshot/revert.
 * Sends from anvil's unlocked accounts. Needs ChainClient and Deployment; never use against a real network.
 */
export class Devnet extends Effect.Service<Devnet>()("@tcm/chain/Devnet", { effect: make }) {}

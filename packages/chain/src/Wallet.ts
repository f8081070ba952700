import { Config, Effect, Layer, Redacted } from "effect";
import {
  type Account,
  type Address,
  type Chain,
  type Hex,
  type Transport,
  type WalletClient,
  createWalletClient,
  custom,
  defineChain,
  isHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ChainClient } from "./ChainClient.js";
import { InvalidInput } from "./errors.js";

/** A chain definition for an id (viem needs one to sign; the RPC is whatever ChainClient uses). */
export const chainFor = (id: number, rpcUrls: ReadonlyArray<string>): Chain =>
  defineChain({
    id,
    name: `chain-${id}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [...rpcUrls] } },
  });

/** Checks the key's shape without ever printing it. */
export const accountFromKey = (key: Redacted.Redacted<string>): Effect.Effect<Account, InvalidInput> => {
  const raw = Redacted.value(key).trim();
  const hex = raw.startsWith("0x") ? raw : `0x${raw}`;
  if (!isHex(hex) || hex.length !== 66) {
    return Effect.fail(
      new InvalidInput({ input: "privateKey", rule: "private-key", message: "privateKey must be 32 bytes of hex" }),
    );
  }
  return Effect.try({
    try: () => privateKeyToAccount(hex as Hex),
    catch: () =>
      new InvalidInput({
        input: "privateKey",
        rule: "private-key",
        message: "privateKey is not a valid secp256k1 key",
      }),
  });
};

/** The Wallet service. */
export interface WalletShape {
  readonly account: Account;
  readonly address: Address;
  readonly chainId: number;
  readonly walletClient: WalletClient<Transport, Chain, Account>;
}

const make = (key: Redacted.Redacted<string>) =>
  Effect.gen(function* () {
    const chain = yield* ChainClient;
    const account = yield* accountFromKey(key);
    const chainId = yield* chain.chainId;
    // Requests go through the ChainClient's transport (same URLs, batching, fallback).
    const walletClient: WalletClient<Transport, Chain, Account> = createWalletClient({
      account,
      chain: chainFor(chainId, chain.rpcUrls),
      transport: custom({ request: (args) => chain.client.request(args as never) }),
    });
    return {
      account,
      address: account.address as Address,
      chainId,
      walletClient,
    } satisfies WalletShape as WalletShape;
  });

/**
 * Signs with a private key held as `Redacted` (never logged). `Default` reads `TCM_PRIVATE_KEY`;
 * `Wallet.fromKey(key)` builds it explicitly. Needs a ChainClient.
 */
export class Wallet extends Effect.Service<Wallet>()("@tcm/chain/Wallet", {
  effect: Effect.gen(function* () {
    const key = yield* Config.redacted("TCM_PRIVATE_KEY");
    return yield* make(key);
  }),
}) {
  static fromKey = (key: Redacted.Redacted<string>) =>
    Layer.effect(
      Wallet,
      Effect.map(make(key), (w) => new Wallet(w)),
    );
}

/** How a command's program gets its services: the chain context, and a signer when one is configured. */
import { TransientRpcError, Wallet } from "@tcm/chain";
import { Effect, Option } from "effect";
import type { Address } from "viem";
import { type ChainFlags, type SendFlags, chainLayer, resolveChain, signerLayer, signingKey } from "./context.js";
import { RpcUnreachable } from "./errors.js";

/** Runs `program` with ChainClient, Deployment, TcmReader and TxBuilder; a dropped connection becomes RpcUnreachable. */
export const withChain = <A, E, R>(flags: ChainFlags, program: Effect.Effect<A, E, R>) =>
  Effect.flatMap(resolveChain(flags), (chain) =>
    program.pipe(
      Effect.provide(chainLayer(chain)),
      Effect.mapError((e) =>
        e instanceof TransientRpcError && (e.reason === "network" || e.reason === "timeout")
          ? new RpcUnreachable({ url: chain.rpc, detail: e.message.split("\n")[0] ?? "network error" })
          : e,
      ),
    ),
  );

/**
 * Runs `body` with the signer's address and Wallet/TxSender provided. In a dry run without any key configured,
 * `body` gets no address (transactions are built without a gas estimate) and nothing can be sent.
 */
export const withSigner = <A, E, R>(flags: SendFlags, body: (account: Address | undefined) => Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const key =
      flags.dryRun && Option.isNone(flags.keystore)
        ? yield* Effect.option(signingKey(flags))
        : Option.some(yield* signingKey(flags));
    if (Option.isNone(key)) return yield* body(undefined);
    return yield* Effect.flatMap(Wallet, (wallet) => body(wallet.address)).pipe(Effect.provide(signerLayer(key.value)));
  });

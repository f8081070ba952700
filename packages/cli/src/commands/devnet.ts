import { Command, Options } from "@effect/cli";
import { ChainClient, Deployment, Wallet } from "@tcm/chain";
import { Devnet, isLocalDevnet } from "@tcm/chain/devnet";
import { Config, Effect, Option } from "effect";
import { type Address, getAddress, isAddress } from "viem";
import { type ChainFlags, chainOptions, readFrom, signerLayer } from "../context.js";
import { BadInput, CommandFailed } from "../errors.js";
import { keyValues } from "../output.js";
import { withChain } from "../run.js";
import { formatUnits, parseDecimal } from "../units.js";

const options = {
  ...chainOptions,
  to: Options.text("to").pipe(
    Options.withDescription("Address to fund (default: the address of TCM_PRIVATE_KEY)"),
    Options.optional,
  ),
  eth: Options.text("eth").pipe(Options.withDescription("Ether to add (default 10)"), Options.withDefault("10")),
  steth: Options.text("steth").pipe(
    Options.withDescription("stETH to mint for it (default 100; MockStETH.submit)"),
    Options.withDefault("100"),
  ),
};

type Flags = ChainFlags & { readonly to: Option.Option<string>; readonly eth: string; readonly steth: string };

/** --to, else the address of TCM_PRIVATE_KEY; neither is a BadInput naming --to. */
const recipient = (flags: Flags) =>
  Effect.gen(function* () {
    if (Option.isSome(flags.to)) {
      const to = flags.to.value;
      if (!isAddress(to, { strict: false }))
        return yield* new BadInput({ flag: "--to", message: `expected a 0x address, got ${JSON.stringify(to)}` });
      return getAddress(to);
    }
    const key = yield* Config.option(Config.redacted("TCM_PRIVATE_KEY"));
    if (Option.isNone(key)) {
      return yield* new BadInput({
        flag: "--to",
        message: "give the address to fund (--to 0x…) or set TCM_PRIVATE_KEY to fund its address",
      });
    }
    return yield* Effect.map(Wallet, (w): Address => w.address).pipe(Effect.provide(signerLayer(key.value)));
  });

const fund = (flags: Flags) =>
  withChain(
    flags,
    Effect.gen(function* () {
      const eth = yield* parseDecimal("--eth", flags.eth, 18, "ether");
      const stEth = yield* parseDecimal("--steth", flags.steth, 18, "stETH");
      const to = yield* recipient(flags);
      const devnet = yield* isLocalDevnet;
      if (!devnet.ok) {
        const deployment = yield* Deployment;
        return yield* new CommandFailed({
          message: `tcm devnet fund works only on the local devnet (npm start): ${devnet.reason} (deployment ${deployment.file}); nothing was sent`,
        });
      }
      const balances = yield* Effect.flatMap(Devnet, (d) => d.fund(to, { eth, stEth })).pipe(
        Effect.provide(Devnet.Default),
      );
      const chain = yield* ChainClient;
      yield* readFrom(yield* chain.request("blockNumber", (c) => c.getBlockNumber({ cacheTime: 0 })));
      yield* Effect.sync(() =>
        process.stdout.write(
          `Funded ${to} on the local devnet (+${formatUnits(eth)} ETH, +${formatUnits(stEth)} stETH)\n` +
            `${keyValues([
              ["ETH", formatUnits(balances.eth)],
              ["stETH", formatUnits(balances.stEth)],
            ])}\n`,
        ),
      );
    }),
  );

const fundCommand = Command.make("fund", options, fund).pipe(
  Command.withDescription(
    "Local devnet only: give an address ether (anvil_setBalance) and stETH (the mock's submit). Refused on any other chain " +
      "(chain id must be 31337 and stETH the devnet mock). --to 0x… (default: TCM_PRIVATE_KEY's address), --eth N, --steth N.",
  ),
);

export const devnetCommand = Command.make("devnet").pipe(
  Command.withDescription("Local devnet helpers (npm start's chain only): fund an account."),
  Command.withSubcommands([fundCommand]),
);

import { Command, Options } from "@effect/cli";
import { TxBuilder, technoCapitalMachineAbi } from "@tcm/chain";
import {
  BPS,
  MAX_CONTRIBUTOR_BPS,
  MAX_DECAY_BPS,
  MAX_LAUNCH_PRICE,
  MAX_METADATA_URI_BYTES,
  MAX_NAME_BYTES,
  MAX_SYMBOL_BYTES,
  MAX_SUPPLY_LIMIT,
  MIN_LAUNCH_PRICE,
  MIN_MAX_SUPPLY,
  MIN_SEED_RESERVE,
  depositorEmissionPerDay,
  emissionPerDay,
  seedReserveValueWstEth,
} from "@tcm/domain";
import { Effect, Option } from "effect";
import { parseEventLogs } from "viem";
import { type SendFlags, sendOptions, toFlag } from "../context.js";
import { keyValues } from "../output.js";
import { withChain, withSigner } from "../run.js";
import { execute, gasLine, say } from "../send.js";
import { formatBps, formatUnits, parseBps, parseDecimal } from "../units.js";

const price = (x: bigint) => formatUnits(x, 18, 18);
const tokens = (x: bigint) => formatUnits(x, 18, 18);

/** --seed-reserve's default: this share of --max-supply (the devnet's demo projects set aside 1 %). */
export const DEFAULT_SEED_RESERVE = "1%";

/** The accepted ranges, in the units people type (LaunchLogic.validate's bounds). */
export const LAUNCH_RANGES = {
  launchPrice: `${price(MIN_LAUNCH_PRICE)} to ${price(MAX_LAUNCH_PRICE)} wstETH per token (1e6..1e24 at 1e18 scale)`,
  maxSupply: `${tokens(MIN_MAX_SUPPLY)} to ${tokens(MAX_SUPPLY_LIMIT)} tokens (1e18..2^95-1 wei)`,
  seedReserve: `${tokens(MIN_SEED_RESERVE)} tokens up to half of --max-supply`,
  dailyEmission: "from 0.000000000000000001 (1 wei) up to --max-supply minus --seed-reserve",
  decay: `0 to ${MAX_DECAY_BPS} bps (${formatBps(MAX_DECAY_BPS)}) per epoch`,
  contributorShare: `0 to ${MAX_CONTRIBUTOR_BPS} bps (${formatBps(MAX_CONTRIBUTOR_BPS)}) of each epoch's emission`,
} as const;

const options = {
  ...sendOptions,
  name: Options.text("name").pipe(
    Options.withDescription(`Token name (non-empty, at most ${MAX_NAME_BYTES} bytes of UTF-8)`),
  ),
  symbol: Options.text("symbol").pipe(
    Options.withDescription(`Token symbol (non-empty, at most ${MAX_SYMBOL_BYTES} bytes of UTF-8)`),
  ),
  metadataUri: Options.text("metadata-uri").pipe(
    Options.withDescription(
      `Project metadata URI (ipfs://…, https://…; at most ${MAX_METADATA_URI_BYTES} bytes); may be empty`,
    ),
    Options.withDefault(""),
  ),
  launchPrice: Options.text("launch-price").pipe(
    Options.withDescription(
      `Price the pool opens at on the first harvest, in wstETH per token, e.g. 0.001. Accepted: ${LAUNCH_RANGES.launchPrice}`,
    ),
  ),
  dailyEmission: Options.text("daily-emission").pipe(
    Options.withDescription(
      `Tokens emitted in the first epoch (day), e.g. 10000. Accepted: ${LAUNCH_RANGES.dailyEmission}`,
    ),
  ),
  decay: Options.text("decay").pipe(
    Options.withDescription(`Emission decay per epoch, bps or percent (500 or 5%). Accepted: ${LAUNCH_RANGES.decay}`),
    Options.withDefault("0"),
  ),
  maxSupply: Options.text("max-supply").pipe(
    Options.withDescription(
      `Hard cap on the token supply, in tokens, e.g. 21000000. Accepted: ${LAUNCH_RANGES.maxSupply}`,
    ),
  ),
  seedReserve: Options.text("seed-reserve").pipe(
    Options.withDescription(
      "Tokens set aside inside --max-supply, never emitted, to open the pool at the launch price: the first deploy step mints " +
        "(wstETH it adds) / (launch price) of them, so the reserve prices up to seed-reserve × launch-price wstETH of opening " +
        "liquidity (the first day's yield; more waits as pending wstETH and is deployed at the market price by later steps). " +
        `Tokens or a percent of --max-supply; default ${DEFAULT_SEED_RESERVE} of --max-supply, what the devnet's demo projects use. ` +
        `Accepted: ${LAUNCH_RANGES.seedReserve}`,
    ),
    Options.withDefault(DEFAULT_SEED_RESERVE),
  ),
  contributorShare: Options.text("contributor-share").pipe(
    Options.withDescription(
      `Share of emissions for contributors, bps or percent. Accepted: ${LAUNCH_RANGES.contributorShare}`,
    ),
    Options.withDefault("0"),
  ),
  contributorRecipient: Options.text("contributor-recipient").pipe(
    Options.withDescription("Address receiving the contributor share (required when --contributor-share > 0)"),
    Options.optional,
  ),
};

const flagOf = toFlag([
  ["params.name", "--name"],
  ["params.symbol", "--symbol"],
  ["params.metadataURI", "--metadata-uri"],
  ["params.launchPrice", "--launch-price", `accepted ${LAUNCH_RANGES.launchPrice}`],
  ["params.maxSupply", "--max-supply", `accepted ${LAUNCH_RANGES.maxSupply}`],
  ["params.seedReserve", "--seed-reserve", `accepted ${LAUNCH_RANGES.seedReserve}`],
  ["params.dailyEmission", "--daily-emission", `accepted ${LAUNCH_RANGES.dailyEmission}`],
  ["params.decayBps", "--decay", `accepted ${LAUNCH_RANGES.decay}`],
  ["params.contributorBps", "--contributor-share", `accepted ${LAUNCH_RANGES.contributorShare}`],
  [
    "params.contributorRecipient",
    "--contributor-recipient",
    "a non-zero 0x address, required when --contributor-share > 0",
  ],
]);

type Flags = SendFlags & {
  readonly name: string;
  readonly symbol: string;
  readonly metadataUri: string;
  readonly launchPrice: string;
  readonly dailyEmission: string;
  readonly decay: string;
  readonly maxSupply: string;
  readonly seedReserve: string;
  readonly contributorShare: string;
  readonly contributorRecipient: Option.Option<string>;
};

/** --seed-reserve: a percent of the max supply ("1%", floor) or a token amount like --max-supply. */
const parseSeedReserve = (text: string, maxSupply: bigint) =>
  Effect.gen(function* () {
    const trimmed = text.trim();
    if (trimmed.endsWith("%")) {
      const share = yield* parseBps("--seed-reserve", trimmed);
      return (maxSupply * share) / BPS;
    }
    return yield* parseDecimal("--seed-reserve", trimmed);
  });

const launch = (flags: Flags) =>
  withChain(
    flags,
    withSigner(flags, (from) =>
      Effect.gen(function* () {
        const builder = yield* TxBuilder;
        const maxSupply = yield* parseDecimal("--max-supply", flags.maxSupply);
        const input = {
          name: flags.name,
          symbol: flags.symbol,
          metadataURI: flags.metadataUri,
          launchPrice: yield* parseDecimal("--launch-price", flags.launchPrice, 18, "wstETH per token"),
          dailyEmission: yield* parseDecimal("--daily-emission", flags.dailyEmission),
          decayBps: yield* parseBps("--decay", flags.decay),
          maxSupply,
          seedReserve: yield* parseSeedReserve(flags.seedReserve, maxSupply),
          contributorBps: yield* parseBps("--contributor-share", flags.contributorShare),
          ...Option.match(flags.contributorRecipient, {
            onNone: () => ({}),
            onSome: (r) => ({ contributorRecipient: r }),
          }),
        };
        const tx = yield* builder
          .launchProject(input, from === undefined ? {} : { from })
          .pipe(Effect.catchTag("InvalidInput", (e) => Effect.fail(flagOf(e))));

        // The first day's figures, as `tcm projects` will show them right after the launch.
        const terms = {
          dailyEmission: input.dailyEmission,
          decayBps: input.decayBps,
          emissionCap: input.maxSupply - input.seedReserve,
          startTime: 0n,
          contributorBps: input.contributorBps,
        };
        const firstDay = emissionPerDay(terms, 0n);
        const contributorCut = firstDay - depositorEmissionPerDay(terms, 0n);
        yield* say(flags)(`Launch project ${flags.name} (${flags.symbol})`);
        yield* say(flags)(
          keyValues([
            ["metadata URI", flags.metadataUri === "" ? "(none)" : flags.metadataUri],
            ["launch price", `${price(input.launchPrice)} wstETH per token`],
            [
              "daily emission",
              `${tokens(input.dailyEmission)} tokens in epoch 0, decaying ${formatBps(input.decayBps)} per epoch`,
            ],
            ["to depositors", `${formatUnits(firstDay - contributorCut)} tokens on day 1`],
            [
              "to contributors",
              input.contributorBps === 0n
                ? "none"
                : `${formatBps(input.contributorBps)} → ${Option.getOrElse(flags.contributorRecipient, () => "?")} (${formatUnits(contributorCut)} tokens on day 1)`,
            ],
            [
              "max supply",
              `${tokens(input.maxSupply)} tokens (${tokens(input.maxSupply - input.seedReserve)} for emissions)`,
            ],
            [
              "seed reserve",
              `${tokens(input.seedReserve)} tokens: opens the pool at the launch price with up to ${price(seedReserveValueWstEth(input.seedReserve, input.launchPrice))} wstETH`,
            ],
            [
              "pool",
              "a Uniswap V2 pair against wstETH, opened at the launch price by the first deploy step (after the first harvest)",
            ],
            ["from", from ?? "(no key configured)"],
            ["gas", gasLine([{ label: "launch", tx }])],
          ]),
        );
        const receipts = yield* execute(flags, [{ label: `launch ${flags.symbol}`, tx }], `Launch ${flags.symbol}?`);
        if (receipts === undefined) return;
        for (const receipt of receipts) {
          const [event] = parseEventLogs({
            abi: technoCapitalMachineAbi,
            eventName: "ProjectLaunched",
            logs: receipt.logs,
          });
          if (event !== undefined) {
            yield* say(flags)(
              `Project ${event.args.projectId} launched: token ${event.args.token}, pair ${event.args.pair}`,
            );
          }
        }
      }),
    ),
  );

export const launchCommand = Command.make("launch", options, launch).pipe(
  Command.withDescription(
    "Launch a project: deploys its fair-launch token (no pre-mine) and its Uniswap V2 pair against wstETH. " +
      'Amounts are human decimals (18 decimals); a "wei" suffix gives raw integers. Bounds: ' +
      `--launch-price ${LAUNCH_RANGES.launchPrice}; --max-supply ${LAUNCH_RANGES.maxSupply}; ` +
      `--seed-reserve ${LAUNCH_RANGES.seedReserve} (default ${DEFAULT_SEED_RESERVE} of the max supply); ` +
      `--daily-emission ${LAUNCH_RANGES.dailyEmission}; --decay ${LAUNCH_RANGES.decay}; ` +
      `--contributor-share ${LAUNCH_RANGES.contributorShare}; --contributor-recipient required when the share > 0.`,
  ),
);

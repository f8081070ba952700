import { Command, Options } from "@effect/cli";
import { TcmReader, TxBuilder } from "@tcm/chain";
import { MIN_DEPOSIT } from "@tcm/domain";
import { Effect, Option } from "effect";
import { type SendFlags, sendOptions, toFlag } from "../context.js";
import { BadInput } from "../errors.js";
import { keyValues } from "../output.js";
import { withChain, withSigner } from "../run.js";
import { type Step, execute, gasLine, say } from "../send.js";
import { formatAllowance, formatUnits, parseAllocation, parseDecimal } from "../units.js";
import { allocationTable, positionAt, requireAccount, stEthBalances } from "./shared.js";

export const allocOption = Options.text("alloc").pipe(
  Options.withDescription(
    "How the position's yield is split: project:bps pairs summing to 10000 (or percentages), up to 8 projects, e.g. 1:6000,2:4000 or 1:60%,2:40%",
  ),
);

export const allocFlags = toFlag([
  ["allocation", "--alloc", "project:bps pairs, 1 to 8 existing projects, each > 0, summing to 10000"],
]);

const options = {
  ...sendOptions,
  amount: Options.text("amount").pipe(
    Options.withDescription(
      `stETH to deposit, e.g. 1.5 (at least ${formatUnits(MIN_DEPOSIT, 18, 18)} stETH = 1e9 wei)`,
    ),
  ),
  alloc: allocOption.pipe(Options.optional),
};

type Flags = SendFlags & { readonly amount: string; readonly alloc: Option.Option<string> };

const deposit = (flags: Flags) =>
  withChain(
    flags,
    withSigner(flags, (from) =>
      Effect.gen(function* () {
        const account = yield* requireAccount(from, "deposit");
        const reader = yield* TcmReader;
        const builder = yield* TxBuilder;
        const amount = yield* parseDecimal("--amount", flags.amount, 18, "stETH");
        const allocation = Option.isSome(flags.alloc)
          ? Option.some(yield* parseAllocation("--alloc", flags.alloc.value))
          : Option.none();
        const snapshot = yield* reader.snapshot();
        const current = yield* positionAt(account, snapshot);
        const { balance, allowance } = yield* stEthBalances(account);
        const buildOptions = { projectCount: snapshot.protocol.projectCount };
        const amountFlag = toFlag([["amount", "--amount", `at least ${formatUnits(MIN_DEPOSIT, 18, 18)} stETH`]]);

        // A new position needs an allocation; an existing one is topped up and keeps its split.
        const isTopUp = current.principal > 0n;
        let entries: ReadonlyArray<{ projectId: number; bps: number }>;
        let tx;
        if (isTopUp) {
          if (Option.isSome(allocation)) {
            const same =
              allocation.value.length === current.holdings.length &&
              allocation.value.every(
                (e, i) =>
                  BigInt(current.holdings[i]?.projectId ?? -1) === e.projectId &&
                  BigInt(current.holdings[i]?.bps ?? -1) === e.bps,
              );
            if (!same) {
              return yield* new BadInput({
                flag: "--alloc",
                message:
                  "you already have a position: a deposit tops it up with its current split; change the split with `tcm allocate`",
              });
            }
          }
          entries = current.holdings;
          tx = yield* builder
            .topUp({ amount }, buildOptions)
            .pipe(Effect.catchTag("InvalidInput", (e) => Effect.fail(amountFlag(e))));
        } else {
          if (Option.isNone(allocation)) {
            return yield* new BadInput({
              flag: "--alloc",
              message: "a new position needs an allocation, e.g. --alloc 1:6000,2:4000",
            });
          }
          const built = yield* builder
            .deposit({ amount, allocation: allocation.value }, buildOptions)
            .pipe(
              Effect.catchTag("InvalidInput", (e) =>
                Effect.fail(e.input.startsWith("allocation") ? allocFlags(e) : amountFlag(e)),
              ),
            );
          entries = allocation.value.map((e) => ({ projectId: Number(e.projectId), bps: Number(e.bps) }));
          tx = built;
        }
        if (balance < amount) {
          return yield* new BadInput({
            flag: "--amount",
            message: `${formatUnits(amount, 18, 18)} stETH exceeds the balance of ${account} (${formatUnits(balance, 18, 18)} stETH)`,
          });
        }
        if (snapshot.protocol.depositsPaused)
          yield* say(flags)("warning: deposits are paused by the guardian; the transaction will revert");

        const steps: Step[] = [];
        if (allowance < amount) {
          const approve = yield* builder.approveStEth({ amount }, from === undefined ? {} : { from });
          steps.push({ label: `approve ${formatUnits(amount, 18, 18)} stETH for the machine`, tx: approve });
        } else {
          // Estimate now (the approval is in place); a revert here is reported before anything is sent.
          tx = isTopUp
            ? yield* builder.topUp({ amount }, { ...buildOptions, from: account })
            : yield* builder.deposit({ amount, allocation: entries }, { ...buildOptions, from: account });
        }
        steps.push({ label: `${isTopUp ? "top up" : "deposit"} ${formatUnits(amount, 18, 18)} stETH`, tx });

        yield* say(flags)(isTopUp ? `Top up the position of ${account}` : `Open a position for ${account}`);
        yield* say(flags)(
          keyValues([
            ["amount", `${formatUnits(amount, 18, 18)} stETH (balance ${formatUnits(balance)} stETH)`],
            ["principal", `${formatUnits(current.principal)} → ${formatUnits(current.principal + amount)} stETH`],
            ["approval", allowance < amount ? `needed (allowance ${formatAllowance(allowance)} stETH)` : "in place"],
            ["gas", gasLine(steps)],
          ]),
        );
        yield* say(flags)(allocationTable(snapshot, current, { principal: current.principal + amount, entries }));
        yield* execute(flags, steps, isTopUp ? "Top up?" : "Deposit?");
      }),
    ),
  );

export const depositCommand = Command.make("deposit", options, deposit).pipe(
  Command.withDescription(
    "Deposit stETH and choose which projects receive its yield (--alloc). Approves stETH first when the allowance is short. " +
      "With an existing position the deposit tops it up and keeps its split. Principal can be withdrawn at any time.",
  ),
);

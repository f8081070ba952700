/**
 * What every state-changing command does after building its transactions: print them (--dry-run), or ask for
 * confirmation (unless --yes) and send them one by one, with a spinner while each is mined.
 */
import { Prompt } from "@effect/cli";
import { type PreparedTx, TxSender } from "@tcm/chain";
import { Console, Effect, Option } from "effect";
import type { TransactionReceipt } from "viem";
import type { SendFlags } from "./context.js";
import { isTty } from "./context.js";
import { Aborted, BadInput } from "./errors.js";
import { printJson, withSpinner } from "./output.js";
import { formatInt } from "./units.js";

export interface Step {
  /** What the transaction does, for people ("approve 1.5 stETH for the machine"). */
  readonly label: string;
  readonly tx: PreparedTx;
}

/** The transactions as JSON: what --dry-run prints. */
export const dryRun = (steps: ReadonlyArray<Step>) =>
  printJson(
    steps.map(({ label, tx }) => ({
      description: label,
      to: tx.to,
      data: tx.data,
      value: tx.value,
      ...(tx.gasEstimate === undefined ? {} : { gasEstimate: tx.gasEstimate }),
    })),
  );

/** Asks "question" unless --yes; fails with Aborted on "no", Ctrl-C, or when there is no terminal to ask on. */
export const confirm = (flags: Pick<SendFlags, "yes">, question: string) =>
  Effect.gen(function* () {
    if (flags.yes) return;
    if (!isTty()) {
      return yield* new Aborted({ reason: "no terminal to confirm on; pass --yes to send without asking" });
    }
    const ok = yield* Prompt.confirm({ message: question, initial: false }).pipe(
      Effect.catchTag("QuitException", () => Effect.succeed(false)),
    );
    if (!ok) return yield* new Aborted({ reason: "nothing was sent" });
  });

export const gasLine = (steps: ReadonlyArray<Step>): string =>
  steps
    .map(({ tx }) => (tx.gasEstimate === undefined ? "estimated when sent" : `${formatInt(tx.gasEstimate)} gas`))
    .join(" + ");

/** Dry run, or confirm and send every step in order; prints each hash, block and gas used. */
export const execute = (flags: SendFlags, steps: ReadonlyArray<Step>, question = "Send?") =>
  Effect.gen(function* () {
    if (flags.dryRun) return yield* dryRun(steps);
    yield* confirm(flags, steps.length > 1 ? `${question} (${steps.length} transactions)` : question);
    const maybeSender = yield* Effect.serviceOption(TxSender);
    if (Option.isNone(maybeSender)) {
      return yield* new BadInput({
        flag: "--keystore",
        message: "no signing key: set TCM_PRIVATE_KEY or pass --keystore <file>",
      });
    }
    const sender = maybeSender.value;
    const receipts: TransactionReceipt[] = [];
    for (const [i, step] of steps.entries()) {
      const prefix = steps.length > 1 ? `[${i + 1}/${steps.length}] ` : "";
      const hash = yield* sender.submit(step.tx);
      yield* Console.log(`${prefix}${step.label}: sent ${hash}`);
      const receipt = yield* withSpinner(`waiting for ${hash.slice(0, 10)}… to be mined`, sender.waitForReceipt(hash));
      yield* Console.log(`${prefix}mined in block ${receipt.blockNumber} (${formatInt(receipt.gasUsed)} gas)`);
      receipts.push(receipt);
    }
    return receipts;
  });

/** Preview lines: stdout normally; stderr in a dry run, so stdout carries only the transactions' JSON. */
export const say = (flags: Pick<SendFlags, "dryRun">) => (text: string) =>
  flags.dryRun ? Console.error(text) : Console.log(text);

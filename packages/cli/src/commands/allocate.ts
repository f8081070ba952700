import { Command } from "@effect/cli";
import { TcmReader, TxBuilder } from "@tcm/chain";
import { Effect } from "effect";
import { type SendFlags, sendOptions } from "../context.js";
import { BadInput } from "../errors.js";
import { keyValues } from "../output.js";
import { withChain, withSigner } from "../run.js";
import { execute, gasLine, say } from "../send.js";
import { formatUnits, parseAllocation } from "../units.js";
import { allocFlags, allocOption } from "./deposit.js";
import { allocationTable, positionAt, requireAccount } from "./shared.js";

const options = { ...sendOptions, alloc: allocOption };

const allocate = (flags: SendFlags & { readonly alloc: string }) =>
  withChain(
    flags,
    withSigner(flags, (from) =>
      Effect.gen(function* () {
        const account = yield* requireAccount(from, "allocate");
        const allocation = yield* parseAllocation("--alloc", flags.alloc);
        const snapshot = yield* (yield* TcmReader).snapshot();
        const current = yield* positionAt(account, snapshot);
        const builder = yield* TxBuilder;
        // Validate first (names --alloc), then estimate only when there is a position to reallocate.
        yield* builder
          .reallocate({ allocation }, { projectCount: snapshot.protocol.projectCount })
          .pipe(Effect.catchTag("InvalidInput", (e) => Effect.fail(allocFlags(e))));
        if (current.principal === 0n) {
          return yield* new BadInput({
            flag: "--alloc",
            message: `${account} has no position to reallocate; open one with \`tcm deposit\``,
          });
        }
        const tx = yield* builder.reallocate(
          { allocation },
          { projectCount: snapshot.protocol.projectCount, from: account },
        );
        const entries = allocation.map((e) => ({ projectId: Number(e.projectId), bps: Number(e.bps) }));
        yield* say(flags)(
          `Reallocate the yield of ${account}'s ${formatUnits(current.principal)} stETH (pending rewards are settled, not lost)`,
        );
        yield* say(flags)(keyValues([["gas", gasLine([{ label: "reallocate", tx }])]]));
        yield* say(flags)(allocationTable(snapshot, current, { principal: current.principal, entries }));
        yield* execute(flags, [{ label: "reallocate", tx }], "Reallocate?");
      }),
    ),
  );

export const allocateCommand = Command.make("allocate", options, allocate).pipe(
  Command.withDescription(
    "Re-split your position's yield across projects (--alloc 1:5000,3:5000). Principal and rewards are untouched.",
  ),
);

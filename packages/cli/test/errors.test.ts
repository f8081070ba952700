import { decodeRevert } from "@tcm/chain";
import { encodeErrorResult } from "viem";
import { describe, expect, it } from "vitest";
import { ExitCode, report } from "../src/errors.js";

const errorString = [{ type: "error", name: "Error", inputs: [{ type: "string", name: "reason" }] }] as const;
const lidoRevert = (reason: string, txHash?: `0x${string}`) =>
  decodeRevert(encodeErrorResult({ abi: errorString, errorName: "Error", args: [reason] }), "deposit", txHash);

describe("a revert reaches the user as a sentence", () => {
  it("mainnet stETH's reason strings (what the Lido-faithful mocks revert with too)", () => {
    const balance = report(lidoRevert("BALANCE_EXCEEDED"));
    expect(balance.code).toBe(ExitCode.failure);
    expect(balance.message).toBe(
      "error: reverted: stETH: the amount is more than the sender's stETH balance [BALANCE_EXCEEDED]",
    );
    const tx = `0x${"ab".repeat(32)}` as const;
    expect(report(lidoRevert("ALLOWANCE_EXCEEDED", tx)).message).toBe(
      `error: reverted: stETH: the amount is more than the spender's stETH allowance (approve it first) [ALLOWANCE_EXCEEDED] [tx ${tx}]`,
    );
    expect(report(lidoRevert("ERC20: transfer amount exceeds balance")).message).toBe(
      "error: reverted: wstETH: the amount is more than the sender's wstETH balance [ERC20: transfer amount exceeds balance]",
    );
  });
  it("a custom error keeps its name", () => {
    const e = decodeRevert("0xdeadbeef");
    expect(report(e).message).toBe("error: reverted (Unknown): Reverted with unknown error 0xdeadbeef");
  });
});

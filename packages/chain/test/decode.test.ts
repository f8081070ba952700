import { NodeFileSystem } from "@effect/platform-node";
import { assert, describe, it } from "@effect/vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect, Either } from "effect";
import { encodeErrorResult } from "viem";
import {
  type DeploymentError,
  decodeRevert,
  loadDeploymentFile,
  mockStETHAbi,
  parseDeployment,
  projectTokenAbi,
  tcmErrorsAbi,
  technoCapitalMachineAbi,
} from "../src/index.js";
import { lidoRevertReasons } from "../src/revert.js";

const errorString = [{ type: "error", name: "Error", inputs: [{ type: "string", name: "reason" }] }] as const;

describe("revert decoding", () => {
  it("decodes TCM_ errors with a sentence", () => {
    const data = encodeErrorResult({
      abi: technoCapitalMachineAbi,
      errorName: "TCM_AllocationSumNot10000",
      args: [9_000n],
    });
    const e = decodeRevert(data, "deposit");
    assert.strictEqual(e._tag, "ContractRevert");
    assert.strictEqual(e.name, "TCM_AllocationSumNot10000");
    assert.deepStrictEqual(e.args, [9_000n]);
    assert.strictEqual(e.message, "Allocation sums to 9,000 bps; it must be exactly 10,000");
  });
  it("decodes the deploy step's errors with the time and amounts that matter", () => {
    const notDue = decodeRevert(
      encodeErrorResult({ abi: technoCapitalMachineAbi, errorName: "TCM_StepNotDue", args: [2, 1_700_001_200n] }),
      "deploy",
    );
    assert.strictEqual(notDue.name, "TCM_StepNotDue");
    assert.strictEqual(
      notDue.message,
      "Project 2's next deploy step is not due yet; it may run from 1,700,001,200 (2023-11-14T22:33:20.000Z)",
    );
    const nothing = decodeRevert(
      encodeErrorResult({
        abi: technoCapitalMachineAbi,
        errorName: "TCM_NothingToDeploy",
        args: [1, 5n, 1_000_000_000n],
      }),
    );
    assert.strictEqual(
      nothing.message,
      "Project 1 has 5 wei of pending wstETH to deploy; a step needs at least 1,000,000,000",
    );
    const seed = decodeRevert(
      encodeErrorResult({
        abi: technoCapitalMachineAbi,
        errorName: "TCM_SeedReserveOutOfBounds",
        args: [1n, 10n ** 15n, 5n * 10n ** 17n],
      }),
    );
    assert.include(seed.message, "Seed reserve 1 is outside 1,000,000,000,000,000..500,000,000,000,000,000");
  });
  it("decodes ProjectToken_ errors and the stETH mock's rebase errors", () => {
    const pool = decodeRevert(
      encodeErrorResult({
        abi: projectTokenAbi,
        errorName: "ProjectToken_PoolNotOpen",
        args: ["0x0000000000000000000000000000000000000001"],
      }),
    );
    assert.strictEqual(pool.name, "ProjectToken_PoolNotOpen");
    const rebase = decodeRevert(
      encodeErrorResult({ abi: mockStETHAbi, errorName: "MockStETH_RebaseToZero", args: [] }),
    );
    assert.strictEqual(rebase.message, "stETH (mock): the rebase would leave zero pooled ether");
  });
  it("turns Lido's mainnet reason strings into sentences, keeping the reason", () => {
    const reason = (text: string) =>
      decodeRevert(encodeErrorResult({ abi: errorString, errorName: "Error", args: [text] }), "deposit");
    const balance = reason("BALANCE_EXCEEDED");
    assert.strictEqual(balance.name, "Error");
    assert.deepStrictEqual(balance.args, ["BALANCE_EXCEEDED"]);
    assert.strictEqual(balance.message, "stETH: the amount is more than the sender's stETH balance [BALANCE_EXCEEDED]");
    assert.strictEqual(
      reason("ALLOWANCE_EXCEEDED").message,
      "stETH: the amount is more than the spender's stETH allowance (approve it first) [ALLOWANCE_EXCEEDED]",
    );
    assert.strictEqual(
      reason("MATH_MUL_OVERFLOW").message,
      "stETH: the amount is too large (the share arithmetic overflows) [MATH_MUL_OVERFLOW]",
    );
    assert.strictEqual(
      reason("ERC20: transfer amount exceeds allowance").message,
      "wstETH: the amount is more than the spender's wstETH allowance (approve it first) [ERC20: transfer amount exceeds allowance]",
    );
    assert.strictEqual(
      reason("STAKE_LIMIT").message.startsWith("stETH: the amount is above Lido's current staking limit"),
      true,
    );
    // Any other reason is shown as it is; a prototype key is not a Lido reason.
    assert.strictEqual(reason("UniswapV2: K").message, "UniswapV2: K");
    assert.strictEqual(reason("constructor").message, "constructor");
  });
  it("has a sentence for every reason string Lido's stETH and wstETH revert with", () => {
    // lido-dao v2.0.0 StETH / StETHPermit / Lido (+ Aragon SafeMath), WstETH on OpenZeppelin 3.4 ERC20 / ERC20Permit.
    const mainnet = [
      "BALANCE_EXCEEDED",
      "ALLOWANCE_EXCEEDED",
      "ALLOWANCE_BELOW_ZERO",
      "TRANSFER_FROM_ZERO_ADDR",
      "TRANSFER_TO_ZERO_ADDR",
      "TRANSFER_TO_STETH_CONTRACT",
      "APPROVE_FROM_ZERO_ADDR",
      "APPROVE_TO_ZERO_ADDR",
      "MINT_TO_ZERO_ADDR",
      "BURN_FROM_ZERO_ADDR",
      "ZERO_DEPOSIT",
      "STAKING_PAUSED",
      "STAKE_LIMIT",
      "NON_EMPTY_DATA",
      "CONTRACT_IS_STOPPED",
      "DEADLINE_EXPIRED",
      "INVALID_SIGNATURE",
      "MATH_MUL_OVERFLOW",
      "MATH_ADD_OVERFLOW",
      "MATH_SUB_UNDERFLOW",
      "MATH_DIV_ZERO",
      "wstETH: can't wrap zero stETH",
      "wstETH: zero amount unwrap not allowed",
      "ERC20: transfer amount exceeds balance",
      "ERC20: transfer amount exceeds allowance",
      "ERC20: transfer from the zero address",
      "ERC20: transfer to the zero address",
      "ERC20: approve from the zero address",
      "ERC20: approve to the zero address",
      "ERC20: decreased allowance below zero",
      "ERC20: mint to the zero address",
      "ERC20: burn from the zero address",
      "ERC20: burn amount exceeds balance",
      "SafeMath: addition overflow",
      "SafeMath: subtraction overflow",
      "ERC20Permit: expired deadline",
      "ERC20Permit: invalid signature",
      "ECDSA: invalid signature",
      "ECDSA: invalid signature 's' value",
      "ECDSA: invalid signature 'v' value",
    ];
    for (const text of mainnet) {
      const e = decodeRevert(encodeErrorResult({ abi: errorString, errorName: "Error", args: [text] }));
      assert.notStrictEqual(e.message, text, `no sentence for ${text}`);
      assert.isTrue(e.message.endsWith(` [${text}]`), text);
      assert.match(e.message, /^(stETH: |wstETH: |The permit signature )/, text);
    }
    assert.sameMembers(Object.keys(lidoRevertReasons), [...mainnet, "ECDSA: invalid signature length"]);
  });
  it("has a sentence for every TCM_, ProjectToken_ and MockStETH_ error in the ABIs (the mock's own rebase errors)", () => {
    for (const item of tcmErrorsAbi) {
      if (!/^(TCM_|ProjectToken_|MockStETH_)/.test(item.name)) continue;
      const args = item.inputs.map((p) =>
        p.type === "address" ? "0x0000000000000000000000000000000000000001" : p.type === "bool" ? true : 1n,
      );
      const e = decodeRevert(encodeErrorResult({ abi: [item], errorName: item.name, args } as never));
      assert.strictEqual(e.name, item.name);
      assert.notInclude(e.message, `${item.name}(`, `no sentence for ${item.name}`);
    }
  });
  it("handles Error(string), unknown selectors and empty data", () => {
    const reason = decodeRevert(
      "0x08c379a0000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000000046f6f707300000000000000000000000000000000000000000000000000000000",
    );
    assert.strictEqual(reason.name, "Error");
    assert.strictEqual(reason.message, "oops");
    assert.strictEqual(decodeRevert("0xdeadbeef").name, "Unknown");
    assert.strictEqual(decodeRevert(undefined).message, "Reverted without a reason");
  });
});

const good = {
  chainId: 31337,
  deployBlock: 0,
  genesis: 1795321096,
  guardian: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  machine: "0x0165878A594ca255338adfa4d48449f69242Eb8F",
  stETH: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  tokenDeployer: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707",
  uniswapV2Factory: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  uniswapV2Router: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
  weth: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
  wstETH: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
};

describe("deployment file", () => {
  const fieldOf = (input: unknown) => {
    const result = parseDeployment(input, "dev.json");
    assert.isTrue(Either.isLeft(result));
    return (result as Either.Left<DeploymentError, unknown>).left;
  };
  it("parses what the forge script writes (uints as bigint, addresses checksummed)", () => {
    const parsed = parseDeployment({ ...good, machine: good.machine.toLowerCase() });
    assert.isTrue(Either.isRight(parsed));
    const d = Either.getOrThrow(parsed);
    assert.strictEqual(d.machine, good.machine);
    assert.strictEqual(d.genesis, 1795321096n);
  });
  it("names the file and the missing field", () => {
    const { machine: _, ...rest } = good;
    const e = fieldOf(rest);
    assert.strictEqual(e.field, "machine");
    assert.strictEqual(e.file, "dev.json");
    assert.include(e.message, 'dev.json: field "machine" is missing');
  });
  it("names a malformed address, a bad checksum, a zero machine and a bad uint", () => {
    assert.strictEqual(fieldOf({ ...good, stETH: "0x1234" }).field, "stETH");
    assert.include(fieldOf({ ...good, wstETH: good.wstETH.replace("e7f1", "E7f1") }).message, "checksum");
    assert.strictEqual(fieldOf({ ...good, machine: "0x0000000000000000000000000000000000000000" }).field, "machine");
    assert.strictEqual(fieldOf({ ...good, genesis: -1 }).field, "genesis");
    assert.strictEqual(fieldOf({ ...good, chainId: "x" }).field, "chainId");
  });
  it.effect("loads a file and reports unreadable or non-JSON files", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "tcm-deploy-"));
      writeFileSync(join(dir, "ok.json"), JSON.stringify(good));
      writeFileSync(join(dir, "bad.json"), "{ nope");
      const ok = yield* loadDeploymentFile(join(dir, "ok.json"));
      assert.strictEqual(ok.chainId, 31337);
      const bad = yield* Effect.flip(loadDeploymentFile(join(dir, "bad.json")));
      assert.include(bad.message, "not valid JSON");
      const missing = yield* Effect.flip(loadDeploymentFile(join(dir, "missing.json")));
      assert.strictEqual(missing.field, "(file)");
    }).pipe(Effect.provide(NodeFileSystem.layer)),
  );
});

import { assert, describe, it } from "@effect/vitest";
import { getAbiItem, keccak256, toEventSelector } from "viem";
import {
  uniswapV2FactoryAbi,
  uniswapV2PairAbi,
  uniswapV2PairBytecode,
  uniswapV2Router02Bytecode,
} from "../src/index.js";

// The init-code hash baked into UniswapV2Library.pairFor on mainnet: equal only for the exact official pair bytecode.
const MAINNET_PAIR_INIT_CODE_HASH = "0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f";

describe("generated Uniswap V2 artifacts", () => {
  it("carry the official pair bytecode (mainnet init-code hash)", () => {
    assert.strictEqual(keccak256(uniswapV2PairBytecode), MAINNET_PAIR_INIT_CODE_HASH);
  });

  it("expose typed ABIs that viem can read", () => {
    const transfer = getAbiItem({ abi: uniswapV2PairAbi, name: "Transfer" });
    assert.strictEqual(toEventSelector(transfer), "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    assert.strictEqual(getAbiItem({ abi: uniswapV2FactoryAbi, name: "createPair" }).type, "function");
  });

  it("export 0x-prefixed creation code", () => {
    assert.match(uniswapV2Router02Bytecode, /^0x([0-9a-f]{2})+$/);
  });
});

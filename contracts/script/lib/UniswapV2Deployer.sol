// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";

/// @title UniswapV2Deployer
/// @notice Deploys Uniswap V2 from the official compiled artifacts shipped in the npm packages
/// uniswap v2-core and v2-periphery (their `bytecode` field): the exact mainnet contracts, not a recompilation.
library UniswapV2Deployer {
    Vm internal constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    string internal constant CORE = "../node_modules/@uniswap/v2-core/build/";
    string internal constant PERIPHERY = "../node_modules/@uniswap/v2-periphery/build/";

    error UniswapV2Deployer_CreateFailed(string artifact);

    function bytecode(string memory path) internal view returns (bytes memory) {
        string memory hexCode = VM.parseJsonString(VM.readFile(path), ".bytecode");
        return VM.parseBytes(string.concat("0x", hexCode));
    }

    function create(bytes memory initCode, string memory artifact) internal returns (address deployed) {
        assembly ("memory-safe") {
            deployed := create(0, add(initCode, 0x20), mload(initCode))
        }
        if (deployed == address(0)) revert UniswapV2Deployer_CreateFailed(artifact);
    }

    function deployFactory(address feeToSetter) internal returns (address) {
        bytes memory code = bytecode(string.concat(CORE, "UniswapV2Factory.json"));
        return create(abi.encodePacked(code, abi.encode(feeToSetter)), "UniswapV2Factory");
    }

    function deployWETH9() internal returns (address) {
        return create(bytecode(string.concat(PERIPHERY, "WETH9.json")), "WETH9");
    }

    function deployRouter(address factory, address weth) internal returns (address) {
        bytes memory code = bytecode(string.concat(PERIPHERY, "UniswapV2Router02.json"));
        return create(abi.encodePacked(code, abi.encode(factory, weth)), "UniswapV2Router02");
    }
}

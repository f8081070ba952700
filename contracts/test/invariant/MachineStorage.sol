// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";

/// @notice Reads the few fields of a project's storage (DataTypes.Project) the invariants need, straight from the
///         machine's slots: `getProject` builds the whole view (≈ 70,000 gas), and the invariants run after every call
///         of every campaign. `InvariantsTest.test_MachineStorage_MatchesTheViews` pins these reads to the views, so
///         a change of the storage layout fails that test rather than the invariants.
library MachineStorage {
    Vm internal constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    /// @dev Slot of `_projects` in TechnoCapitalMachine (`forge inspect TechnoCapitalMachine storageLayout`).
    uint256 internal constant PROJECTS_SLOT = 3;
    /// @dev Slot of `_positions` (principal in the low 96 bits of an account's word).
    uint256 internal constant POSITIONS_SLOT = 4;
    uint256 internal constant TAG_MASK = (1 << 95) - 1;

    /// @notice An account's principal (0: no position).
    function principal(address machine, address account) internal view returns (uint256) {
        return uint96(uint256(VM.load(machine, keccak256(abi.encode(account, POSITIONS_SLOT)))));
    }

    function word(address machine, uint32 id, uint256 offset) internal view returns (uint256) {
        bytes32 base = keccak256(abi.encode(uint256(id), PROJECTS_SLOT));
        return uint256(VM.load(machine, bytes32(uint256(base) + offset)));
    }

    /// @return allocated the project's allocated principal; yieldDebt its yield debt (mod 2^128).
    function allocation(address machine, uint32 id) internal view returns (uint256 allocated, uint256 yieldDebt) {
        uint256 s0 = word(machine, id, 0);
        return (uint96(s0), uint128(s0 >> 96));
    }

    function contributorOwed(address machine, uint32 id) internal view returns (uint256) {
        return (word(machine, id, 1) >> 160) & TAG_MASK;
    }

    function contributorBps(address machine, uint32 id) internal view returns (uint256) {
        return uint16(word(machine, id, 2) >> 112);
    }

    function seeded(address machine, uint32 id) internal view returns (bool) {
        return (word(machine, id, 3) >> 232) & 0xff != 0;
    }

    /// @return pendingWstEth the project's pending wstETH; carryTokens the tokens carried to the next add.
    function pending(address machine, uint32 id) internal view returns (uint256 pendingWstEth, uint256 carryTokens) {
        uint256 s6 = word(machine, id, 6);
        return (uint128(s6), uint96(s6 >> 128) & TAG_MASK);
    }

    function totalLiquidity(address machine, uint32 id) internal view returns (uint256) {
        return word(machine, id, 7) >> 128;
    }

    function owner(address machine, uint32 id) internal view returns (address) {
        return address(uint160(word(machine, id, 8)));
    }
}

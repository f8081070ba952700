// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Base.t.sol";

/// @notice Gas is O(1) in the number of depositors and projects: the same deposit and harvest cost the same
/// (within 1%) in a machine with 1 depositor and 1 project and in one with 1,000 depositors and 100 projects.
/// Run with `forge test --isolate`.
contract GasScaleTest is Base {
    function measure(uint256 projects, uint256 depositors) internal returns (uint256 depositGas, uint256 harvestGas) {
        uint32 first;
        for (uint256 i; i < projects; ++i) {
            uint32 id = launch();
            if (i == 0) first = id;
        }
        for (uint256 i; i < depositors; ++i) {
            uint32 id = uint32(1 + (i % projects));
            deposit(address(uint160(0x100000 + i)), 1 ether, one(id));
        }
        fund(alice, 10 ether);
        fund(keeper, 1 ether);
        nextEpoch();
        rebaseBps(5);
        harvest(first);
        nextEpoch();
        rebaseBps(5);
        vm.prank(alice);
        machine.deposit(10 ether, one(first));
        depositGas = vm.lastCallGas().gasTotalUsed;
        vm.prank(keeper);
        machine.harvest(first);
        harvestGas = vm.lastCallGas().gasTotalUsed;
    }

    function test_Gas_ConstantInDepositorsAndProjects() public {
        uint256 snap = vm.snapshotState();
        (uint256 depositSmall, uint256 harvestSmall) = measure(1, 1);
        vm.revertToState(snap);
        (uint256 depositLarge, uint256 harvestLarge) = measure(100, 1_000);
        emit log_named_uint("deposit gas, 1 project / 1 depositor", depositSmall);
        emit log_named_uint("deposit gas, 100 projects / 1000 depositors", depositLarge);
        emit log_named_uint("harvest gas, 1 project / 1 depositor", harvestSmall);
        emit log_named_uint("harvest gas, 100 projects / 1000 depositors", harvestLarge);
        assertApproxEqRel(depositLarge, depositSmall, 0.01e18);
        assertApproxEqRel(harvestLarge, harvestSmall, 0.01e18);
    }
}

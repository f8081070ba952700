// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PoolAttacker} from "./PoolAttacker.sol";

/// @notice A lift past the band, held, plus a dust buy once per follow window: before the fix the follow rule asked
///         for twap >= spot over the window, and a dust buy anywhere in it left spot a hair above the average, so
///         every window restarted and no step ever traded again (70 wstETH pending after 10 days, for the gas of a
///         swap every two days). Now a whole window makes the machine keep min(spot, TWAP), what held on average
///         (DeployLogic.referenceNow, the stalled branch of _trade): trading resumes within two windows of the lift,
///         and the reference never exceeds a price the pool reached.
contract FollowWindowGriefTest is PoolAttacker {
    /// @param liftPct the lift, in hundredths of the pool's wstETH (1 % → about +2 % price, past the 0.5 % band)
    /// @param dustEvery how many steps after each window restart the dust buy comes
    /// Each run is four follow windows of steps (≈ 0.3 s): fewer runs than the profiles' default.
    /// forge-config: default.fuzz.runs = 32
    /// forge-config: ci.fuzz.runs = 64
    function testFuzz_LiftPlusDustPerWindow_StallsAtMostTwoWindows(uint256 liftPct, uint256 dustEvery) public {
        liftPct = bound(liftPct, 100, 500);
        dustEvery = bound(dustEvery, 0, 20);
        id = launch();
        deposit(alice, 10_000 ether, one(id));
        fund(keeper, 1 ether);
        for (uint256 d; d < 3; ++d) {
            nextEpoch();
            rebaseBps(8);
            harvest(id);
            deployAll(id, 2_000);
        }
        fund(attacker, 1_000 ether);
        vm.startPrank(attacker);
        stETH.approve(address(wstETH), type(uint256).max);
        wstETH.wrap(500 ether);
        wstETH.approve(address(router), type(uint256).max);
        vm.stopPrank();

        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
        buy(reserveWst() * liftPct / 10_000);
        uint256 highest = spot(); // the highest spot the pool has had since the lift
        uint256 window = machine.followWindow();
        uint256 t0 = block.timestamp;
        uint256 lastEpoch = machine.currentEpoch();
        uint256 lastRestart = project(id).observationTime;
        uint256 stepsSinceRestart;
        uint256 firstTrade; // seconds after the lift of the first step that bought
        uint256 traded;
        uint256 lp = pairOf(id).balanceOf(address(machine));
        while (block.timestamp < t0 + 4 * window) {
            vm.roll(block.number + 1);
            vm.warp(block.timestamp + machine.stepInterval());
            if (machine.currentEpoch() != lastEpoch) {
                lastEpoch = machine.currentEpoch();
                rebaseBps(8);
            }
            if (machine.isHarvestReady(id)) {
                vm.prank(keeper);
                machine.harvest(id);
            } else if (machine.isDeployReady(id)) {
                vm.prank(keeper);
                machine.deploy(id);
            }
            uint256 lpNow = pairOf(id).balanceOf(address(machine));
            if (lpNow != lp) {
                ++traded;
                if (firstTrade == 0) firstTrade = block.timestamp - t0;
            }
            lp = lpNow;
            // The machine never trusts a price the pool has not reached (spot is sampled after every trade).
            if (spot() > highest) highest = spot();
            assertLe(project(id).referencePrice, highest, "reference above any price the pool held");
            if (project(id).observationTime != lastRestart) {
                (lastRestart, stepsSinceRestart) = (project(id).observationTime, 0);
            }
            // Once per window, `dustEvery` steps after it restarted: a dust buy in a block of its own.
            if (stepsSinceRestart++ == dustEvery) {
                vm.roll(block.number + 1);
                vm.warp(block.timestamp + 12);
                buy(1e9);
                if (spot() > highest) highest = spot();
            }
        }
        assertGt(firstTrade, 0, "no step traded in four follow windows after one lift");
        assertLe(firstTrade, 2 * window + 2 * machine.stepInterval(), "trading must resume within two windows");
        // Once resumed, the steps keep trading: at least half of those left in the last two windows.
        assertGe(traded, window / machine.stepInterval(), "the steps must keep trading after the stall");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PoolAttacker} from "./PoolAttacker.sol";
import {DeployReport} from "../../src/types/DataTypes.sol";

/// @notice MEV around deploy steps (DESIGN.md §2.4): every attack is measured as the attacker's wstETH profit with
/// every token sold back (pool fees counted, gas not), and must be <= 0. Fuzzed over pool depth, yield, attacker size
/// and timing. The keeper is honest: it runs every step as soon as it is due.
contract DeployStepsAttackTest is PoolAttacker {
    // ------------------------------------------------------------------ fixtures

    /// @dev A project with `principal` stETH allocated, opened, and `days_` days of yield deployed (every step run).
    function grow(uint256 principal, uint256 days_, uint256 yieldBps) internal {
        id = launch();
        deposit(alice, principal, one(id));
        fund(keeper, 1 ether);
        for (uint256 d; d < days_; ++d) {
            day(yieldBps);
        }
        // A day of yield pending, and its first step due.
        nextEpoch();
        rebaseBps(int256(yieldBps));
        harvest(id);
        vm.warp(machine.nextDeployTime(id));
    }

    function day(uint256 yieldBps) internal {
        nextEpoch();
        rebaseBps(int256(yieldBps));
        harvest(id);
        deployAll(id, 2_000);
    }

    /// @dev A day on a fixed clock: the harvest, then a step whenever one is due, until the epoch ends (the same
    ///      time passes whatever the steps do).
    function dayOnTheClock(uint256 yieldBps) internal {
        nextEpoch();
        rebaseBps(int256(yieldBps));
        if (machine.isHarvestReady(id)) harvest(id);
        uint256 end = machine.genesis() + (machine.currentEpoch() + 1) * EPOCH;
        while (block.timestamp + machine.stepInterval() < end) {
            vm.warp(block.timestamp + machine.stepInterval());
            keeperStep();
        }
    }

    /// @dev A third party who sells rewards: moves spot below the machine's reference.
    function rewardsSold(uint256 fraction) internal {
        vm.prank(alice);
        machine.claim(ids(id), alice);
        uint256 tokens = tokenOf(id).balanceOf(alice) * fraction / 100;
        if (tokens == 0) return;
        vm.startPrank(alice);
        tokenOf(id).approve(address(router), type(uint256).max);
        address[] memory path = new address[](2);
        (path[0], path[1]) = (project(id).token, address(wstETH));
        router.swapExactTokensForTokens(tokens, 0, path, alice, block.timestamp);
        vm.stopPrank();
    }

    function profit(uint256 start) internal returns (int256 p) {
        assertEq(tokenOf(id).balanceOf(attacker), 0, "every token sold back");
        p = int256(wstETH.balanceOf(attacker)) - int256(start);
        emit log_named_int("attacker profit (wstETH wei)", p);
    }

    // ------------------------------------------------------------------ same-block sandwiches

    /// forge-config: default.fuzz.runs = 48
    /// forge-config: ci.fuzz.runs = 96
    function testFuzz_Sandwich_SameBlock(uint256 principal, uint256 days_, uint256 frontRun, uint8 spotMode) public {
        grow(bound(principal, 100 ether, 100_000 ether), bound(days_, 1, 8), 8);
        // Spot at the reference (mode 0), below it (someone sold rewards: 1), above it (someone bought: 2).
        if (spotMode % 3 == 1) rewardsSold(50);
        if (spotMode % 3 == 2) buy(trader, fundedTrader(reserveWst() / 200 + 1));
        nextBlock();
        frontRun = bound(frontRun, 1e9, reserveWst() / 2);
        uint256 start = arm(frontRun);
        buy(attacker, frontRun);
        keeperStep();
        sellAll(attacker);
        assertLe(profit(start), 0, "a same-block sandwich must not pay");
    }

    /// @notice The reverse sandwich: the attacker holds tokens, dumps before the step (the machine then buys cheap)
    ///         and buys back after it.
    /// forge-config: default.fuzz.runs = 32
    /// forge-config: ci.fuzz.runs = 64
    function testFuzz_Sandwich_DumpFirst(uint256 principal, uint256 size) public {
        grow(bound(principal, 100 ether, 100_000 ether), 3, 8);
        size = bound(size, 1e9, reserveWst() / 4);
        uint256 start = arm(size);
        vm.warp(block.timestamp - 1); // the position was bought earlier (same chain state, earlier block)
        buy(attacker, size);
        vm.warp(block.timestamp + 1);
        uint256 held = tokenOf(id).balanceOf(attacker);
        sellAll(attacker);
        keeperStep();
        uint256 back = wstETH.balanceOf(attacker) - (start - size); // proceeds of the dump
        buy(attacker, back);
        sellAll(attacker);
        assertGt(held, 0);
        assertLe(profit(start), 0, "a dump-first sandwich must not pay");
    }

    /// @notice Front-run in one block, the step in the next, sell in the one after: a step lifts the price at most
    ///         maxImpactBps (< two pool fees) above min(spot, reference), so this always loses.
    /// forge-config: default.fuzz.runs = 48
    /// forge-config: ci.fuzz.runs = 96
    function testFuzz_Sandwich_AcrossBlocks(uint256 principal, uint256 days_, uint256 frontRun, uint8 spotMode) public {
        grow(bound(principal, 100 ether, 100_000 ether), bound(days_, 1, 8), 8);
        if (spotMode % 2 == 1) buy(trader, fundedTrader(reserveWst() / 400 + 1)); // spot above the reference
        nextBlock();
        frontRun = bound(frontRun, 1e9, reserveWst() / 2);
        uint256 start = arm(frontRun);
        buy(attacker, frontRun);
        nextBlock();
        keeperStep();
        nextBlock();
        sellAll(attacker);
        assertLe(profit(start), 0, "a sandwich across blocks must not pay");
    }

    /// @notice A bundle around several consecutive steps (the attacker holds between them, in several blocks). The
    ///         machine never buys above its own price path (each trading step stays within reference * (1 + band) of
    ///         the reference before it, whatever the attacker holds), so the attacker earns at most what the
    ///         machine's own buying gives every holder of his tokens over those steps.
    /// forge-config: default.fuzz.runs = 32
    /// forge-config: ci.fuzz.runs = 64
    function testFuzz_Bundle_SeveralSteps(uint256 principal, uint256 frontRun, uint256 steps) public {
        grow(bound(principal, 100 ether, 100_000 ether), 2, 8);
        frontRun = bound(frontRun, 1e9, reserveWst() / 2);
        uint256 start = arm(frontRun);
        uint256 referenceStart = project(id).referencePrice;
        buy(attacker, frontRun);
        steps = bound(steps, 2, 12);
        for (uint256 k; k < steps; ++k) {
            nextBlock();
            stepWithinThePath();
            vm.warp(block.timestamp + machine.stepInterval());
        }
        nextBlock();
        sellAll(attacker);
        assertLe(profit(start), holdersGain(frontRun, referenceStart), "no more than the program gives any holder");
    }

    /// @dev A keeper step, checking that the machine buys within its own path: the spot it leaves is at most the
    ///      reference before the step times (1 + band).
    function stepWithinThePath() internal returns (DeployReport memory r) {
        uint256 reference_ = project(id).referencePrice;
        r = keeperStep();
        if (r.wstEthSwapped == 0) return r;
        (uint112 r0, uint112 r1,) = pairOf(id).getReserves();
        (uint256 tok, uint256 wst) = project(id).tokenIsToken0 ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
        assertLe((wst << 112) / tok, reference_ * (10_000 + machine.maxImpactBps()) / 10_000 + 1, "above the path");
    }

    /// @dev What `wst` spent at the start would earn by the rise of the machine's reference since `referenceStart`.
    function holdersGain(uint256 wst, uint256 referenceStart) internal view returns (int256) {
        uint256 referenceEnd = project(id).referencePrice;
        if (referenceEnd <= referenceStart) return 0;
        return int256(wst * (referenceEnd - referenceStart) / referenceStart);
    }

    // ------------------------------------------------------------------ multi-block manipulation

    /// @notice Pump, hold (1 hour ... 1 day) while the keeper runs every due step and the daily harvest, let a step
    ///         trade, dump; five consecutive days. The machine never buys above its own price path, so the pump buys
    ///         the attacker nothing beyond what the machine's buying gives any holder of the same tokens.
    /// forge-config: default.fuzz.runs = 24
    /// forge-config: ci.fuzz.runs = 48
    function testFuzz_PumpHoldDump_FiveDays(uint256 principal, uint256 size, uint256 hold, uint256 days_) public {
        grow(bound(principal, 100 ether, 100_000 ether), bound(days_, 1, 6), 8);
        size = bound(size, 1e9, reserveWst());
        uint256 referenceStart = project(id).referencePrice;
        uint256 start = pumpHoldDumpFiveDays(size, hold);
        assertLe(profit(start), holdersGain(size * 5, referenceStart), "no more than the program gives any holder");
    }

    /// @notice The same five days in a deep pool (someone gave the pair 99 wstETH before it opened, priced at the
    ///         launch price by the opening): a day's yield is then under 0.6 % of the pool, so the machine's own buying
    ///         lifts the price by less than two pool fees a day, and the attack cannot pay at all.
    /// forge-config: default.fuzz.runs = 24
    /// forge-config: ci.fuzz.runs = 48
    function testFuzz_PumpHoldDump_DeepPool(uint256 principal, uint256 size, uint256 hold) public {
        id = launch();
        deposit(alice, bound(principal, 100 ether, 500 ether), one(id));
        fund(keeper, 1 ether);
        fund(bob, 200 ether);
        vm.startPrank(bob);
        stETH.approve(address(wstETH), type(uint256).max);
        wstETH.wrap(150 ether);
        wstETH.transfer(address(pairOf(id)), 99 ether);
        vm.stopPrank();
        day(8); // opens the pool with the donation and the first day's yield, at the launch price
        nextEpoch();
        rebaseBps(8);
        harvest(id);
        assertLt(project(id).pendingWstEth * 1_000, reserveWst() * 6, "a day's yield is under 0.6 % of the pool");
        size = bound(size, 1e9, reserveWst());
        uint256 start = pumpHoldDumpFiveDays(size, hold);
        assertLe(profit(start), 0, "pump-hold-dump must not pay in a deep pool");
    }

    /// @dev Five days of: pump by `size`, hold 1 h ... 1 day (keeper harvesting and stepping), a step, dump.
    function pumpHoldDumpFiveDays(uint256 size, uint256 hold) internal returns (uint256 start) {
        start = arm(size * 5);
        for (uint256 d; d < 5; ++d) {
            buy(attacker, size);
            uint256 end = block.timestamp + bound(uint256(keccak256(abi.encode(hold, d))), 1 hours, 1 days);
            while (block.timestamp < end) {
                if (machine.isHarvestReady(id)) harvest(id);
                nextBlock();
                stepWithinThePath();
                vm.warp(block.timestamp + machine.stepInterval());
            }
            rebaseBps(8);
            nextBlock();
            stepWithinThePath();
            nextBlock();
            sellAll(attacker);
            vm.warp(block.timestamp + 1 hours);
        }
    }

    // ------------------------------------------------------------------ donations

    /// @notice A donor holding reward tokens donates wstETH to the pair (before or after opening, synced or not), then
    ///         sells all their rewards after the machine's steps. Measured against the same actions without the
    ///         donation: the donation can only cost the donor.
    /// forge-config: default.fuzz.runs = 32
    /// forge-config: ci.fuzz.runs = 64
    function testFuzz_Donation_NeverPaysTheDonor(uint256 amount, bool sync, bool beforeOpening, uint256 rewardsDays)
        public
    {
        id = launch();
        deposit(bob, 1_000 ether, one(id)); // the donor earns rewards
        deposit(alice, 9_000 ether, one(id));
        fund(keeper, 1 ether);
        vm.warp(block.timestamp + bound(rewardsDays, 1, 5) * EPOCH);
        if (!beforeOpening) day(8);
        amount = bound(amount, 1e9, 500 ether);
        uint256 snap = vm.snapshotState();
        int256 withDonation = donorOutcome(amount, sync);
        vm.revertToState(snap);
        int256 without = donorOutcome(0, sync);
        emit log_named_int("donor's gain from the donation (wstETH wei)", withDonation - without);
        assertLe(withDonation, without, "a donation must not pay the donor");
    }

    function donorOutcome(uint256 donation, bool sync) internal returns (int256) {
        fund(bob, donation * 2 + 1 ether);
        vm.startPrank(bob);
        stETH.approve(address(wstETH), type(uint256).max);
        wstETH.wrap(stETH.getPooledEthByShares(donation) + 1 ether);
        uint256 start = wstETH.balanceOf(bob);
        if (donation != 0) {
            wstETH.transfer(address(pairOf(id)), donation);
            if (sync) pairOf(id).sync();
        }
        vm.stopPrank();
        for (uint256 d; d < 3; ++d) {
            dayOnTheClock(8);
        }
        vm.prank(bob);
        machine.claim(ids(id), bob);
        uint256 tokens = tokenOf(id).balanceOf(bob);
        vm.startPrank(bob);
        tokenOf(id).approve(address(router), type(uint256).max);
        address[] memory path = new address[](2);
        (path[0], path[1]) = (project(id).token, address(wstETH));
        if (tokens != 0) router.swapExactTokensForTokens(tokens, 0, path, bob, block.timestamp);
        vm.stopPrank();
        return int256(wstETH.balanceOf(bob)) - int256(start);
    }

    // ------------------------------------------------------------------ griefing

    /// @notice An attacker lifts the price just before every step for 7 days (and takes the lift back right after
    ///         it, to keep their capital). Reports what it cost them and how much deployment it delayed; it never
    ///         pays, and once it stops the machine deploys the backlog.
    function test_Griefing_SevenDaysOfLiftsBeforeEveryStep() public {
        grow(10_000 ether, 3, 8);
        uint256 snap = vm.snapshotState();
        uint256 lift = reserveWst() / 1_000;
        uint256 start = arm(lift);
        uint256 blocked;
        for (uint256 d; d < 7; ++d) {
            uint256 end = block.timestamp + EPOCH;
            while (block.timestamp < end) {
                if (machine.isHarvestReady(id)) {
                    buy(attacker, lift);
                    harvest(id);
                    sellAll(attacker);
                }
                if (machine.isDeployReady(id)) {
                    buy(attacker, lift);
                    DeployReport memory r = keeperStep();
                    sellAll(attacker);
                    if (r.wstEthSwapped == 0) ++blocked;
                }
                vm.warp(block.timestamp + machine.stepInterval());
            }
            rebaseBps(8);
        }
        int256 cost = -profit(start);
        uint256 delayed = project(id).pendingWstEth;
        uint256 lpAttacked = pairOf(id).balanceOf(address(machine));
        // The attack stops: the backlog is deployed.
        uint256 catchUp = deployAll(id, 5_000);
        assertLt(project(id).pendingWstEth, machine.MIN_DEPLOY(), "backlog deployed");
        emit log_named_uint("griefing: steps blocked", blocked);
        emit log_named_int("griefing: attacker cost (wstETH wei, pool fees only)", cost);
        emit log_named_uint("griefing: deployment delayed at the end (wstETH wei)", delayed);
        emit log_named_uint("griefing: steps to deploy the backlog afterwards", catchUp);
        assertGt(cost, 0, "griefing never pays");
        assertGt(blocked, 0);
        // What the delay costs the project: the time value of the delayed wstETH at the staking yield (3 % a year),
        // generously counted as if all of it had waited the whole week. The attacker pays more than that.
        uint256 timeValue = delayed * 300 * 7 / (10_000 * 365);
        emit log_named_uint("griefing: time value of the delay at 3 % APR, whole week (wstETH wei)", timeValue);
        assertGt(uint256(cost), timeValue, "griefing costs more than the delay it causes");
        // The same week without the attacker, for the comparison.
        vm.revertToState(snap);
        for (uint256 d; d < 7; ++d) {
            uint256 end = block.timestamp + EPOCH;
            while (block.timestamp < end) {
                if (machine.isHarvestReady(id)) harvest(id);
                keeperStep();
                vm.warp(block.timestamp + machine.stepInterval());
            }
            rebaseBps(8);
        }
        emit log_named_uint("griefing: pending without the attack (wstETH wei)", project(id).pendingWstEth);
        emit log_named_uint("griefing: machine LP with / without the attack", lpAttacked);
        emit log_named_uint("griefing: machine LP without the attack", pairOf(id).balanceOf(address(machine)));
    }

    /// @notice The multi-block variant of a sandwich after an honest dump: a depositor dumps rewards (block N), the
    ///         attacker pushes the price back up towards the machine's reference (block N+1), the step trades
    ///         (block N+2), the attacker sells. Not a same-block sandwich: the attacker carries the pump across a
    ///         block. Reported, and bounded: the attacker's profit never exceeds what the dumper gave up.
    /// forge-config: default.fuzz.runs = 32
    /// forge-config: ci.fuzz.runs = 64
    function testFuzz_BackRunOfADump_AcrossBlocks(uint256 principal, uint256 days_, uint256 dumpPct, uint256 frontRun)
        public
    {
        grow(bound(principal, 100 ether, 100_000 ether), bound(days_, 1, 8), 8);
        uint256 before = reserveWst();
        rewardsSold(bound(dumpPct, 1, 100));
        uint256 dumped = before - reserveWst(); // wstETH the dumper took out of the pool
        nextBlock();
        frontRun = bound(frontRun, 1e9, before);
        uint256 start = arm(frontRun);
        buy(attacker, frontRun);
        nextBlock();
        DeployReport memory r = keeperStep();
        sellAll(attacker);
        int256 p = profit(start);
        emit log_named_uint("wstETH the dumper received", dumped);
        emit log_named_uint("wstETH the step deployed", r.wstEthSwapped + r.wstEthAdded);
        assertLe(p, int256(r.wstEthSwapped + r.wstEthAdded), "bounded by the step");
    }

    function fundedTrader(uint256 wst) internal returns (uint256) {
        fund(trader, wst * 2 + 1 ether);
        vm.startPrank(trader);
        stETH.approve(address(wstETH), type(uint256).max);
        wstETH.wrap(stETH.getPooledEthByShares(wst) + 1 ether);
        wstETH.approve(address(router), type(uint256).max);
        vm.stopPrank();
        return wst;
    }
}

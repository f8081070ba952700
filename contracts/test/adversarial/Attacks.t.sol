// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PoolAttacker} from "./PoolAttacker.sol";
import {ProjectToken} from "../../src/ProjectToken.sol";
import {ITechnoCapitalMachine} from "../../src/interfaces/ITechnoCapitalMachine.sol";
import {IUniswapV2Pair} from "../../src/interfaces/external/IUniswapV2.sol";
import {LaunchParams, DeployReport} from "../../src/types/DataTypes.sol";

/// @notice Attacks from a security review that the other suites do not try: ratcheting the machine's reference price
/// with lifts kept inside the band (then pumping up to it and dumping), keeper calls from inside a flash swap, and a
/// hostile project whose contributor recipient is its own pair. Each asserts that the attacker does not profit and
/// that no other project or depositor is blocked.
contract AttacksTest is PoolAttacker {
    // ------------------------------------------------------------------ fixtures

    function grow(uint256 principal, uint256 days_) internal {
        id = launch();
        deposit(alice, principal, one(id));
        fund(keeper, 1 ether);
        for (uint256 d; d < days_; ++d) {
            nextEpoch();
            rebaseBps(8);
            harvest(id);
            deployAll(id, 2_000);
        }
        nextEpoch();
        rebaseBps(8);
        harvest(id);
        vm.warp(machine.nextDeployTime(id));
    }

    /// @dev wstETH that lifts spot to about `target` (UQ112): the reserve that gives `target` at constant k, with the fee.
    function wstToLiftTo(uint256 target) internal view returns (uint256) {
        (uint256 rw, uint256 rt) = reserves();
        uint256 rwAfter = sqrt(rw * rt / (1 << 56) * target / (1 << 56));
        return rwAfter > rw ? (rwAfter - rw) * 1000 / 997 : 0;
    }

    function sqrt(uint256 x) internal pure returns (uint256 z) {
        if (x == 0) return 0;
        z = x;
        uint256 y = x / 2 + 1;
        while (y < z) {
            z = y;
            y = (x / y + y) / 2;
        }
    }

    // ------------------------------------------------------------------ reference ratchet

    /// @notice The machine's reference is the spot its own last trading step left. An attacker lifts spot to just
    ///         under `reference * (1 + band)` in the block before each step (the step then buys almost nothing but
    ///         still sets the reference to that spot) and sells right after it: the reference climbs one band a step
    ///         above the market, with no follow window. He then pumps spot up to the ratcheted reference (a price
    ///         the follow rule would otherwise make him hold for two days), lets one step trade at it, and dumps.
    ///         Each step still lifts the price at most one band (< two pool fees), so the whole campaign loses.
    /// forge-config: default.fuzz.runs = 16
    /// forge-config: ci.fuzz.runs = 48
    function testFuzz_ReferenceRatchet_ThenPumpAndDump_DoesNotPay(uint256 principal, uint256 ratchets, uint256 days_)
        public
    {
        grow(bound(principal, 100 ether, 50_000 ether), bound(days_, 1, 6));
        ratchets = bound(ratchets, 4, 30);
        (uint256 rw0,) = reserves();
        uint256 start = arm(rw0 * 3);
        uint256 market = spot();
        uint256 referenceStart = project(id).referencePrice;
        uint256 band = machine.maxImpactBps();
        uint256 boughtDuringRatchet;
        for (uint256 k; k < ratchets; ++k) {
            uint256 reference_ = project(id).referencePrice;
            nextBlock();
            buy(wstToLiftTo(reference_ * (10_000 + band) / 10_000 * 9_995 / 10_000));
            vm.warp(
                machine.nextDeployTime(id) > block.timestamp + 12 ? machine.nextDeployTime(id) : block.timestamp + 12
            );
            vm.roll(block.number + 1);
            DeployReport memory r = keeperStep();
            boughtDuringRatchet += r.wstEthSwapped;
            sellAll();
        }
        uint256 referenceRatcheted = project(id).referencePrice;
        emit log_named_uint(
            "reference rise over the ratchet (bps)", (referenceRatcheted - referenceStart) * 10_000 / referenceStart
        );
        emit log_named_uint(
            "market spot vs ratcheted reference (bps below)",
            (referenceRatcheted - spot()) * 10_000 / referenceRatcheted
        );
        emit log_named_uint("wstETH the machine bought during the ratchet", boughtDuringRatchet);
        // Pump to the ratcheted reference, hold it across one block boundary, let the step trade, dump.
        nextBlock();
        buy(wstToLiftTo(referenceRatcheted * 9_999 / 10_000));
        vm.warp(machine.nextDeployTime(id) > block.timestamp + 12 ? machine.nextDeployTime(id) : block.timestamp + 12);
        vm.roll(block.number + 1);
        uint256 pumped = spot();
        DeployReport memory s = keeperStep();
        emit log_named_uint("step after the pump: wstETH swapped", s.wstEthSwapped);
        emit log_named_uint(
            "step price vs pre-attack market (bps above)", pumped > market ? (pumped - market) * 10_000 / market : 0
        );
        sellAll();
        assertEq(tokenOf(id).balanceOf(attacker), 0, "every token sold back");
        int256 profit = int256(wstETH.balanceOf(attacker)) - int256(start);
        emit log_named_int("attacker profit (wstETH wei)", profit);
        assertLe(profit, 0, "ratchet + pump + dump must not pay");
    }

    // ------------------------------------------------------------------ keeper calls inside a flash swap

    /// @notice A flash swap takes tokens out of the pair and calls back before the reserves are updated (spot read
    ///         from `getReserves` is then stale). A step run from inside the callback cannot trade against that pool:
    ///         the pair is locked, so the step's swap (or sync) reverts and the attacker's whole transaction with it.
    function test_FlashSwapCallback_CannotRunAStepOnTheLockedPair() public {
        grow(1_000 ether, 2);
        assertTrue(machine.isDeployReady(id), "a step is due");
        (, uint256 rt) = reserves();
        FlashKeeper flash = new FlashKeeper(machine, id);
        uint256 pendingBefore = project(id).pendingWstEth;
        uint256 lpBefore = pairOf(id).balanceOf(address(machine));
        IUniswapV2Pair pair = pairOf(id);
        bool tokenIs0 = project(id).tokenIsToken0;
        nextBlock();
        vm.expectRevert(bytes("UniswapV2: LOCKED"));
        flash.run(pair, tokenIs0, rt / 2);
        assertEq(project(id).pendingWstEth, pendingBefore, "nothing deployed");
        assertEq(pairOf(id).balanceOf(address(machine)), lpBefore, "no LP minted");
        // Outside the callback the same step runs.
        vm.prank(keeper);
        DeployReport memory r = machine.deploy(id);
        assertGt(r.wstEthSwapped, 0, "the honest step trades");
    }

    // ------------------------------------------------------------------ hostile project

    /// @notice A project whose contributor recipient is its own pair: before the opening the contributor's claim
    ///         reverts (the token refuses the pair), and only that claim; depositors' claims and withdrawals, the
    ///         harvests of every project and the opening go on. After the opening the contributor's tokens land in
    ///         the pair unsynced; the next step syncs them (a gift to the pool) and still trades within the band.
    function test_HostileProject_ContributorRecipientIsItsPair() public {
        uint32 honest = launch();
        LaunchParams memory params = defaultParams();
        params.contributorRecipient = address(0xdead);
        vm.prank(attacker);
        (uint32 hostile,, address pair) = machine.launchProject(params);
        vm.prank(attacker);
        machine.setContributorRecipient(hostile, pair);
        deposit(alice, 1_000 ether, one(hostile));
        deposit(bob, 1_000 ether, one(honest));
        fund(keeper, 1 ether);
        vm.warp(block.timestamp + EPOCH);
        vm.expectRevert(abi.encodeWithSelector(ProjectToken.ProjectToken_PoolNotOpen.selector, pair));
        machine.claimContributor(hostile);
        vm.prank(alice);
        machine.claim(ids(hostile), alice);
        assertGt(tokenOf(hostile).balanceOf(alice), 0, "depositors claim");
        // Both pools open in one harvestMany.
        nextEpoch();
        rebaseBps(8);
        uint32[] memory both = new uint32[](2);
        (both[0], both[1]) = (honest, hostile);
        vm.prank(keeper);
        assertEq(machine.harvestMany(both), 2, "both harvested");
        assertTrue(tokenOf(hostile).poolOpen() && tokenOf(honest).poolOpen(), "both opened");
        // Now the contributor's claim mints into the pair; the next step syncs it and trades.
        id = hostile;
        uint256 minted = machine.claimContributor(hostile);
        assertGt(minted, 0);
        assertEq(tokenOf(hostile).balanceOf(pair) - minted, reserveTokens(), "the gift is unsynced");
        uint256 lpBefore = pairOf(hostile).balanceOf(address(machine));
        nextEpoch();
        rebaseBps(8);
        harvest(hostile); // collects and runs the due step
        assertEq(tokenOf(hostile).balanceOf(pair), reserveTokens(), "the step synced the gift");
        assertGt(pairOf(hostile).balanceOf(address(machine)), lpBefore, "and deployed");
        (uint256 principal,) = machine.positionOf(alice);
        vm.prank(alice);
        machine.withdraw(principal, alice);
        (principal,) = machine.positionOf(alice);
        assertEq(principal, 0, "withdrawn");
    }
}

/// @dev Flash-borrows project tokens from the pair and, inside the callback, asks the machine for a deploy step.
contract FlashKeeper {
    ITechnoCapitalMachine internal immutable machine;
    uint32 internal immutable id;

    constructor(ITechnoCapitalMachine machine_, uint32 id_) {
        machine = machine_;
        id = id_;
    }

    function run(IUniswapV2Pair pair, bool tokenIsToken0, uint256 tokensOut) external {
        (uint256 out0, uint256 out1) = tokenIsToken0 ? (tokensOut, uint256(0)) : (uint256(0), tokensOut);
        pair.swap(out0, out1, address(this), "flash");
    }

    function uniswapV2Call(address, uint256, uint256, bytes calldata) external {
        machine.deploy(id);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Base.t.sol";
import {ITechnoCapitalMachine} from "../../src/interfaces/ITechnoCapitalMachine.sol";
import {AllocationInput, PositionEntryView, ProjectView} from "../../src/types/DataTypes.sol";

/// @notice reallocate, withdraw and claim, branch by branch.
contract PositionTest is Base {
    uint32 internal p1;
    uint32 internal p2;
    uint32 internal p3;

    function setUp() public override {
        super.setUp();
        p1 = launch();
        p2 = launch();
        p3 = launch();
    }

    // ---------------------------------------------------------------- reallocate

    function test_Reallocate_MovesPrincipalBetweenProjects() public {
        uint256 principal = deposit(alice, 10 ether, two(p1, 5_000, p2));
        vm.prank(alice);
        machine.reallocate(two(p2, 2_000, p3));
        (uint256 p, PositionEntryView[] memory e) = machine.positionOf(alice);
        assertEq(p, principal, "principal unchanged");
        assertEq(e.length, 2);
        assertEq(e[0].projectId, p2);
        assertEq(e[1].projectId, p3);
        assertEq(project(p1).allocatedPrincipal, 0);
        assertEq(project(p2).allocatedPrincipal, principal * 2_000 / 10_000);
        assertEq(project(p3).allocatedPrincipal, principal - principal * 2_000 / 10_000);
        assertEq(machine.totalPrincipal(), principal);
    }

    function test_Reallocate_PaysOutRewardsEarnedInProjectsLeft() public {
        deposit(alice, 10 ether, two(p1, 5_000, p2));
        vm.warp(block.timestamp + 6 hours);
        uint256 earned = machine.pendingRewards(alice, p1);
        uint256 earnedStaying = machine.pendingRewards(alice, p2);
        assertGt(earned, 0);
        // p1 leaves: what it owes alice is minted to her in the same call, with a Claimed event.
        vm.expectEmit(address(machine));
        emit ITechnoCapitalMachine.Claimed(alice, alice, p1, earned);
        vm.prank(alice);
        machine.reallocate(one(p2));
        assertEq(tokenOf(p1).balanceOf(alice), earned, "paid on leaving");
        assertEq(machine.pendingRewards(alice, p1), 0, "nothing left behind");
        // The staying entry's part changed: its debt is rewritten rounded up, which can cost it 1 wei (never more).
        assertLe(machine.pendingRewards(alice, p2), earnedStaying);
        assertApproxEqAbs(machine.pendingRewards(alice, p2), earnedStaying, 1, "the staying project's rewards stay");
        vm.warp(block.timestamp + 6 hours);
        assertEq(machine.pendingRewards(alice, p1), 0, "a project left earns nothing more");
        vm.prank(alice);
        uint256[] memory amounts = machine.claim(ids(p1), alice);
        assertEq(amounts[0], 0);
        assertEq(tokenOf(p1).balanceOf(alice), earned);
    }

    function test_Reallocate_WorksDuringDeficit() public {
        deposit(alice, 10 ether, one(p1));
        rebaseBps(-100);
        (bool inDeficit,,,) = machine.deficitStatus();
        assertTrue(inDeficit);
        vm.prank(alice);
        machine.reallocate(one(p2));
        assertEq(project(p2).allocatedPrincipal, machine.totalPrincipal());
    }

    function test_RevertWhen_ReallocateWithoutPosition() public {
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NoPosition.selector, alice));
        vm.prank(alice);
        machine.reallocate(one(p1));
    }

    function test_RevertWhen_ReallocateInvalid() public {
        deposit(alice, 10 ether, one(p1));
        AllocationInput[] memory a = two(p1, 5_000, p2);
        a[1].bps = 4_000;
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_AllocationSumNot10000.selector, 9_000));
        vm.prank(alice);
        machine.reallocate(a);
    }

    // ---------------------------------------------------------------- withdraw

    function test_Withdraw_Partial() public {
        uint256 principal = deposit(alice, 10 ether, two(p1, 5_000, p2));
        uint256 before = stETH.balanceOf(bob);
        vm.prank(alice);
        uint256 paid = machine.withdraw(4 ether, bob);
        assertApproxEqAbs(stETH.balanceOf(bob) - before, 4 ether, 2, "receiver gets the amount (Lido rounding)");
        assertEq(paid, stETH.getPooledEthByShares(stETH.getSharesByPooledEth(4 ether)));
        (uint256 p, PositionEntryView[] memory e) = machine.positionOf(alice);
        assertEq(p, principal - 4 ether);
        assertEq(e[0].principal + e[1].principal, p);
        assertEq(machine.totalPrincipal(), p);
    }

    function test_Withdraw_FullClosesPosition() public {
        uint256 principal = deposit(alice, 10 ether, one(p1));
        vm.prank(alice);
        machine.withdraw(principal, alice);
        (uint256 p, PositionEntryView[] memory e) = machine.positionOf(alice);
        assertEq(p, 0);
        assertEq(e.length, 0);
        assertEq(project(p1).allocatedPrincipal, 0);
        // A new position can be opened afterwards.
        vm.prank(alice);
        machine.deposit(1 ether, one(p2));
    }

    function test_Withdraw_NeverPausedAndPaysOutRewards() public {
        uint256 principal = deposit(alice, 10 ether, two(p1, 2_500, p2));
        vm.warp(block.timestamp + 1 days);
        vm.prank(guardian);
        machine.setPaused(true, true);
        uint256 earned1 = machine.pendingRewards(alice, p1);
        uint256 earned2 = machine.pendingRewards(alice, p2);
        assertGt(earned1, 0);
        assertGt(earned2, earned1);
        vm.prank(alice);
        machine.withdraw(principal, alice);
        // A full withdrawal mints the position's earned tokens to the depositor and clears its storage.
        assertEq(tokenOf(p1).balanceOf(alice), earned1);
        assertEq(tokenOf(p2).balanceOf(alice), earned2);
        (uint256 left, PositionEntryView[] memory entries) = machine.positionOf(alice);
        assertEq(left, 0);
        assertEq(entries.length, 0);
        vm.warp(block.timestamp + 1 days);
        vm.prank(alice);
        uint256[] memory amounts = machine.claim(ids(p1), alice);
        assertEq(amounts[0], 0);
        // The account can open a new position; nothing of the old one carries over.
        vm.prank(guardian);
        machine.setPaused(false, false);
        deposit(alice, 5 ether, one(p2));
        assertEq(machine.pendingRewards(alice, p2), 0);
    }

    function test_Claim_DoesNotWriteTheProjectsBooks() public {
        deposit(alice, 10 ether, one(p1));
        deposit(bob, 30 ether, one(p1));
        vm.warp(block.timestamp + 5 hours);
        ProjectView memory before = machine.getProject(p1);
        vm.prank(alice);
        machine.claim(ids(p1), alice);
        ProjectView memory afterClaim = machine.getProject(p1);
        assertEq(afterClaim.lastAccrual, before.lastAccrual, "accrual not persisted");
        assertEq(afterClaim.rewardAcc, before.rewardAcc);
        // The next accrual (bob's top-up) reaches exactly the index the claim used; alice then owes nothing more
        // than what accrues after, and bob keeps all he earned.
        uint256 bobEarned = machine.pendingRewards(bob, p1);
        fund(bob, 1 ether);
        vm.prank(bob);
        machine.topUp(1 ether);
        assertLe(machine.pendingRewards(bob, p1), bobEarned);
        assertApproxEqAbs(machine.pendingRewards(bob, p1), bobEarned, 1, "a part change rounds the debt up: <= 1 wei");
        assertEq(machine.pendingRewards(alice, p1), 0);
    }

    function test_Withdraw_DeficitPaysProRataAndClosesPosition() public {
        uint256 a = deposit(alice, 30 ether, one(p1));
        uint256 b = deposit(bob, 10 ether, one(p2));
        rebaseBps(-200); // slashing: -2%
        (bool inDeficit, uint256 held,, uint256 value) = machine.deficitStatus();
        assertTrue(inDeficit);
        vm.expectRevert(
            abi.encodeWithSelector(ITechnoCapitalMachine.TCM_DeficitRequiresFullWithdrawal.selector, 1 ether, b)
        );
        vm.prank(bob);
        machine.withdraw(1 ether, bob);
        uint256 before = stETH.sharesOf(bob);
        vm.prank(bob);
        machine.withdraw(b, bob);
        assertEq(stETH.sharesOf(bob) - before, held * b / (a + b), "pro rata of the shares held");
        assertLt(stETH.balanceOf(bob), b + 2 ether);
        assertApproxEqAbs(stETH.getPooledEthByShares(held * b / (a + b)), value * b / (a + b), 2);
        // Alice is paid pro rata too: order does not matter.
        uint256 aliceBefore = stETH.sharesOf(alice);
        vm.prank(alice);
        machine.withdraw(a, alice);
        assertApproxEqAbs(stETH.sharesOf(alice) - aliceBefore, held * a / (a + b), 1);
        assertEq(machine.totalPrincipal(), 0);
    }

    function test_RevertWhen_WithdrawZeroReceiver() public {
        deposit(alice, 1 ether, one(p1));
        vm.expectRevert(ITechnoCapitalMachine.TCM_ZeroReceiver.selector);
        vm.prank(alice);
        machine.withdraw(1, address(0));
    }

    function test_RevertWhen_WithdrawZeroAmount() public {
        deposit(alice, 1 ether, one(p1));
        vm.expectRevert(ITechnoCapitalMachine.TCM_ZeroAmount.selector);
        vm.prank(alice);
        machine.withdraw(0, alice);
    }

    function test_RevertWhen_WithdrawWithoutPosition() public {
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NoPosition.selector, alice));
        vm.prank(alice);
        machine.withdraw(1, alice);
    }

    function test_RevertWhen_WithdrawExceedsPrincipal() public {
        uint256 principal = deposit(alice, 1 ether, one(p1));
        vm.expectRevert(
            abi.encodeWithSelector(
                ITechnoCapitalMachine.TCM_WithdrawExceedsPrincipal.selector, principal + 1, principal
            )
        );
        vm.prank(alice);
        machine.withdraw(principal + 1, alice);
    }

    function test_RevertWhen_WithdrawLeavesDust() public {
        uint256 principal = deposit(alice, 1 ether, one(p1));
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_RemainingPrincipalTooSmall.selector, 5, 1e9));
        vm.prank(alice);
        machine.withdraw(principal - 5, alice);
    }

    // ---------------------------------------------------------------- claim

    function test_Claim_ProRataToPrincipalSeconds() public {
        deposit(alice, 20 ether, one(p1));
        deposit(bob, 10 ether, one(p1));
        vm.warp(block.timestamp + 1 days);
        vm.prank(alice);
        uint256 a = machine.claim(ids(p1), alice)[0];
        vm.prank(bob);
        uint256 b = machine.claim(ids(p1), bob)[0];
        assertApproxEqRel(a, 2 * b, 1e3, "2x principal earns 2x");
        // One day of emission minus the contributor's 10%, all to depositors (minus index rounding).
        uint256 emitted = machine.emittedUpTo(p1, block.timestamp);
        assertApproxEqAbs(a + b, emitted - emitted * 1_000 / 10_000, 1e9);
        assertLe(a + b, emitted - emitted * 1_000 / 10_000);
    }

    function test_Claim_SeveralProjectsToAnyReceiver() public {
        deposit(alice, 10 ether, two(p1, 5_000, p2));
        vm.warp(block.timestamp + 12 hours);
        uint32[] memory list = new uint32[](3);
        list[0] = p1;
        list[1] = p2;
        list[2] = p3;
        vm.expectEmit(true, true, true, false, address(machine));
        emit ITechnoCapitalMachine.Claimed(alice, carol, p1, 0);
        vm.prank(alice);
        uint256[] memory amounts = machine.claim(list, carol);
        assertGt(amounts[0], 0);
        assertApproxEqAbs(amounts[0], amounts[1], 1e3);
        assertEq(amounts[2], 0, "nothing owed in a project not funded");
        assertEq(tokenOf(p1).balanceOf(carol), amounts[0]);
        assertEq(tokenOf(p2).balanceOf(carol), amounts[1]);
        assertEq(machine.pendingRewards(alice, p1), 0);
    }

    function test_Claim_NoEmissionWithoutPrincipal() public {
        vm.warp(block.timestamp + 3 days);
        deposit(alice, 10 ether, one(p1));
        vm.warp(block.timestamp + 1 hours);
        uint256 emittedHour =
            machine.emittedUpTo(p1, block.timestamp) - machine.emittedUpTo(p1, block.timestamp - 1 hours);
        vm.prank(alice);
        uint256 got = machine.claim(ids(p1), alice)[0];
        assertLe(got, emittedHour * 9_000 / 10_000, "only the hour with principal allocated");
        assertApproxEqAbs(got, emittedHour * 9_000 / 10_000, 1e9);
    }

    function test_ClaimContributor() public {
        deposit(alice, 10 ether, one(p1));
        vm.warp(block.timestamp + 1 days);
        uint256 amount = machine.claimContributor(p1);
        uint256 emitted = machine.emittedUpTo(p1, block.timestamp);
        assertEq(amount, emitted * 1_000 / 10_000);
        assertEq(tokenOf(p1).balanceOf(contributor), amount);
        assertEq(machine.claimContributor(p1), 0);
    }

    function test_RevertWhen_ClaimZeroReceiver() public {
        vm.expectRevert(ITechnoCapitalMachine.TCM_ZeroReceiver.selector);
        vm.prank(alice);
        machine.claim(ids(p1), address(0));
    }

    function test_RevertWhen_ClaimUnknownProject() public {
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_UnknownProject.selector, 9));
        vm.prank(alice);
        machine.claim(ids(9), alice);
    }
}

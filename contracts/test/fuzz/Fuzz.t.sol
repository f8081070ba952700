// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Base.t.sol";
import {AllocationInput, HarvestReport, PositionEntryView} from "../../src/types/DataTypes.sol";

contract FuzzTest is Base {
    uint32 internal p1;
    uint32 internal p2;
    uint32 internal p3;

    function setUp() public override {
        super.setUp();
        p1 = launch();
        p2 = launch();
        p3 = launch();
        fund(keeper, 1 ether);
    }

    function alloc(uint256 seed) internal view returns (AllocationInput[] memory a) {
        uint16 x = uint16(bound(seed, 1, 9_998));
        uint16 y = uint16(bound(seed >> 16, 1, 9_999 - x));
        a = new AllocationInput[](3);
        a[0] = AllocationInput(p1, x);
        a[1] = AllocationInput(p2, y);
        a[2] = AllocationInput(p3, 10_000 - x - y);
    }

    function testFuzz_Deposit_AnyAmount(uint256 amount, uint256 seed) public {
        amount = bound(amount, 1e9 + 3, 100_000 ether);
        uint256 principal = deposit(alice, amount, alloc(seed));
        assertLe(principal, amount, "never more than what was sent");
        assertGe(principal + 2, amount, "Lido rounding only");
        (uint256 p, PositionEntryView[] memory e) = machine.positionOf(alice);
        assertEq(p, principal);
        assertEq(e[0].principal + e[1].principal + e[2].principal, principal);
        for (uint256 i; i < 3; ++i) {
            assertGe(e[i].principal, principal * e[i].bps / 10_000);
        }
    }

    function testFuzz_WithdrawPartial(uint256 amount, uint256 out, uint256 seed) public {
        amount = bound(amount, 3e9, 10_000 ether);
        uint256 principal = deposit(alice, amount, alloc(seed));
        out = bound(out, 1, principal - 1e9);
        uint256 before = stETH.balanceOf(bob);
        vm.prank(alice);
        machine.withdraw(out, bob);
        uint256 got = stETH.balanceOf(bob) - before;
        assertLe(got, out);
        assertGe(got + 2, out);
        assertEq(machine.totalPrincipal(), principal - out);
        assertEq(
            project(p1).allocatedPrincipal + project(p2).allocatedPrincipal + project(p3).allocatedPrincipal,
            principal - out
        );
    }

    function testFuzz_Reallocate(uint256 seedA, uint256 seedB, uint256 dt) public {
        uint256 principal = deposit(alice, 10 ether, alloc(seedA));
        vm.warp(block.timestamp + bound(dt, 0, 30 days));
        uint256 earned1 = machine.pendingRewards(alice, p1);
        vm.prank(alice);
        machine.reallocate(alloc(seedB));
        assertLe(machine.pendingRewards(alice, p1), earned1, "rewards never grow by reallocating");
        assertGe(machine.pendingRewards(alice, p1) + 1, earned1, "and lose at most the 1 wei of rounding");
        (uint256 p, PositionEntryView[] memory e) = machine.positionOf(alice);
        assertEq(p, principal);
        assertEq(e[0].principal + e[1].principal + e[2].principal, principal);
    }

    function testFuzz_Claim_ProRataToPrincipalSeconds(uint256 a, uint256 b, uint256 dt) public {
        a = bound(a, 1 ether, 10_000 ether);
        b = bound(b, 1 ether, 10_000 ether);
        dt = bound(dt, 1 hours, 60 days);
        uint256 pa = deposit(alice, a, one(p1));
        uint256 pb = deposit(bob, b, one(p1));
        vm.warp(block.timestamp + dt);
        vm.prank(alice);
        uint256 ra = machine.claim(ids(p1), alice)[0];
        vm.prank(bob);
        uint256 rb = machine.claim(ids(p1), bob)[0];
        assertApproxEqRel(ra * pb, rb * pa, 1e6);
        uint256 emitted = machine.emittedUpTo(p1, block.timestamp);
        assertLe(ra + rb, emitted - emitted * 1_000 / 10_000);
    }

    function testFuzz_Harvest_AnyTiming(uint256 days_, int256 rebase, uint256 dt) public {
        deposit(alice, 100 ether, one(p1));
        uint256 n = bound(days_, 1, 6);
        for (uint256 i; i < n; ++i) {
            vm.warp(block.timestamp + bound(dt >> (8 * i), 1 days, 3 days));
            rebaseBps(bound(rebase >> (8 * i), 1, 40));
            if (!machine.isHarvestReady(p1)) continue;
            (uint256 pendingShares,) = machine.pendingYield(p1);
            uint256 sharesBefore = stETH.sharesOf(address(machine));
            HarvestReport memory r = harvest(p1);
            assertEq(r.yieldShares, pendingShares);
            uint256 sharesOut = sharesBefore - stETH.sharesOf(address(machine));
            assertEq(sharesOut, r.bountyShares + r.wstEthWrapped, "shares out = bounty + wrapped");
            assertLe(r.bountyShares + r.wstEthWrapped, r.yieldShares);
            // Every wstETH the machine holds is some project's pending wstETH; every token it holds is carried.
            assertEq(wstETH.balanceOf(address(machine)), project(p1).pendingWstEth);
            assertEq(tokenOf(p1).balanceOf(address(machine)), project(p1).carryTokens);
            // Steps at any spacing (some too early: skipped by deployMany) never lose a wei.
            for (uint256 k; k < 4; ++k) {
                vm.warp(block.timestamp + bound(dt >> (4 * k + 2), 1, 2 hours));
                uint256 pendingBefore = project(p1).pendingWstEth;
                uint256 keeperBefore = wstETH.balanceOf(keeper);
                uint256 poolBefore = wstETH.balanceOf(address(pairOf(p1)));
                vm.prank(keeper);
                machine.deployMany(ids(p1));
                uint256 poolGain = wstETH.balanceOf(address(pairOf(p1))) - poolBefore;
                uint256 bounty = wstETH.balanceOf(keeper) - keeperBefore;
                assertEq(pendingBefore - project(p1).pendingWstEth, poolGain + bounty, "pending -> pool + bounty");
            }
        }
        (bool inDeficit, uint256 held, uint256 required,) = machine.deficitStatus();
        assertFalse(inDeficit);
        assertGe(held, required);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {MockStETH} from "../../src/mocks/MockStETH.sol";
import {MockWstETH} from "../../src/mocks/MockWstETH.sol";
import {IStETH} from "../../src/interfaces/external/IStETH.sol";

/// @notice The mocks behave like Lido's contracts where TCM depends on it.
contract MocksTest is Test {
    MockStETH internal stETH;
    MockWstETH internal wstETH;
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function setUp() public {
        stETH = new MockStETH(address(0));
        wstETH = new MockWstETH(IStETH(address(stETH)));
        vm.deal(alice, 100 ether);
        vm.prank(alice);
        stETH.submit{value: 10 ether}(address(0));
        stETH.rebase(0.333333333333333333 ether); // an uneven share rate
    }

    function test_TransferMovesFloorSharesAndLosesAWeiOrTwo() public {
        uint256 amount = 1 ether;
        uint256 shares = stETH.getSharesByPooledEth(amount);
        assertEq(shares, amount * stETH.getTotalShares() / stETH.getTotalPooledEther());
        vm.prank(alice);
        stETH.transfer(bob, amount);
        assertEq(stETH.sharesOf(bob), shares);
        assertLe(stETH.balanceOf(bob), amount);
        assertGe(stETH.balanceOf(bob) + 2, amount);
    }

    function testFuzz_TransferRounding(uint256 amount, int256 rebase) public {
        stETH.rebase(bound(rebase, -1 ether, 5 ether));
        amount = bound(amount, 1, stETH.balanceOf(alice));
        vm.prank(alice);
        stETH.transfer(bob, amount);
        assertLe(stETH.balanceOf(bob), amount);
        assertGe(stETH.balanceOf(bob) + 2, amount);
    }

    function test_NegativeRebaseShrinksBalancesNotShares() public {
        uint256 shares = stETH.sharesOf(alice);
        uint256 before = stETH.balanceOf(alice);
        stETH.rebase(-int256(stETH.getTotalPooledEther() / 10));
        assertEq(stETH.sharesOf(alice), shares);
        assertLt(stETH.balanceOf(alice), before);
        int256 all = int256(stETH.getTotalPooledEther());
        vm.expectRevert(MockStETH.MockStETH_RebaseToZero.selector);
        stETH.rebase(-all);
    }

    function test_InfiniteAllowanceIsNotSpent() public {
        vm.prank(alice);
        stETH.approve(bob, type(uint256).max);
        vm.prank(bob);
        stETH.transferFrom(alice, bob, 1 ether);
        assertEq(stETH.allowance(alice, bob), type(uint256).max);
        vm.prank(alice);
        stETH.approve(bob, 1 ether);
        vm.prank(bob);
        stETH.transferFrom(alice, bob, 0.4 ether);
        assertEq(stETH.allowance(alice, bob), 0.6 ether);
        vm.expectRevert(bytes("ALLOWANCE_EXCEEDED"));
        vm.prank(bob);
        stETH.transferFrom(alice, bob, 1 ether);
    }

    function test_OnlyOracleRebasesWhenSet() public {
        MockStETH guarded = new MockStETH(address(this));
        vm.expectRevert(abi.encodeWithSelector(MockStETH.MockStETH_NotOracle.selector, alice));
        vm.prank(alice);
        guarded.rebase(1);
    }

    function test_WrapUnwrapLikeLido() public {
        vm.startPrank(alice);
        stETH.approve(address(wstETH), type(uint256).max);
        uint256 sharesBefore = stETH.sharesOf(alice);
        uint256 wst = wstETH.wrap(1 ether);
        assertEq(wst, stETH.getSharesByPooledEth(1 ether), "1 wstETH = 1 share");
        assertEq(sharesBefore - stETH.sharesOf(alice), wst);
        uint256 back = wstETH.unwrap(wst);
        assertEq(back, stETH.getPooledEthByShares(wst));
        vm.expectRevert(bytes("wstETH: can't wrap zero stETH"));
        wstETH.wrap(0);
        vm.stopPrank();
    }
}

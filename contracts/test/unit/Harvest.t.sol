// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Base.t.sol";
import {ITechnoCapitalMachine} from "../../src/interfaces/ITechnoCapitalMachine.sol";
import {IUniswapV2Pair} from "../../src/interfaces/external/IUniswapV2.sol";
import {UniswapV2Math} from "../../src/libraries/UniswapV2Math.sol";
import {HarvestReport, ProjectView} from "../../src/types/DataTypes.sol";

contract HarvestTest is Base {
    uint32 internal p1;
    uint32 internal p2;

    function setUp() public override {
        super.setUp();
        p1 = launch();
        p2 = launch();
        deposit(alice, 100 ether, two(p1, 7_500, p2));
        fund(keeper, 1 ether);
    }

    function reserves(uint32 id) internal view returns (uint256 wst, uint256 tok) {
        IUniswapV2Pair pair = pairOf(id);
        (uint112 r0, uint112 r1,) = pair.getReserves();
        (tok, wst) = project(id).tokenIsToken0 ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
    }

    function test_Harvest_FirstSeedsAtLaunchPrice() public {
        nextEpoch();
        rebaseBps(10);
        (uint256 pendingShares,) = machine.pendingYield(p1);
        uint256 keeperBefore = stETH.sharesOf(keeper);
        HarvestReport memory r = harvest(p1);
        assertEq(r.yieldShares, pendingShares, "all pending yield taken");
        assertEq(r.bountyShares, r.yieldShares * 50 / 10_000);
        assertEq(stETH.sharesOf(keeper) - keeperBefore, r.bountyShares, "bounty to the caller");
        assertEq(r.tokensBought, 0);
        assertEq(r.wstEthAdded, r.wstEthWrapped);
        (uint256 wst, uint256 tok) = reserves(p1);
        assertEq(wst, r.wstEthAdded);
        assertEq(tok, r.tokensSeeded);
        assertEq(tok, wst * 1e18 / 0.001 ether, "tokens for the launch price");
        assertApproxEqRel(wst * 1e18 / tok, 0.001 ether, 1e9);
        assertEq(r.liquidityMinted, UniswapV2Math.sqrt(wst * tok) - 1000);
        assertEq(pairOf(p1).balanceOf(address(machine)), r.liquidityMinted, "LP held by the machine");
        ProjectView memory v = project(p1);
        assertTrue(v.seeded);
        assertEq(v.emissionCap, v.maxSupply - r.tokensSeeded);
        assertEq(v.lastHarvestEpoch, machine.currentEpoch());
        (pendingShares,) = machine.pendingYield(p1);
        assertEq(pendingShares, 0);
    }

    function test_Harvest_SeedIgnoresDonationsToThePair() public {
        // Someone donates wstETH to the unseeded pair and syncs: the pool still opens at the launch price.
        fund(bob, 10 ether);
        vm.startPrank(bob);
        stETH.approve(address(wstETH), type(uint256).max);
        wstETH.wrap(1 ether);
        wstETH.transfer(address(pairOf(p1)), 0.5 ether);
        pairOf(p1).sync();
        wstETH.transfer(address(pairOf(p1)), 0.25 ether);
        vm.stopPrank();
        nextEpoch();
        rebaseBps(10);
        harvest(p1);
        (uint256 wst, uint256 tok) = reserves(p1);
        assertEq(tok, wst * 1e18 / 0.001 ether);
    }

    function test_Harvest_SteadyStateBuysAndAddsLiquidity() public {
        nextEpoch();
        rebaseBps(10);
        harvest(p1);
        nextEpoch();
        rebaseBps(10);
        (uint256 wstBefore, uint256 tokBefore) = reserves(p1);
        uint256 lpBefore = pairOf(p1).balanceOf(address(machine));
        HarvestReport memory r = harvest(p1);
        uint256 wstIn = r.wstEthWrapped + r.carryWstEthIn;
        assertLe(r.wstEthSwapped, wstIn / 2, "at most half");
        assertGt(r.wstEthSwapped, 0);
        assertEq(r.tokensBought, UniswapV2Math.getAmountOut(r.wstEthSwapped, wstBefore, tokBefore));
        // The buy lifts the price at most maxImpactBps above the TWAP.
        (uint256 wstMid, uint256 tokMid) = (wstBefore + r.wstEthSwapped, tokBefore - r.tokensBought);
        assertLe(wstMid * 1e18 / tokMid, r.twapPrice * (10_000 + machine.maxImpactBps()) / 10_000);
        assertEq(r.wstEthSwapped + r.wstEthAdded + r.carryWstEthOut, wstIn, "every wstETH accounted for");
        assertEq(r.tokensAdded + r.carryTokensOut, r.tokensBought + r.carryTokensIn, "every token accounted for");
        assertGt(r.liquidityMinted, 0);
        assertEq(pairOf(p1).balanceOf(address(machine)) - lpBefore, r.liquidityMinted);
        assertApproxEqAbs(r.twapPrice, r.spotPrice, 1, "no trades since the last harvest (UQ112x112 truncation)");
        ProjectView memory v = project(p1);
        assertEq(v.carryWstEth, r.carryWstEthOut);
        assertEq(v.carryTokens, r.carryTokensOut);
        assertEq(wstETH.balanceOf(address(machine)), v.carryWstEth + project(p2).carryWstEth);
        assertEq(tokenOf(p1).balanceOf(address(machine)), v.carryTokens);
    }

    function test_Harvest_YieldSplitsByAllocatedPrincipal() public {
        nextEpoch();
        rebaseBps(10);
        HarvestReport memory r1 = harvest(p1);
        HarvestReport memory r2 = harvest(p2);
        assertApproxEqRel(r1.yieldShares, 3 * r2.yieldShares, 1e9);
        (bool inDeficit, uint256 held, uint256 required,) = machine.deficitStatus();
        assertFalse(inDeficit);
        assertGe(held, required);
    }

    function test_RevertWhen_AlreadyHarvested() public {
        nextEpoch();
        rebaseBps(10);
        harvest(p1);
        rebaseBps(10);
        uint256 epoch = machine.currentEpoch();
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_AlreadyHarvested.selector, p1, epoch));
        harvest(p1);
    }

    function test_RevertWhen_NothingToHarvest() public {
        nextEpoch();
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NothingToHarvest.selector, p1, 0, 1e12));
        harvest(p1);
        assertFalse(machine.isHarvestReady(p1));
    }

    function test_RevertWhen_PriceDeviation() public {
        nextEpoch();
        rebaseBps(10);
        harvest(p1);
        nextEpoch();
        rebaseBps(10);
        (uint256 wst,) = reserves(p1);
        traderBuys(p1, wst / 10); // moves the spot ~20% above the day's TWAP
        vm.expectRevert();
        harvest(p1);
        assertTrue(machine.isHarvestReady(p1), "ready again once the price is back");
        vm.prank(keeper);
        try machine.harvest(p1, 0) {
            fail();
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), ITechnoCapitalMachine.TCM_PriceDeviation.selector);
            (uint256 spot, uint256 twap) = abi.decode(slice(reason), (uint256, uint256));
            assertGt(spot, twap * 10_200 / 10_000);
        }
    }

    function slice(bytes memory reason) internal pure returns (bytes memory out) {
        out = new bytes(reason.length - 4);
        for (uint256 i; i < out.length; ++i) out[i] = reason[i + 4];
    }

    function test_RevertWhen_InsufficientOutput() public {
        nextEpoch();
        rebaseBps(10);
        harvest(p1);
        nextEpoch();
        rebaseBps(10);
        vm.prank(keeper);
        vm.expectRevert();
        machine.harvest(p1, type(uint256).max);
    }

    function test_HarvestMany_SkipsWhatIsNotReady() public {
        nextEpoch();
        rebaseBps(10);
        harvest(p1);
        uint32[] memory list = new uint32[](3);
        list[0] = p1; // already harvested this epoch
        list[1] = p2;
        list[2] = 77; // unknown
        vm.prank(keeper);
        assertEq(machine.harvestMany(list, new uint256[](0)), 1);
        assertTrue(project(p2).seeded);
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_LengthMismatch.selector, 3, 1));
        vm.prank(keeper);
        machine.harvestMany(list, new uint256[](1));
    }

    function test_Harvest_DonatedStEthBecomesYield() public {
        nextEpoch();
        fund(bob, 2 ether);
        vm.prank(bob);
        stETH.transfer(address(machine), 1 ether);
        (uint256 s1,) = machine.pendingYield(p1);
        (uint256 s2,) = machine.pendingYield(p2);
        // The index has 2^32 resolution: at most totalPrincipal / 2^32 shares wait for the next checkpoint.
        uint256 donated = stETH.getSharesByPooledEth(1 ether);
        assertLe(s1 + s2, donated);
        assertApproxEqAbs(s1 + s2, donated, machine.totalPrincipal() / 2 ** 32 + 2);
    }
}

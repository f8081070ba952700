// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Base.t.sol";
import {Vm} from "forge-std/Vm.sol";
import {ITechnoCapitalMachine} from "../../src/interfaces/ITechnoCapitalMachine.sol";
import {IUniswapV2Pair} from "../../src/interfaces/external/IUniswapV2.sol";
import {UniswapV2Math} from "../../src/libraries/UniswapV2Math.sol";
import {DeployReport, HarvestReport, ProjectView} from "../../src/types/DataTypes.sol";

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

    function spotUQ(uint32 id) internal view returns (uint256) {
        (uint256 wst, uint256 tok) = reserves(id);
        return (wst << 112) / tok;
    }

    /// @dev Harvest of the next epoch with a 10 bps rebase before it; returns the step's report if one ran.
    function harvestNext(uint32 id) internal returns (HarvestReport memory r) {
        nextEpoch();
        rebaseBps(10);
        r = harvest(id);
    }

    function test_Harvest_CollectsAndOpensThePoolAtTheLaunchPrice() public {
        nextEpoch();
        rebaseBps(10);
        (uint256 pendingShares,) = machine.pendingYield(p1);
        uint256 keeperShares = stETH.sharesOf(keeper);
        vm.recordLogs();
        HarvestReport memory r = harvest(p1);
        assertEq(r.yieldShares, pendingShares, "all pending yield taken");
        assertEq(r.bountyShares, r.yieldShares * 50 / 10_000);
        assertEq(stETH.sharesOf(keeper) - keeperShares, r.bountyShares, "bounty to the caller");
        assertEq(r.pendingWstEth, r.wstEthWrapped, "pending before the step");
        // The harvest ran the opening step.
        (uint256 wst, uint256 tok) = reserves(p1);
        ProjectView memory v = project(p1);
        assertTrue(v.seeded);
        uint256 stepBounty = wstETH.balanceOf(keeper);
        assertEq(stepBounty, wst * 10 / 10_000, "step bounty: bps of what it deployed");
        assertLe(v.pendingWstEth, 1, "nothing pending after opening (rounding aside)");
        assertEq(wst + stepBounty + v.pendingWstEth, r.pendingWstEth, "every wstETH accounted for");
        assertEq(tok, wst * 1e18 / 0.001 ether, "tokens for the launch price");
        assertEq(pairOf(p1).balanceOf(address(machine)), UniswapV2Math.sqrt(wst * tok) - 1000, "LP held by the machine");
        assertEq(v.emissionCap, v.maxSupply - v.seedReserve, "the seed reserve is outside the schedule");
        assertEq(v.referencePrice, (wst << 112) / tok, "the machine trusts the price it opened at");
        assertEq(v.lastStepTime, block.timestamp);
        assertEq(v.lastHarvestEpoch, machine.currentEpoch());
        (pendingShares,) = machine.pendingYield(p1);
        assertEq(pendingShares, 0);
    }

    function test_Open_DonationsToThePairStillOpenAtTheLaunchPrice() public {
        // Someone donates wstETH to the unopened pair, syncs, and donates again: the pool still opens at the launch price.
        donate(p1, 0.01 ether, true);
        donate(p1, 0.005 ether, false);
        harvestNext(p1);
        (uint256 wst, uint256 tok) = reserves(p1);
        assertEq(tok, wst * 1e18 / 0.001 ether);
        assertGt(wst, 0.015 ether);
    }

    function test_Open_DonationsBeyondTheSeedReserveNeverTakeTheMachinesWstEth() public {
        // 100,000 tokens at 0.001 price 100 wstETH; a donor puts 150 in the pair (synced): the pool opens above the
        // launch price with the donor's wstETH only; the machine's wstETH stays pending and its reference at launch.
        donate(p1, 150 ether, true);
        HarvestReport memory r = harvestNext(p1);
        ProjectView memory v = project(p1);
        assertTrue(v.seeded);
        (uint256 wst, uint256 tok) = reserves(p1);
        assertEq(tok, v.seedReserve);
        assertEq(wst, 150 ether + 1, "one wei of the machine's, for the pair's first mint");
        assertEq(v.pendingWstEth, r.pendingWstEth - 1, "the rest waits");
        assertEq(v.referencePrice, (uint256(0.001 ether) << 112) / 1e18, "reference stays at the launch price");
        // Spot is above the reference: the next steps trade nothing.
        DeployReport memory d = step(p1);
        assertEq(d.wstEthSwapped + d.wstEthAdded, 0);
        assertEq(project(p1).pendingWstEth, v.pendingWstEth);
    }

    function donate(uint32 id, uint256 amount, bool sync) internal {
        fund(bob, amount * 2);
        vm.startPrank(bob);
        stETH.approve(address(wstETH), type(uint256).max);
        wstETH.wrap(stETH.getPooledEthByShares(amount) + 2);
        wstETH.transfer(address(pairOf(id)), amount);
        if (sync) pairOf(id).sync();
        vm.stopPrank();
    }

    function test_Deploy_BuysAtMostHalfWithinTheImpactBandAndAddsTheRest() public {
        harvestNext(p1);
        // A much larger second day: the step cannot deploy it all at once.
        nextEpoch();
        rebaseBps(100);
        vm.warp(block.timestamp + 1 hours);
        (uint256 wstBefore, uint256 tokBefore) = reserves(p1);
        uint256 spotBefore = spotUQ(p1);
        uint256 lpBefore = pairOf(p1).balanceOf(address(machine));
        uint256 keeperWst = wstETH.balanceOf(keeper);
        vm.recordLogs();
        HarvestReport memory h = harvest(p1);
        DeployReport memory d = lastDeployReport(p1);
        assertEq(d.pendingIn, h.pendingWstEth);
        assertLe(d.wstEthSwapped, d.pendingIn * 1000 / 1997, "about half: the share the add matches");
        assertGt(d.wstEthSwapped, 0);
        assertEq(d.tokensBought, UniswapV2Math.getAmountOut(d.wstEthSwapped, wstBefore, tokBefore));
        (uint256 wstMid, uint256 tokMid) = (wstBefore + d.wstEthSwapped, tokBefore - d.tokensBought);
        assertLe((wstMid << 112) / tokMid, spotBefore * (10_000 + machine.maxImpactBps()) / 10_000, "impact band");
        assertGt((wstMid << 112) / tokMid, spotBefore * (10_000 + machine.maxImpactBps() - 5) / 10_000, "band used");
        assertEq(d.wstEthSwapped + d.wstEthAdded + d.bounty + d.pendingOut, d.pendingIn, "every wstETH accounted for");
        assertEq(d.tokensAdded + d.carryTokensOut, d.tokensBought + d.carryTokensIn, "every token accounted for");
        assertEq(d.bounty, (d.wstEthSwapped + d.wstEthAdded) * 10 / 10_000);
        assertEq(d.carryTokensOut, 0, "every bought token added");
        assertEq(wstETH.balanceOf(keeper) - keeperWst, d.bounty);
        assertEq(pairOf(p1).balanceOf(address(machine)) - lpBefore, d.liquidityMinted);
        assertGt(d.pendingOut, 0, "the rest waits for the next steps");
        ProjectView memory v = project(p1);
        assertEq(v.pendingWstEth, d.pendingOut);
        assertEq(v.referencePrice, spotUQ(p1), "reference follows the machine's own trade");
        assertEq(wstETH.balanceOf(address(machine)), v.pendingWstEth + project(p2).pendingWstEth);
        assertEq(tokenOf(p1).balanceOf(address(machine)), v.carryTokens);
        // Later steps deploy the rest.
        uint256 steps = deployAll(p1, 500);
        assertLt(project(p1).pendingWstEth, machine.MIN_DEPLOY());
        assertGt(steps, 1);
    }

    function lastDeployReport(uint32 id) internal returns (DeployReport memory d) {
        bytes32 topic = ITechnoCapitalMachine.Deployed.selector;
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = logs.length; i > 0; --i) {
            if (logs[i - 1].topics[0] == topic && uint256(logs[i - 1].topics[1]) == id) {
                return abi.decode(logs[i - 1].data, (DeployReport));
            }
        }
        revert("no Deployed event");
    }

    function test_RevertWhen_DeployNotDueOrNothingPending() public {
        harvestNext(p1);
        uint256 dust = project(p1).pendingWstEth;
        assertLt(dust, 1e9);
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NothingToDeploy.selector, p1, dust, 1e9));
        vm.prank(keeper);
        machine.deploy(p1);
        nextEpoch();
        rebaseBps(100);
        harvest(p1);
        uint256 readyAt = block.timestamp + machine.stepInterval();
        assertEq(machine.nextDeployTime(p1), readyAt);
        assertFalse(machine.isDeployReady(p1));
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_StepNotDue.selector, p1, readyAt));
        vm.prank(keeper);
        machine.deploy(p1);
        vm.warp(readyAt);
        assertTrue(machine.isDeployReady(p1));
    }

    function test_Deploy_ALiftPastTheBandTradesNothing() public {
        harvestNext(p1);
        nextEpoch();
        rebaseBps(100);
        harvest(p1);
        uint256 pending = project(p1).pendingWstEth;
        uint256 reference_ = project(p1).referencePrice;
        (uint256 wst,) = reserves(p1);
        traderBuys(p1, wst / 100); // ~2% lift: past the 0.5% band
        assertGt(spotUQ(p1), reference_ * (10_000 + machine.maxImpactBps()) / 10_000);
        DeployReport memory d = step(p1);
        assertEq(d.wstEthSwapped + d.wstEthAdded + d.bounty + d.liquidityMinted, 0);
        assertGt(d.spotPrice, d.referencePrice);
        assertEq(project(p1).pendingWstEth, pending, "waits");
        assertEq(project(p1).lastStepTime, block.timestamp, "the step counts");
    }

    function test_Deploy_ADustLiftCannotStallTheMachine() public {
        harvestNext(p1);
        nextEpoch();
        rebaseBps(100);
        harvest(p1);
        uint256 reference_ = project(p1).referencePrice;
        traderBuys(p1, 1e9); // a dust lift above the reference
        assertGt(spotUQ(p1), reference_);
        DeployReport memory d = step(p1);
        assertGt(d.wstEthSwapped, 0, "still trades");
        // ...but never above the machine's own path: the band is anchored at the reference, not at the lifted spot.
        assertLe(spotUQ(p1), reference_ * (10_000 + machine.maxImpactBps()) / 10_000);
    }

    function test_Deploy_SyncsTokensGivenToThePair() public {
        harvestNext(p1);
        nextEpoch();
        rebaseBps(100);
        harvest(p1);
        vm.prank(alice);
        machine.claim(ids(p1), alice);
        uint256 gift = tokenOf(p1).balanceOf(alice) / 10;
        address pair = address(pairOf(p1));
        ProjectTokenLike token = ProjectTokenLike(address(tokenOf(p1)));
        vm.prank(alice);
        token.transfer(pair, gift); // not synced
        DeployReport memory d = step(p1);
        assertGt(d.liquidityMinted, 0, "the add is priced on the synced reserves");
        (, uint256 tok) = reserves(p1);
        assertEq(tokenOf(p1).balanceOf(address(pairOf(p1))), tok, "nothing left unsynced");
    }

    function test_Deploy_SpotBelowTheReferenceBuysCheaperAndLowersIt() public {
        harvestNext(p1);
        nextEpoch();
        rebaseBps(100);
        harvest(p1);
        // Alice sells some of her rewards.
        vm.warp(block.timestamp + 1 days);
        vm.prank(alice);
        machine.claim(ids(p1), alice);
        traderSells(alice, p1, tokenOf(p1).balanceOf(alice) / 2);
        uint256 spot = spotUQ(p1);
        assertLt(spot, project(p1).referencePrice);
        DeployReport memory d = step(p1);
        assertGt(d.wstEthSwapped, 0);
        assertLe(spotUQ(p1), spot * (10_000 + machine.maxImpactBps()) / 10_000);
        assertEq(project(p1).referencePrice, spotUQ(p1));
    }

    function test_Deploy_FollowsAPriceOnlyOnceItHeldForAWholeWindow() public {
        harvestNext(p1);
        nextEpoch();
        rebaseBps(100);
        harvest(p1);
        uint256 before = project(p1).referencePrice;
        // The lift comes an hour into the window that the harvest's step started.
        vm.warp(block.timestamp + 1 hours);
        traderBuys(p1, 0.001 ether);
        uint256 window = machine.followWindow();
        uint256 windowEnd = project(p1).observationTime + window;
        // Steps inside the window: nothing trades and the window is kept.
        while (block.timestamp + machine.stepInterval() < windowEnd) {
            DeployReport memory d = step(p1);
            assertEq(d.wstEthSwapped, 0, "no trade before a whole window");
            assertEq(project(p1).referencePrice, before);
        }
        // A whole window: the machine trusts what held on average over it (the hour at the old price keeps the
        // average below spot) and trades up to one band above that.
        vm.warp(windowEnd);
        DeployReport memory e = step(p1);
        assertGt(e.wstEthSwapped, 0, "followed as far as the price held on average");
        assertLt(e.referencePrice, e.spotPrice, "the window's average, not spot");
        assertGt(e.referencePrice, before * 1e18 >> 112, "above the old reference");
    }

    function test_DeployMany_SkipsWhatIsNotDue() public {
        harvestNext(p1);
        nextEpoch();
        rebaseBps(100);
        harvest(p1); // p1: step just ran; p2: never harvested, nothing pending
        uint32[] memory list = new uint32[](3);
        list[0] = p1;
        list[1] = p2;
        list[2] = 77;
        vm.prank(keeper);
        assertEq(machine.deployMany(list), 0);
        vm.warp(block.timestamp + machine.stepInterval());
        vm.prank(keeper);
        assertEq(machine.deployMany(list), 1);
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
        harvestNext(p1);
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

    function test_RevertWhen_Paused() public {
        nextEpoch();
        rebaseBps(10);
        vm.prank(guardian);
        machine.setPaused(false, true);
        vm.expectRevert(ITechnoCapitalMachine.TCM_HarvestsPaused.selector);
        harvest(p1);
        vm.expectRevert(ITechnoCapitalMachine.TCM_HarvestsPaused.selector);
        machine.deploy(p1);
        assertFalse(machine.isDeployReady(p1));
    }

    function test_HarvestMany_SkipsWhatIsNotReady() public {
        harvestNext(p1);
        uint32[] memory list = new uint32[](3);
        list[0] = p1; // already harvested this epoch
        list[1] = p2;
        list[2] = 77; // unknown
        vm.prank(keeper);
        assertEq(machine.harvestMany(list), 1);
        assertTrue(project(p2).seeded, "harvestMany runs the due step too");
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

interface ProjectTokenLike {
    function transfer(address to, uint256 amount) external returns (bool);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Base.t.sol";
import {ITechnoCapitalMachine} from "../../src/interfaces/ITechnoCapitalMachine.sol";
import {TechnoCapitalMachine} from "../../src/TechnoCapitalMachine.sol";
import {TokenDeployer} from "../../src/TokenDeployer.sol";
import {IStETH} from "../../src/interfaces/external/IStETH.sol";
import {IWstETH} from "../../src/interfaces/external/IWstETH.sol";
import {IUniswapV2Factory, IUniswapV2Pair} from "../../src/interfaces/external/IUniswapV2.sol";
import {HarvestReport, ProjectView} from "../../src/types/DataTypes.sol";

/// @notice refreshObservation, the minimum TWAP window, the caller's minimum output, and the constructor's checks.
contract ObservationTest is Base {
    uint32 internal id;

    function setUp() public override {
        super.setUp();
        id = launch();
        deposit(alice, 100 ether, one(id));
        fund(keeper, 1 ether);
        nextEpoch();
        rebaseBps(10);
        harvest(id);
    }

    function test_RevertWhen_RefreshObservationFresh() public {
        vm.warp(block.timestamp + 1 hours);
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_ObservationFresh.selector, id, 1 hours));
        machine.refreshObservation(id);
        uint32 unseeded = launch();
        vm.warp(block.timestamp + 3 days);
        vm.expectRevert();
        machine.refreshObservation(unseeded);
    }

    function test_RefreshObservation_RestartsTheWindowAfterALastingMove() public {
        // A trader moves the price for good: the TWAP since the last harvest lags and the guard trips.
        nextEpoch();
        rebaseBps(10);
        IUniswapV2Pair pair = pairOf(id);
        (uint112 r0, uint112 r1,) = pair.getReserves();
        traderBuys(id, (project(id).tokenIsToken0 ? r1 : r0) / 5);
        vm.warp(block.timestamp + 2 hours);
        vm.expectRevert();
        harvest(id);
        // Anyone restarts the stale window; a harvest within MIN_TWAP_WINDOW is still refused...
        vm.expectEmit(true, false, false, false, address(machine));
        emit ITechnoCapitalMachine.ObservationRefreshed(id, 0, 0);
        machine.refreshObservation(id);
        ProjectView memory v = project(id);
        assertEq(v.observationTime, block.timestamp);
        vm.warp(block.timestamp + 30 minutes);
        vm.expectRevert();
        harvest(id);
        // ...and goes through once the new window is long enough.
        vm.warp(block.timestamp + 31 minutes);
        HarvestReport memory r = harvest(id);
        assertGt(r.liquidityMinted, 0);
        assertApproxEqRel(r.spotPrice, r.twapPrice, 0.001e18);
    }

    function test_RevertWhen_OutputBelowCallerMinimum() public {
        nextEpoch();
        rebaseBps(10);
        // The exact output is known before anything moves: ask for one more token than the harvest will buy.
        uint256 snap = vm.snapshotState();
        HarvestReport memory r = harvest(id);
        vm.revertToState(snap);
        vm.expectRevert(
            abi.encodeWithSelector(ITechnoCapitalMachine.TCM_InsufficientOutput.selector, r.tokensBought, r.tokensBought + 1)
        );
        vm.prank(keeper);
        machine.harvest(id, r.tokensBought + 1);
        vm.prank(keeper);
        HarvestReport memory ok = machine.harvest(id, r.tokensBought);
        assertEq(ok.tokensBought, r.tokensBought);
    }

    function test_RevertWhen_ConstructorConfigInvalid() public {
        TechnoCapitalMachine.Config memory c = machineConfig();
        c.stETH = IStETH(address(0));
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_InvalidConfig.selector, 0));
        new TechnoCapitalMachine(c);
        c = machineConfig();
        c.bountyBps = 1_001;
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_InvalidConfig.selector, 5));
        new TechnoCapitalMachine(c);
        c = machineConfig();
        c.maxBounty = 1_001 ether;
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_InvalidConfig.selector, 6));
        new TechnoCapitalMachine(c);
        c = machineConfig();
        c.maxDeviationBps = 0;
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_InvalidConfig.selector, 7));
        new TechnoCapitalMachine(c);
        c = machineConfig();
        c.minHarvestValue = 1;
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_InvalidConfig.selector, 8));
        new TechnoCapitalMachine(c);
        c = machineConfig();
        c.maxImpactBps = 0;
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_InvalidConfig.selector, 9));
        new TechnoCapitalMachine(c);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Base.t.sol";
import {ITechnoCapitalMachine} from "../../src/interfaces/ITechnoCapitalMachine.sol";
import {TechnoCapitalMachine} from "../../src/TechnoCapitalMachine.sol";
import {IStETH} from "../../src/interfaces/external/IStETH.sol";
import {IUniswapV2Factory} from "../../src/interfaces/external/IUniswapV2.sol";

/// @notice The constructor's checks: every out-of-bounds parameter is refused with its index.
contract ConfigTest is Base {
    function expectInvalid(TechnoCapitalMachine.Config memory c, uint256 parameter) internal {
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_InvalidConfig.selector, parameter));
        new TechnoCapitalMachine(c);
    }

    function test_RevertWhen_ConstructorConfigInvalid() public {
        TechnoCapitalMachine.Config memory c = machineConfig();
        c.stETH = IStETH(address(0));
        expectInvalid(c, 0);
        c = machineConfig();
        c.factory = IUniswapV2Factory(address(0));
        expectInvalid(c, 2);
        c = machineConfig();
        c.bountyBps = 1_001;
        expectInvalid(c, 5);
        c = machineConfig();
        c.maxBounty = 1_001 ether;
        expectInvalid(c, 6);
        c = machineConfig();
        c.minHarvestValue = 1;
        expectInvalid(c, 8);
        c = machineConfig();
        c.maxImpactBps = 0;
        expectInvalid(c, 9);
        c.maxImpactBps = 60; // one round trip of pool fees: a sandwich would pay
        expectInvalid(c, 9);
        c = machineConfig();
        c.stepInterval = 59;
        expectInvalid(c, 10);
        c.stepInterval = EPOCH + 1;
        expectInvalid(c, 10);
        c = machineConfig();
        c.followWindow = EPOCH - 1;
        expectInvalid(c, 11);
        c.followWindow = 30 * EPOCH + 1;
        expectInvalid(c, 11);
        c = machineConfig();
        c.stepBountyBps = 101;
        expectInvalid(c, 12);
        c = machineConfig();
        c.maxStepBounty = 10 ether + 1;
        expectInvalid(c, 13);
    }

    function test_Constructor_AcceptsTheBounds() public {
        TechnoCapitalMachine.Config memory c = machineConfig();
        c.maxImpactBps = 59;
        c.stepInterval = 60;
        c.followWindow = EPOCH;
        c.stepBountyBps = 100;
        c.maxStepBounty = 10 ether;
        TechnoCapitalMachine m = new TechnoCapitalMachine(c);
        assertEq(m.maxImpactBps(), 59);
        assertEq(m.stepInterval(), 60);
        assertEq(m.followWindow(), EPOCH);
        assertEq(m.stepBountyBps(), 100);
        assertEq(m.maxStepBounty(), 10 ether);
    }

    function test_DevnetFeeToSetterIsNotTheGuardian() public view {
        address setter = IUniswapV2FactoryFees(factory).feeToSetter();
        assertTrue(setter != guardian && setter != address(machine) && setter != address(0));
        assertEq(IUniswapV2FactoryFees(factory).feeTo(), address(0), "protocol fee off");
    }
}

interface IUniswapV2FactoryFees {
    function feeTo() external view returns (address);
    function feeToSetter() external view returns (address);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {Base} from "../utils/Base.t.sol";
import {Handler} from "./Handler.sol";
import {ProjectToken} from "../../src/ProjectToken.sol";
import {IUniswapV2Pair} from "../../src/interfaces/external/IUniswapV2.sol";
import {LaunchParams, ProjectView, PositionEntryView} from "../../src/types/DataTypes.sol";

/// @notice DESIGN.md §2.5 invariants after every call of random sequences (see Handler).
contract InvariantsTest is StdInvariant, Base {
    Handler internal handler;
    uint32[] internal projectIds;

    function setUp() public override {
        super.setUp();
        projectIds.push(launch());
        LaunchParams memory p = defaultParams();
        p.decayBps = 5_000; // steep decay: the schedule ends early
        p.maxSupply = 3_000 ether; // and the cap binds
        p.dailyEmission = 1_000 ether;
        p.launchPrice = 1e6; // a day of yield is worth far more than the seed reserve: the capped opening
        p.seedReserve = 1_000 ether;
        projectIds.push(launch(p));
        p = defaultParams();
        p.decayBps = 0;
        p.contributorBps = 0;
        projectIds.push(launch(p));
        handler = new Handler(machine, stETH, wstETH, router, projectIds);
        targetContract(address(handler));
    }

    /// @notice Without a negative rebase the machine never declares a deficit, and it always holds the shares every
    /// principal and every project's pending yield need.
    function checkSolventOutsideDeficit() internal view {
        (bool inDeficit, uint256 held,,) = machine.deficitStatus();
        if (handler.ghostNegativeRebases() == 0) assertFalse(inDeficit, "deficit without a negative rebase");
        if (inDeficit) return;
        uint256 owedToProjects;
        for (uint256 i; i < projectIds.length; ++i) {
            (uint256 shares,) = machine.pendingYield(projectIds[i]);
            owedToProjects += shares;
        }
        uint256 principalShares;
        for (uint256 i; i < handler.actorCount(); ++i) {
            (uint256 principal,) = machine.positionOf(handler.actors(i));
            principalShares += stETH.getSharesByPooledEth(principal);
        }
        assertGe(held, principalShares + owedToProjects, "insolvent");
    }

    function checkAllocatedPrincipalSumsToTotal() internal view {
        uint256 allocated;
        for (uint256 i; i < projectIds.length; ++i) allocated += machine.getProject(projectIds[i]).allocatedPrincipal;
        uint256 positions;
        for (uint256 i; i < handler.actorCount(); ++i) {
            (uint256 principal, PositionEntryView[] memory entries) = machine.positionOf(handler.actors(i));
            uint256 parts;
            for (uint256 j; j < entries.length; ++j) parts += entries[j].principal;
            assertEq(parts, principal, "parts sum to the position's principal");
            positions += principal;
        }
        assertEq(allocated, machine.totalPrincipal(), "projects");
        assertEq(positions, machine.totalPrincipal(), "positions");
    }

    /// @notice minted + claimable <= emission schedule + seed reserve <= maxSupply.
    function checkMintedWithinScheduleAndCap() internal view {
        for (uint256 i; i < projectIds.length; ++i) {
            ProjectView memory v = machine.getProject(projectIds[i]);
            uint256 seeded = v.seeded ? v.seedReserve : 0;
            uint256 scheduled = machine.emittedUpTo(projectIds[i], block.timestamp);
            assertEq(v.emissionCap + v.seedReserve, v.maxSupply, "the seed reserve is outside the schedule");
            assertLe(scheduled + seeded, v.maxSupply, "schedule within the cap");
            uint256 claimable;
            for (uint256 j; j < handler.actorCount(); ++j) {
                claimable += machine.pendingRewards(handler.actors(j), projectIds[i]);
            }
            uint256 supply = ProjectToken(v.token).totalSupply();
            assertLe(supply + claimable + v.contributorOwed, scheduled + seeded, "minted + claimable within schedule");
        }
    }

    function checkLiquidityNeverLeaves() internal view {
        assertFalse(handler.ghostLpDecreased(), "LP held by the machine decreased");
        for (uint256 i; i < projectIds.length; ++i) {
            ProjectView memory v = machine.getProject(projectIds[i]);
            assertEq(IUniswapV2Pair(v.pair).balanceOf(address(machine)), v.totalLiquidity);
        }
    }

    function checkNobodyWithdrawsMoreThanPrincipal() internal view {
        for (uint256 i; i < handler.actorCount(); ++i) {
            address actor = handler.actors(i);
            assertLe(handler.ghostWithdrawn(actor), handler.ghostDeposited(actor));
        }
    }

    /// @notice Every wstETH the machine holds is some project's pending wstETH, every token it holds is carried.
    function checkPendingIsHeld() internal view {
        uint256 pending;
        for (uint256 i; i < projectIds.length; ++i) {
            ProjectView memory v = machine.getProject(projectIds[i]);
            pending += v.pendingWstEth;
            assertEq(ProjectToken(v.token).balanceOf(address(machine)), v.carryTokens, "carried tokens held");
        }
        assertEq(wstETH.balanceOf(address(machine)), pending, "pending wstETH held");
    }

    /// @notice The machine's own trades never lift the price more than maxImpactBps in one step (see Handler.deploy).
    function checkStepsWithinTheBand() internal view {
        assertFalse(handler.ghostStepAboveBand(), "a step lifted the price beyond its band");
    }

    /// @dev One campaign checks every invariant after every call (a campaign per invariant would multiply the time).
    function invariant_DesignSection2_5() public view {
        checkSolventOutsideDeficit();
        checkAllocatedPrincipalSumsToTotal();
        checkMintedWithinScheduleAndCap();
        checkLiquidityNeverLeaves();
        checkNobodyWithdrawsMoreThanPrincipal();
        checkPendingIsHeld();
        checkStepsWithinTheBand();
    }

}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {Base} from "../utils/Base.t.sol";
import {Handler} from "./Handler.sol";
import {MachineStorage} from "./MachineStorage.sol";
import {LaunchParams, ProjectView, PositionEntryView} from "../../src/types/DataTypes.sol";

/// @notice DESIGN.md §2.5 (and the §2.1 / §2.4 rules it rests on), one `invariant_*` per property, so that a failure
///         names the property. Each invariant is its own campaign of random call sequences through `Handler`, which
///         covers every external state-changing function of the machine and the world around it (rebases both
///         ways, time, traders, donations, pool manipulation). Calls per campaign: runs × depth (foundry.toml).
contract InvariantsTest is StdInvariant, Base {
    Handler internal handler;
    uint256 internal constant FAR_FUTURE = 100 * 365 days;

    function setUp() public override {
        super.setUp();
        uint32[] memory projectIds = new uint32[](3);
        projectIds[0] = launch();
        LaunchParams memory p = defaultParams();
        p.decayBps = 5_000; // steep decay: the schedule ends early
        p.maxSupply = 3_000 ether; // and the cap binds
        p.dailyEmission = 1_000 ether;
        p.launchPrice = 1e6; // a day of yield is worth far more than the seed reserve: the capped opening
        p.seedReserve = 1_000 ether;
        projectIds[1] = launch(p);
        p = defaultParams();
        p.decayBps = 0;
        p.contributorBps = 0;
        projectIds[2] = launch(p);
        handler = new Handler(machine, stETH, wstETH, router, projectIds, developer, contributor, guardian);
        targetContract(address(handler));
    }

    // ------------------------------------------------------------------ §2.5 invariants

    /// @notice Solvency: outside a declared deficit the machine holds the shares every principal (rounded up) and
    ///         all yield assigned to projects need; it declares a deficit exactly when it does not, and never
    ///         without a negative rebase. Principal is the handler's own count (deposits − withdrawals).
    function invariant_Solvency() public view {
        (bool inDeficit, uint256 held,,) = machine.deficitStatus();
        assertEq(held, stETH.sharesOf(address(machine)), "solvency: shares held");
        uint256 principalShares =
            _mulDivUp(handler.ghostTotalPrincipal(), stETH.getTotalShares(), stETH.getTotalPooledEther());
        uint256 assigned = _ceilShares(machine.assignedYieldScaled());
        bool short = held < principalShares + assigned;
        assertEq(
            inDeficit, short, "solvency: a deficit is declared exactly when principal + assigned yield exceed held"
        );
        if (handler.ghostNegativeRebases() == 0) {
            assertFalse(inDeficit, "solvency: a deficit without a negative rebase");
        }
    }

    /// @notice Σ allocated principal = total principal: over projects, over positions, and within each position
    ///         (its parts sum to its principal); each project's allocation is the sum of the positions' parts in it.
    function invariant_AllocatedPrincipalEqualsTotalPrincipal() public view {
        uint256 total = machine.totalPrincipal();
        assertEq(total, handler.ghostTotalPrincipal(), "total principal = principal deposited - principal withdrawn");
        uint256 n = handler.projectCount();
        uint256[] memory parts = new uint256[](n + 1); // by project id (ids are 1..n)
        uint256 positions;
        for (uint256 i; i < handler.actorCount(); ++i) {
            (uint256 principal, PositionEntryView[] memory entries) = machine.positionOf(handler.actors(i));
            uint256 sum;
            for (uint256 j; j < entries.length; ++j) {
                sum += entries[j].principal;
                parts[entries[j].projectId] += entries[j].principal;
            }
            assertEq(sum, principal, "a position's parts sum to its principal");
            positions += principal;
        }
        assertEq(positions, total, "sum of positions' principal = total principal");
        uint256 allocated;
        for (uint256 i; i < n; ++i) {
            uint32 id = handler.projects(i);
            (uint256 projectAllocated,) = MachineStorage.allocation(address(machine), id);
            assertEq(projectAllocated, parts[id], "a project's allocated principal = sum of the positions' parts in it");
            allocated += projectAllocated;
        }
        assertEq(allocated, total, "sum of allocated principal = total principal");
    }

    /// @notice Minted ≤ emission schedule: tokens minted by claims (depositors' and contributors') never exceed
    ///         what the schedule has emitted so far; the only other mint is the pool's opening, from the seed
    ///         reserve, once the project is seeded; the supply stays within maxSupply.
    function invariant_MintedWithinSchedule() public view {
        for (uint256 i; i < handler.projectCount(); ++i) {
            uint32 id = handler.projects(i);
            Handler.Project memory p = handler.info(id);
            uint256 supply = p.token.totalSupply();
            uint256 claimed = handler.ghostDepositorMinted(id) + handler.ghostContributorMinted(id);
            assertLe(claimed, machine.emittedUpTo(id, block.timestamp), "minted by claims <= emission schedule");
            assertGe(supply, claimed, "every claimed token is in the supply");
            uint256 seeding = MachineStorage.seeded(address(machine), id) ? p.seedReserve : 0;
            assertLe(supply - claimed, seeding, "tokens beyond claims come only from the seed reserve, once seeded");
            assertLe(supply, p.maxSupply, "supply <= maxSupply");
        }
    }

    /// @notice Emission schedule ≤ maxSupply: the schedule never passes the emission cap (maxSupply − seed reserve),
    ///         now or ever, and never decreases.
    function invariant_ScheduleWithinCap() public view {
        for (uint256 i; i < handler.projectCount(); ++i) {
            uint32 id = handler.projects(i);
            Handler.Project memory p = handler.info(id);
            uint256 now_ = machine.emittedUpTo(id, block.timestamp);
            uint256 ever = machine.emittedUpTo(id, block.timestamp + FAR_FUTURE);
            assertLe(machine.emittedUpTo(id, block.timestamp - 1), now_, "the schedule never decreases");
            assertLe(now_, ever, "the schedule never decreases");
            assertLe(ever, p.emissionCap, "schedule <= emission cap");
            assertEq(p.emissionCap + p.seedReserve, p.maxSupply, "emission cap + seed reserve = maxSupply");
        }
    }

    /// @notice Σ claimable rewards ≤ emitted: what depositors can still claim plus what they and the contributors
    ///         already claimed, plus the contributors' unclaimed share, never exceeds the schedule so far.
    function invariant_ClaimableWithinEmitted() public view {
        uint256 n = handler.projectCount();
        uint256[] memory claimable = new uint256[](n + 1); // by project id
        for (uint256 i; i < handler.actorCount(); ++i) {
            (, PositionEntryView[] memory entries) = machine.positionOf(handler.actors(i));
            for (uint256 j; j < entries.length; ++j) {
                claimable[entries[j].projectId] += entries[j].pendingRewards;
            }
        }
        for (uint256 i; i < n; ++i) {
            uint32 id = handler.projects(i);
            uint256 owed = claimable[id] + handler.ghostDepositorMinted(id)
                + MachineStorage.contributorOwed(address(machine), id) + handler.ghostContributorMinted(id);
            assertLe(owed, machine.emittedUpTo(id, block.timestamp), "claimable + claimed <= emitted");
        }
    }

    /// @notice LP held by the machine never decreases: after every call it is exactly what the machine minted (a
    ///         running total that only grows) plus what others gave it, and the handler's high-water mark, taken
    ///         after every harvest, step, sandwich and LP donation, was never undercut.
    function invariant_LiquidityNeverDecreases() public view {
        assertFalse(handler.lpDecreased(), handler.firstViolation());
        for (uint256 i; i < handler.projectCount(); ++i) {
            uint32 id = handler.projects(i);
            uint256 lp = handler.info(id).pair.balanceOf(address(machine));
            assertEq(
                lp,
                MachineStorage.totalLiquidity(address(machine), id) + handler.ghostLpDonated(id),
                "LP held = LP minted by the machine + LP donated"
            );
        }
    }

    /// @notice No position withdraws more than its principal: each withdrawal pays at most the principal it closes
    ///         (a request above the principal is refused), so no account ever takes out more than it put in.
    function invariant_NoWithdrawalAbovePrincipal() public view {
        assertFalse(handler.paidAbovePrincipal(), handler.firstViolation());
        for (uint256 i; i < handler.actorCount(); ++i) {
            address actor = handler.actors(i);
            assertLe(handler.ghostPaidOut(actor), handler.ghostPrincipalIn(actor), "paid out <= principal put in");
        }
    }

    /// @notice Withdraw and claim can never be paused or blocked (by a pause, a deficit, the AMM or the keeper).
    function invariant_WithdrawAndClaimNeverBlocked() public view {
        assertFalse(handler.withdrawOrClaimBlocked(), handler.firstViolation());
    }

    /// @notice Deficit (§2.1): deposits and top-ups are refused while in deficit, and a withdrawal then pays at most
    ///         its pro-rata share of the value held for principal.
    function invariant_DeficitSharedProRata() public view {
        assertFalse(handler.depositAcceptedInDeficit(), handler.firstViolation());
        assertFalse(handler.deficitPaidAboveProRata(), handler.firstViolation());
    }

    /// @notice Yield is neither created nor lost (§2.1): the yield assigned in total equals, exactly, the sum of the
    ///         projects' pending yield (allocated principal × index − yield debt, mod 2^128).
    function invariant_AssignedYieldEqualsProjectsPendingYield() public view {
        uint256 accYield = machine.accYieldIndex();
        uint256 sum;
        for (uint256 i; i < handler.projectCount(); ++i) {
            (uint256 allocated, uint256 yieldDebt) = MachineStorage.allocation(address(machine), handler.projects(i));
            unchecked {
                sum += uint128(allocated * accYield - yieldDebt);
            }
        }
        assertEq(sum, machine.assignedYieldScaled(), "assigned yield = sum of the projects' pending yield");
    }

    /// @notice Every wstETH the machine holds is some project's pending wstETH, and every project token it holds is
    ///         that project's carried tokens (§2.4: no yield is stranded or unaccounted).
    function invariant_PendingWstEthAndCarriedTokensHeld() public view {
        uint256 pending;
        for (uint256 i; i < handler.projectCount(); ++i) {
            uint32 id = handler.projects(i);
            (uint256 projectPending, uint256 carried) = MachineStorage.pending(address(machine), id);
            pending += projectPending;
            assertEq(handler.info(id).token.balanceOf(address(machine)), carried, "carried tokens held");
        }
        assertEq(wstETH.balanceOf(address(machine)), pending, "wstETH held = sum of pending wstETH");
    }

    /// @notice A deploy step's own trade lifts the price at most maxImpactBps above spot (§2.4).
    function invariant_DeployStepWithinImpactBand() public view {
        assertFalse(handler.stepAboveBand(), handler.firstViolation());
    }

    /// @notice Buying before a deploy step (same block, or held up to a day) and selling after never pays (§2.4).
    function invariant_SandwichAroundStepNeverProfits() public view {
        assertFalse(handler.sandwichProfited(), handler.firstViolation());
    }

    // ------------------------------------------------------------------ the handler reaches every path

    /// @notice A fixed sequence through the handler reaches what the campaigns rely on (launches up to the limit,
    ///         permit deposits, top-ups, harvests that open pools, steps, claims, LP donations, sandwiches, pauses,
    ///         a deficit with its refused deposit and pro-rata withdrawal), and every invariant holds along the way:
    ///         a handler that silently returned early everywhere would fail here rather than pass the campaigns.
    function test_Handler_ReachesEveryPath() public {
        handler.deposit(0, 100 ether, 0x7, false); // all three projects
        handler.deposit(1, 50 ether, 0x2, true); // with a permit
        handler.deposit(0, 10 ether, 0, false); // a top-up
        handler.launchProject(0x3, 1e15, 1_000_000 ether, 1_000 ether);
        handler.launchProject(0x10000, 1e16, 10_000 ether, 100 ether);
        assertEq(handler.projectCount(), handler.MAX_PROJECTS(), "launches up to the limit");
        handler.launchProject(0, 0, 0, 0); // beyond the limit: nothing
        assertEq(handler.projectCount(), handler.MAX_PROJECTS());
        handler.deposit(2, 20 ether, 0x18, false); // the launched projects
        checkAll();

        handler.warp(1 days);
        handler.rebase(10);
        handler.donateStEth(1 ether);
        handler.harvestMany(0x1f);
        uint256 opened;
        for (uint256 i; i < handler.projectCount(); ++i) {
            if (MachineStorage.seeded(address(machine), handler.projects(i))) ++opened;
        }
        assertEq(opened, handler.MAX_PROJECTS(), "every pool opened by its first harvest");
        uint32 first = handler.projects(0);
        uint256 lp = MachineStorage.totalLiquidity(address(machine), first);
        handler.warp(1 days);
        handler.rebase(10);
        handler.harvest(0); // a day of yield into an open pool: it runs a step
        handler.harvestMany(0x1f);
        handler.warp(1 hours);
        handler.deployMany(0x1f);
        handler.warp(1 hours);
        handler.deploy(0);
        assertGt(MachineStorage.totalLiquidity(address(machine), first), lp, "steps add liquidity");
        checkAll();

        handler.trade(0, 0.01 ether, true);
        assertGt(handler.info(first).token.balanceOf(handler.ATTACKER()), 0, "the attacker bought tokens");
        handler.donateLp(0, 1e15);
        assertGt(handler.ghostLpDonated(first), 0, "LP donated to the machine");
        handler.donateWstEthToPair(0, 1e15, 1);
        handler.donateTokensToPair(0, 1e12, false);
        handler.skimPair(0);
        handler.warp(1 hours);
        handler.sandwichStep(0, 0.001 ether, 2 hours);
        handler.trade(0, 1e12, false);
        checkAll();

        handler.warp(1 days);
        handler.claim(0, 0x1f, 1);
        handler.claimContributor(0);
        assertGt(handler.ghostDepositorMinted(first), 0, "depositors claimed");
        assertGt(handler.ghostContributorMinted(first), 0, "the contributor claimed");
        handler.reallocate(0, 0x3); // projects 3 leaves: it pays what it owes
        handler.withdraw(1, 10 ether, false, 1); // partial
        handler.withdrawAbovePrincipal(0, 1);
        handler.setMetadataURI(0, true);
        handler.setMetadataURI(0, false);
        handler.lowerContributorShare(0, 0);
        handler.setContributorRecipient(0x100);
        handler.transferProjectOwnership(0x10000); // to the second developer
        handler.transferGuardian(1);
        handler.setPaused(1); // both paused
        assertTrue(machine.depositsPaused() && machine.harvestsPaused(), "paused");
        handler.deposit(3, 1 ether, 0x1, false); // refused while paused
        handler.harvest(1);
        handler.claim(0, 0x1f, 0); // never paused
        handler.setPaused(0x10101); // lifted
        assertFalse(machine.depositsPaused() || machine.harvestsPaused(), "pause lifted");
        handler.setPaused(5); // not the guardian: refused
        checkAll();

        handler.rebase(-30);
        (bool inDeficit,,,) = machine.deficitStatus();
        assertTrue(inDeficit, "a negative rebase puts the machine in deficit");
        uint256 total = machine.totalPrincipal();
        handler.deposit(3, 1 ether, 0x1, false); // refused in deficit
        assertEq(machine.totalPrincipal(), total, "no deposit in a deficit");
        handler.withdraw(2, 1, false, 2); // full, pro rata
        (uint256 principal,) = machine.positionOf(handler.actors(2));
        assertEq(principal, 0, "a withdrawal in a deficit closes the position");
        checkAll();
    }

    function checkAll() internal view {
        invariant_Solvency();
        invariant_AllocatedPrincipalEqualsTotalPrincipal();
        invariant_MintedWithinSchedule();
        invariant_ScheduleWithinCap();
        invariant_ClaimableWithinEmitted();
        invariant_LiquidityNeverDecreases();
        invariant_NoWithdrawalAbovePrincipal();
        invariant_WithdrawAndClaimNeverBlocked();
        invariant_DeficitSharedProRata();
        invariant_AssignedYieldEqualsProjectsPendingYield();
        invariant_PendingWstEthAndCarriedTokensHeld();
        invariant_DeployStepWithinImpactBand();
        invariant_SandwichAroundStepNeverProfits();
    }

    // ------------------------------------------------------------------ the storage reads the invariants use

    /// @notice MachineStorage reads what the views say (guards the invariants against a storage layout change).
    function test_MachineStorage_MatchesTheViews() public {
        uint32 id = handler.projects(1);
        deposit(alice, 10 ether, one(id));
        fund(keeper, 1 ether);
        nextEpoch();
        rebaseBps(10);
        harvest(id);
        nextEpoch();
        rebaseBps(10);
        harvest(id);
        for (uint256 i; i < handler.projectCount(); ++i) {
            id = handler.projects(i);
            ProjectView memory v = machine.getProject(id);
            (uint256 allocated, uint256 yieldDebt) = MachineStorage.allocation(address(machine), id);
            (uint256 pending, uint256 carried) = MachineStorage.pending(address(machine), id);
            assertEq(allocated, v.allocatedPrincipal, "allocatedPrincipal");
            unchecked {
                assertEq(uint128(allocated * machine.accYieldIndex() - yieldDebt), v.pendingYieldScaled, "yieldDebt");
            }
            assertEq(MachineStorage.contributorOwed(address(machine), id), v.contributorOwed, "contributorOwed");
            assertEq(MachineStorage.contributorBps(address(machine), id), v.contributorBps, "contributorBps");
            assertEq(MachineStorage.seeded(address(machine), id), v.seeded, "seeded");
            assertEq(pending, v.pendingWstEth, "pendingWstEth");
            assertEq(carried, v.carryTokens, "carryTokens");
            assertEq(MachineStorage.totalLiquidity(address(machine), id), v.totalLiquidity, "totalLiquidity");
            assertEq(MachineStorage.owner(address(machine), id), v.owner, "owner");
        }
        assertTrue(MachineStorage.seeded(address(machine), handler.projects(1)), "the scenario opens a pool");
        assertGt(MachineStorage.totalLiquidity(address(machine), handler.projects(1)), 0, "and mints LP");
    }

    function _mulDivUp(uint256 a, uint256 b, uint256 d) internal pure returns (uint256) {
        return (a * b + d - 1) / d;
    }

    function _ceilShares(uint256 scaled) internal pure returns (uint256) {
        return (scaled >> 32) + (scaled & (2 ** 32 - 1) == 0 ? 0 : 1);
    }
}

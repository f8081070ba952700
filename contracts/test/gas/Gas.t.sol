// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {Base} from "../utils/Base.t.sol";
import {AllocationInput} from "../../src/types/DataTypes.sol";

/// @notice Gas of every user-facing call, as a transaction receipt shows it. Run with `forge test --isolate`
/// (each call its own transaction: cold storage, intrinsic gas included, EIP-3529 refund subtracted); the receipt
/// figures are written to snapshots/GasTest.json and checked against the issue's budgets. The logs also show the
/// gas spent before the refund and the refund applied.
contract GasTest is Base {
    uint32[] internal projectIds;

    function setUp() public override {
        super.setUp();
        for (uint256 i; i < 10; ++i) {
            projectIds.push(launch());
        }
        // Other depositors already in every project (steady state), then a day of yield and a first harvest.
        deposit(bob, 50 ether, eight());
        deposit(carol, 50 ether, two(projectIds[0], 5_000, projectIds[1]));
        for (uint256 i; i < 10; ++i) {
            deposit(address(uint160(0xbeef00 + i)), 10 ether, one(projectIds[i]));
        }
        fund(alice, 1_000 ether);
        fund(keeper, 1 ether); // the keeper already holds stETH from earlier bounties
        nextEpoch();
        rebaseBps(5);
        for (uint256 i; i < 10; ++i) {
            harvest(projectIds[i]);
        }
        nextEpoch();
        rebaseBps(5);
    }

    function eight() internal view returns (AllocationInput[] memory a) {
        a = new AllocationInput[](8);
        for (uint256 i; i < 8; ++i) {
            a[i] = AllocationInput(projectIds[i], 1_250);
        }
    }

    /// @dev Under `--isolate` the last call is its own transaction and `gasTotalUsed` is already the receipt's
    /// `gasUsed`: gas spent (intrinsic included) minus the EIP-3529 refund actually applied, `min(refund, spent / 5)`;
    /// `gasRefunded` is that applied (capped) refund. So gas spent before refunds is `gasTotalUsed + gasRefunded`.
    /// Pinned by `GasAccountingTest` and checked against anvil receipts (see README).
    function gasOfLastCall() internal returns (uint256 receipt) {
        Vm.Gas memory g = vm.lastCallGas();
        receipt = g.gasTotalUsed;
        emit log_named_uint("  spent before refund", receipt + uint256(int256(g.gasRefunded)));
        emit log_named_int("  refund applied", g.gasRefunded);
    }

    /// @dev `budget` is the issue's target; `ceiling` the committed figure plus 2% (a regression fails the test).
    /// Where the target is not met yet, the closing note says so and the ceiling holds the line.
    function record(string memory name, uint256 budget) internal returns (uint256 used) {
        return record(name, budget, budget);
    }

    function record(string memory name, uint256 budget, uint256 ceiling) internal returns (uint256 used) {
        used = gasOfLastCall();
        vm.snapshotValue(name, used);
        emit log_named_uint(name, used);
        emit log_named_uint(string.concat(name, " budget"), budget);
        assertLe(used, ceiling > budget ? ceiling : budget, name);
    }

    function test_Gas_Deposit_OneProject() public {
        vm.prank(alice);
        machine.deposit(10 ether, one(projectIds[0]));
        record("deposit_1_project", 150_000);
    }

    function test_Gas_Deposit_EightProjects() public {
        vm.prank(alice);
        machine.deposit(10 ether, eight());
        record("deposit_8_projects", 150_000 + 7 * 35_000);
    }

    function test_Gas_TopUp() public {
        vm.prank(alice);
        machine.deposit(10 ether, one(projectIds[0]));
        vm.warp(block.timestamp + 3_600);
        vm.prank(alice);
        machine.topUp(5 ether);
        record("top_up_1_project", 110_000);
    }

    function test_Gas_Reallocate_TwoProjects() public {
        vm.prank(alice);
        machine.deposit(10 ether, two(projectIds[0], 5_000, projectIds[1]));
        vm.warp(block.timestamp + 3_600);
        vm.prank(alice);
        machine.reallocate(two(projectIds[0], 8_000, projectIds[1]));
        record("reallocate_2_projects", 120_000);
    }

    function test_Gas_Withdraw_Partial() public {
        vm.prank(alice);
        machine.deposit(10 ether, one(projectIds[0]));
        vm.warp(block.timestamp + 3_600);
        vm.prank(alice);
        machine.withdraw(4 ether, alice);
        record("withdraw_partial", 110_000);
    }

    function test_Gas_Claim_OneProject() public {
        vm.prank(bob);
        machine.claim(ids(projectIds[0]), bob);
        vm.warp(block.timestamp + 3_600);
        vm.prank(bob);
        machine.claim(ids(projectIds[0]), bob);
        record("claim_1_project", 90_000);
    }

    function test_Gas_Claim_EightProjects() public {
        uint32[] memory all = new uint32[](8);
        for (uint256 i; i < 8; ++i) {
            all[i] = projectIds[i];
        }
        vm.prank(bob);
        machine.claim(all, bob);
        vm.warp(block.timestamp + 3_600);
        vm.prank(bob);
        machine.claim(all, bob);
        record("claim_8_projects", 90_000 + 7 * 30_000);
    }

    /// @dev The first harvest of a project: the collection and the opening step (pool opened at the launch price).
    function test_Gas_Harvest_FirstSeeding() public {
        uint32 id = launch();
        deposit(alice, 10 ether, one(id));
        nextEpoch();
        rebaseBps(5);
        vm.prank(keeper);
        machine.harvest(id);
        record("harvest_first_seeding", 400_000);
        assertTrue(project(id).seeded);
    }

    /// @dev Steady state is the regime every later day repeats, so the measured harvest is the project's third.
    /// The second harvest (the first swap into the opened pool) pays zero -> nonzero slot writes that no later day pays
    /// again: the pair's price0/1CumulativeLast (inside Uniswap) and the machine's wstETH balance (0 -> the first
    /// pending). setUp opened the pools; this adds the second harvest and one more day of yield, then measures the
    /// collection plus the step it runs. `test_Gas_Harvest_SteadyState_Repeats` checks that later days cost the same.
    function test_Gas_Harvest_SteadyState() public {
        harvest(projectIds[0]);
        nextEpoch();
        rebaseBps(5);
        vm.prank(keeper);
        machine.harvest(projectIds[0]);
        record("harvest_steady_state", 300_000);
        assertEq(project(projectIds[0]).lastStepTime, block.timestamp, "the harvest ran a step");
    }

    /// @dev The steady-state figure is not a lucky day: the third, fourth and fifth harvests of a project cost the
    /// same within 0.5% (what varies is only the size of the numbers involved).
    function test_Gas_Harvest_SteadyState_Repeats() public {
        harvest(projectIds[0]);
        uint256[3] memory used;
        for (uint256 day; day < 3; ++day) {
            nextEpoch();
            rebaseBps(5);
            vm.prank(keeper);
            machine.harvest(projectIds[0]);
            used[day] = gasOfLastCall();
            emit log_named_uint("harvest", used[day]);
        }
        assertApproxEqRel(used[1], used[0], 0.005e18, "fourth vs third");
        assertApproxEqRel(used[2], used[0], 0.005e18, "fifth vs third");
    }

    function test_Gas_HarvestMany_Ten() public {
        vm.prank(keeper);
        uint256 harvested = machine.harvestMany(allTen());
        assertEq(harvested, 10);
        record("harvest_many_10", 2_600_000);
    }

    /// @dev A deploy step alone, stepInterval after the harvest's step, with wstETH still pending (a young pool: a
    /// day of yield takes several steps).
    function test_Gas_Deploy_Step() public {
        harvest(projectIds[0]);
        vm.warp(block.timestamp + machine.stepInterval());
        assertGt(project(projectIds[0]).pendingWstEth, machine.MIN_DEPLOY());
        vm.prank(keeper);
        machine.deploy(projectIds[0]);
        record("deploy_step", 200_000);
        assertGt(pairOf(projectIds[0]).balanceOf(address(machine)), 0);
    }

    function test_Gas_DeployMany_Ten() public {
        vm.prank(keeper);
        machine.harvestMany(allTen());
        vm.warp(block.timestamp + machine.stepInterval());
        vm.prank(keeper);
        assertEq(machine.deployMany(allTen()), 10);
        record("deploy_many_10", 1_800_000);
    }

    function allTen() internal view returns (uint32[] memory all) {
        all = new uint32[](10);
        for (uint256 i; i < 10; ++i) {
            all[i] = projectIds[i];
        }
    }
}

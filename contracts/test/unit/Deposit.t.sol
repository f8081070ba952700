// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Base.t.sol";
import {ITechnoCapitalMachine} from "../../src/interfaces/ITechnoCapitalMachine.sol";
import {AllocationInput, PositionEntryView} from "../../src/types/DataTypes.sol";

contract DepositTest is Base {
    uint32 internal p1;
    uint32 internal p2;
    uint32 internal p3;

    function setUp() public override {
        super.setUp();
        p1 = launch();
        p2 = launch();
        p3 = launch();
        fund(alice, 1_000 ether);
    }

    function three(uint16 a, uint16 b, uint16 c) internal view returns (AllocationInput[] memory x) {
        x = new AllocationInput[](3);
        x[0] = AllocationInput(p1, a);
        x[1] = AllocationInput(p2, b);
        x[2] = AllocationInput(p3, c);
    }

    function test_Deposit_CreatesPositionWithMeasuredPrincipal() public {
        uint256 sharesBefore = stETH.sharesOf(address(machine));
        vm.prank(alice);
        uint256 principal = machine.deposit(10 ether, one(p1));
        uint256 sharesArrived = stETH.sharesOf(address(machine)) - sharesBefore;
        assertEq(principal, stETH.getPooledEthByShares(sharesArrived), "principal is what arrived");
        assertLe(principal, 10 ether);
        assertGe(principal, 10 ether - 2);
        assertEq(machine.totalPrincipal(), principal);
        (uint256 p, PositionEntryView[] memory entries) = machine.positionOf(alice);
        assertEq(p, principal);
        assertEq(entries.length, 1);
        assertEq(entries[0].projectId, p1);
        assertEq(entries[0].principal, principal);
        assertEq(project(p1).allocatedPrincipal, principal);
    }

    function test_Deposit_EmitsEveryNumber() public {
        uint256 sharesAdded = stETH.getSharesByPooledEth(10 ether);
        uint256 principal = stETH.getPooledEthByShares(sharesAdded);
        uint32[] memory idList = new uint32[](1);
        idList[0] = p1;
        uint16[] memory bpsList = new uint16[](1);
        bpsList[0] = 10_000;
        uint256[] memory parts = new uint256[](1);
        parts[0] = principal;
        vm.expectEmit(address(machine));
        emit ITechnoCapitalMachine.Deposited(
            alice, principal, sharesAdded, principal, idList, bpsList, parts, principal
        );
        vm.prank(alice);
        machine.deposit(10 ether, one(p1));
    }

    function test_Deposit_PartsSumExactlyRemainderToLargestLowestId() public {
        vm.prank(alice);
        uint256 principal = machine.deposit(1 ether + 7, three(3_333, 3_334, 3_333));
        (, PositionEntryView[] memory e) = machine.positionOf(alice);
        assertEq(e[0].principal, principal * 3_333 / 10_000);
        assertEq(e[2].principal, principal * 3_333 / 10_000);
        assertEq(e[1].principal, principal - e[0].principal - e[2].principal, "remainder to the largest");
        // Ties go to the lowest id.
        fund(bob, 10 ether);
        vm.prank(bob);
        uint256 pb = machine.deposit(1 ether + 9, three(5_000, 2_500, 2_500));
        (, e) = machine.positionOf(bob);
        assertEq(e[0].principal + e[1].principal + e[2].principal, pb);
        assertEq(e[1].principal, pb * 2_500 / 10_000);
        assertEq(e[2].principal, pb * 2_500 / 10_000);
    }

    function test_RevertWhen_DepositsPaused() public {
        vm.prank(guardian);
        machine.setPaused(true, false);
        vm.expectRevert(ITechnoCapitalMachine.TCM_DepositsPaused.selector);
        vm.prank(alice);
        machine.deposit(1 ether, one(p1));
    }

    function test_RevertWhen_PositionExists() public {
        vm.prank(alice);
        uint256 principal = machine.deposit(1 ether, one(p1));
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_PositionExists.selector, alice, principal));
        vm.prank(alice);
        machine.deposit(1 ether, one(p2));
    }

    function test_RevertWhen_AllocationEmpty() public {
        vm.expectRevert(ITechnoCapitalMachine.TCM_AllocationEmpty.selector);
        vm.prank(alice);
        machine.deposit(1 ether, new AllocationInput[](0));
    }

    function test_RevertWhen_AllocationTooLong() public {
        AllocationInput[] memory a = new AllocationInput[](9);
        for (uint256 i; i < 9; ++i) {
            a[i] = AllocationInput(uint32(i + 1), 1_000);
        }
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_AllocationTooLong.selector, 9, 8));
        vm.prank(alice);
        machine.deposit(1 ether, a);
    }

    function test_RevertWhen_AllocationNotSortedOrDuplicate() public {
        AllocationInput[] memory a = two(p2, 5_000, p1);
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_AllocationNotSorted.selector, 1, p1));
        vm.prank(alice);
        machine.deposit(1 ether, a);
        a = two(p1, 5_000, p1);
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_AllocationNotSorted.selector, 1, p1));
        vm.prank(alice);
        machine.deposit(1 ether, a);
    }

    function test_RevertWhen_AllocationZeroBps() public {
        AllocationInput[] memory a = new AllocationInput[](2);
        a[0] = AllocationInput(p1, 10_000);
        a[1] = AllocationInput(p2, 0);
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_AllocationZeroBps.selector, p2));
        vm.prank(alice);
        machine.deposit(1 ether, a);
    }

    function test_RevertWhen_AllocationSumNot10000() public {
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_AllocationSumNot10000.selector, 9_000));
        vm.prank(alice);
        machine.deposit(1 ether, three(3_000, 3_000, 3_000));
    }

    function test_RevertWhen_UnknownProject() public {
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_UnknownProject.selector, 0));
        vm.prank(alice);
        machine.deposit(1 ether, one(0));
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_UnknownProject.selector, 4));
        vm.prank(alice);
        machine.deposit(1 ether, one(4));
    }

    function test_RevertWhen_DepositTooSmall() public {
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_DepositTooSmall.selector, 0, 1e9));
        vm.prank(alice);
        machine.deposit(1, one(p1));
    }

    function test_RevertWhen_InDeficit() public {
        deposit(bob, 10 ether, one(p1));
        rebaseBps(-100);
        (, uint256 held, uint256 required,) = machine.deficitStatus();
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_InDeficit.selector, held, required));
        vm.prank(alice);
        machine.deposit(1 ether, one(p1));
    }

    function test_RevertWhen_AllowanceMissing() public {
        vm.prank(alice);
        stETH.approve(address(machine), 0);
        vm.expectRevert();
        vm.prank(alice);
        machine.deposit(1 ether, one(p1));
    }

    function test_DepositWithPermit() public {
        (address signer, uint256 key) = makeAddrAndKey("permit-signer");
        fund(signer, 5 ether);
        vm.prank(signer);
        stETH.approve(address(machine), 0);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                signer,
                address(machine),
                2 ether,
                stETH.nonces(signer),
                deadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", stETH.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        vm.prank(signer);
        uint256 principal = machine.depositWithPermit(2 ether, one(p1), deadline, v, r, s);
        assertApproxEqAbs(principal, 2 ether, 2);
        // A permit that was front-run (already used) is ignored when the allowance suffices.
        (address other, uint256 otherKey) = makeAddrAndKey("permit-other");
        fund(other, 5 ether);
        structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                other,
                address(machine),
                2 ether,
                stETH.nonces(other),
                deadline
            )
        );
        digest = keccak256(abi.encodePacked("\x19\x01", stETH.DOMAIN_SEPARATOR(), structHash));
        (v, r, s) = vm.sign(otherKey, digest);
        stETH.permit(other, address(machine), 2 ether, deadline, v, r, s); // the front-runner
        vm.prank(other);
        principal = machine.depositWithPermit(2 ether, one(p1), deadline, v, r, s);
        assertApproxEqAbs(principal, 2 ether, 2);
    }

    // ---------------------------------------------------------------- top-up

    function test_TopUp_KeepsAllocationAndResplits() public {
        vm.prank(alice);
        uint256 first = machine.deposit(3 ether, three(3_333, 3_334, 3_333));
        vm.warp(block.timestamp + 1 hours);
        vm.prank(alice);
        uint256 added = machine.topUp(2 ether);
        (uint256 principal, PositionEntryView[] memory e) = machine.positionOf(alice);
        assertEq(principal, first + added);
        assertEq(e[0].principal, principal * 3_333 / 10_000);
        assertEq(e[0].principal + e[1].principal + e[2].principal, principal);
        assertEq(machine.totalPrincipal(), principal);
        assertEq(project(p2).allocatedPrincipal, e[1].principal);
    }

    function test_RevertWhen_TopUpWithoutPosition() public {
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NoPosition.selector, alice));
        vm.prank(alice);
        machine.topUp(1 ether);
    }

    function test_RevertWhen_TopUpPaused() public {
        vm.prank(alice);
        machine.deposit(1 ether, one(p1));
        vm.prank(guardian);
        machine.setPaused(true, false);
        vm.expectRevert(ITechnoCapitalMachine.TCM_DepositsPaused.selector);
        vm.prank(alice);
        machine.topUp(1 ether);
    }

    function test_RevertWhen_TopUpInDeficit() public {
        vm.prank(alice);
        machine.deposit(1 ether, one(p1));
        rebaseBps(-50);
        (, uint256 held, uint256 required,) = machine.deficitStatus();
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_InDeficit.selector, held, required));
        vm.prank(alice);
        machine.topUp(1 ether);
    }

    function test_RevertWhen_TopUpTooSmall() public {
        vm.prank(alice);
        machine.deposit(1 ether, one(p1));
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_DepositTooSmall.selector, 0, 1e9));
        vm.prank(alice);
        machine.topUp(1);
    }
}

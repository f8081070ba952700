// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Base.t.sol";
import {ITechnoCapitalMachine} from "../../src/interfaces/ITechnoCapitalMachine.sol";
import {TechnoCapitalMachine} from "../../src/TechnoCapitalMachine.sol";
import {TokenDeployer} from "../../src/TokenDeployer.sol";
import {ProjectToken} from "../../src/ProjectToken.sol";
import {MockStETH} from "../../src/mocks/MockStETH.sol";
import {IStETH} from "../../src/interfaces/external/IStETH.sol";
import {IWstETH} from "../../src/interfaces/external/IWstETH.sol";
import {IUniswapV2Factory, IUniswapV2Pair} from "../../src/interfaces/external/IUniswapV2.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AllocationInput} from "../../src/types/DataTypes.sol";

/// @notice stETH that calls back into the machine during transfers (an attacker-controlled token callback).
contract ReentrantStETH is MockStETH {
    TechnoCapitalMachine public target;
    bytes public payload;
    bytes public lastRevert;

    constructor() MockStETH(address(0)) {}

    function arm(TechnoCapitalMachine target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
    }

    function transferFrom(address sender, address recipient, uint256 amount) public override returns (bool) {
        if (address(target) != address(0)) {
            (bool ok, bytes memory reason) = address(target).call(payload);
            require(!ok, "reentered");
            lastRevert = reason;
        }
        return super.transferFrom(sender, recipient, amount);
    }
}

contract AdversarialTest is Base {
    uint32 internal id;

    function setUp() public override {
        super.setUp();
        id = launch();
        deposit(alice, 1_000 ether, one(id));
        fund(keeper, 1 ether);
        // Several days of harvests: a seeded pool with some depth.
        for (uint256 day; day < 5; ++day) {
            nextEpoch();
            rebaseBps(10);
            harvest(id);
        }
        nextEpoch();
        rebaseBps(10);
    }

    /// @notice A deposit right before a harvest (or a rebase) and out right after earns rewards only for its
    /// principal-seconds, and no yield for itself: yield goes to projects, never to depositors.
    function test_FlashDeposit_GainsOnlyItsPrincipalSeconds() public {
        uint256 principal = deposit(bob, 1_000 ether, one(id));
        rebaseBps(10);
        harvest(id);
        vm.prank(bob);
        uint256 paid = machine.withdraw(principal, bob);
        assertLe(paid, principal, "no yield to the depositor");
        vm.prank(bob);
        uint256[] memory got = machine.claim(ids(id), bob);
        assertEq(got[0], 0, "zero seconds, zero rewards");
        // Alice keeps earning normally.
        assertGt(machine.pendingRewards(alice, id), 0);
    }

    function test_Reentrancy_ThroughTokenCallbackIsBlocked() public {
        ReentrantStETH evil = new ReentrantStETH();
        TechnoCapitalMachine.Config memory config = machineConfig();
        config.stETH = IStETH(address(evil));
        TechnoCapitalMachine victim = new TechnoCapitalMachine(config);
        vm.prank(developer);
        (uint32 vid,,) = victim.launchProject(defaultParams());
        vm.deal(bob, 10 ether);
        vm.startPrank(bob);
        evil.submit{value: 5 ether}(address(0));
        evil.approve(address(victim), type(uint256).max);
        vm.stopPrank();
        evil.arm(victim, abi.encodeCall(TechnoCapitalMachine.withdraw, (1 ether, bob)));
        vm.prank(bob);
        victim.deposit(2 ether, one(vid));
        assertEq(bytes4(evil.lastRevert()), ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
    }

    function test_NegativeRebaseThenWithdrawals_ProRataNobodyGetsMore() public {
        uint256 b = deposit(bob, 300 ether, one(id));
        uint256 c = deposit(carol, 100 ether, one(id));
        rebaseBps(-300);
        (, uint256 held,,) = machine.deficitStatus();
        uint256 assigned = (machine.assignedYieldScaled() + 2 ** 32 - 1) / 2 ** 32;
        uint256 total = machine.totalPrincipal();
        uint256 cBefore = stETH.sharesOf(carol);
        vm.prank(carol);
        machine.withdraw(c, carol);
        uint256 cGot = stETH.sharesOf(carol) - cBefore;
        assertEq(cGot, (held - assigned) * c / total);
        assertLt(stETH.getPooledEthByShares(cGot), c, "a loss is shared");
        uint256 bBefore = stETH.sharesOf(bob);
        vm.prank(bob);
        machine.withdraw(b, bob);
        uint256 bGot = stETH.sharesOf(bob) - bBefore;
        // Per unit of principal, bob (later) gets at least what carol (earlier) got: no first-come advantage.
        assertGe(bGot * c, cGot * b);
        assertApproxEqRel(bGot * c, cGot * b, 1e9);
    }

    function test_Deficit_RecoversAfterPositiveRebase() public {
        rebaseBps(-100);
        (bool inDeficit,,,) = machine.deficitStatus();
        assertTrue(inDeficit);
        (uint256 pendingBefore,) = machine.pendingYield(id);
        rebaseBps(300);
        (inDeficit,,,) = machine.deficitStatus();
        assertFalse(inDeficit);
        (uint256 pendingAfter,) = machine.pendingYield(id);
        assertGt(pendingAfter, pendingBefore, "yield resumes after recovery");
        deposit(bob, 1 ether, one(id));
    }

    function test_Dust_OneWeiAndMinimumDeposits() public {
        fund(bob, 1 ether);
        vm.expectRevert();
        vm.prank(bob);
        machine.deposit(1, one(id));
        vm.prank(bob);
        uint256 p = machine.deposit(1e9 + 10, one(id));
        assertGe(p, 1e9);
        vm.warp(block.timestamp + 1 days);
        uint256 earned = machine.pendingRewards(bob, id);
        assertGt(earned, 0);
        vm.prank(bob);
        machine.withdraw(p, bob);
        assertEq(tokenOf(id).balanceOf(bob), earned, "a full withdrawal pays the dust position's rewards");
        // 1 wei stETH donations are harmless.
        vm.prank(bob);
        stETH.transfer(address(machine), 1);
        harvestAllowed();
    }

    function harvestAllowed() internal view {
        assertTrue(machine.isHarvestReady(id));
    }

    function test_LiquidityLockedByConstruction() public view {
        // The machine never calls transfer/transferFrom/burn on a pair: no function can move its LP.
        bytes memory code = address(machine).code;
        assertGt(pairOf(id).balanceOf(address(machine)), 0);
        assertEq(project(id).totalLiquidity, pairOf(id).balanceOf(address(machine)));
        // The machine's own code calls no pair function that moves anything (its pool work is DeployLogic's); this scan
        // guards against a future edit adding burn(address) (0x89afcb44) or a transfer of LP.
        assertFalse(contains(code, hex"89afcb44"), "burn selector present");
        // The pool work runs in the DeployLogic library (DELEGATECALL, the machine's context): same scan, plus LP
        // transfers (transfer 0xa9059cbb is used for wstETH and tokens, so the scan is for burn only; the library's
        // only pair calls are getReserves, totalSupply, price*CumulativeLast, sync, swap and mint).
        bytes memory library_ = vm.getDeployedCode("DeployLogic.sol:DeployLogic");
        assertGt(library_.length, 0);
        assertFalse(contains(library_, hex"89afcb44"), "burn selector present in DeployLogic");
        assertFalse(contains(library_, hex"bc25cf77"), "skim selector present in DeployLogic");
    }

    function contains(bytes memory haystack, bytes memory needle) internal pure returns (bool) {
        for (uint256 i; i + needle.length <= haystack.length; ++i) {
            bool ok = true;
            for (uint256 j; j < needle.length; ++j) {
                if (haystack[i + j] != needle[j]) {
                    ok = false;
                    break;
                }
            }
            if (ok) return true;
        }
        return false;
    }
}

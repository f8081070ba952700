// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";

import {TechnoCapitalMachine} from "../../src/TechnoCapitalMachine.sol";
import {ProjectToken} from "../../src/ProjectToken.sol";
import {ITechnoCapitalMachine} from "../../src/interfaces/ITechnoCapitalMachine.sol";
import {MockStETH} from "../../src/mocks/MockStETH.sol";
import {MockWstETH} from "../../src/mocks/MockWstETH.sol";
import {IUniswapV2Pair} from "../../src/interfaces/external/IUniswapV2.sol";
import {IUniswapV2Router02} from "../../src/interfaces/external/IUniswapV2Router.sol";
import {AllocationInput, ProjectView} from "../../src/types/DataTypes.sol";

/// @notice Drives random sequences of every action, plus rebases both ways, time, traders and donations.
contract Handler is CommonBase, StdCheats, StdUtils {
    TechnoCapitalMachine public immutable machine;
    MockStETH public immutable stETH;
    MockWstETH public immutable wstETH;
    IUniswapV2Router02 public immutable router;

    uint32[] public projects;
    address[] public actors;
    address public constant TRADER = address(0x7eade2);
    address public constant KEEPER = address(0x4ee9e2);

    // ghost state
    mapping(address => uint256) public ghostDeposited;
    mapping(address => uint256) public ghostWithdrawn;
    mapping(uint32 => uint256) public ghostLp;
    uint256 public ghostNegativeRebases;
    bool public ghostLpDecreased;
    bool public ghostStepAboveBand;
    mapping(bytes32 => uint256) public calls;

    constructor(
        TechnoCapitalMachine machine_,
        MockStETH stETH_,
        MockWstETH wstETH_,
        IUniswapV2Router02 router_,
        uint32[] memory projects_
    ) {
        machine = machine_;
        stETH = stETH_;
        wstETH = wstETH_;
        router = router_;
        projects = projects_;
        for (uint256 i; i < 5; ++i) actors.push(address(uint160(0xa11ce0 + i)));
        for (uint256 i; i < actors.length; ++i) {
            vm.deal(actors[i], 1_000_000 ether);
            vm.startPrank(actors[i]);
            stETH.submit{value: 100_000 ether}(address(0));
            stETH.approve(address(machine), type(uint256).max);
            vm.stopPrank();
        }
        vm.deal(TRADER, 1_000_000 ether);
        vm.startPrank(TRADER);
        stETH.submit{value: 100_000 ether}(address(0));
        stETH.approve(address(wstETH), type(uint256).max);
        wstETH.wrap(50_000 ether);
        wstETH.approve(address(router), type(uint256).max);
        vm.stopPrank();
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function projectCount() external view returns (uint256) {
        return projects.length;
    }

    function allocation(uint256 seed) internal view returns (AllocationInput[] memory a) {
        uint256 n = 1 + seed % projects.length;
        a = new AllocationInput[](n);
        uint256 left = 10_000;
        for (uint256 i; i < n; ++i) {
            uint16 bps = i == n - 1 ? uint16(left) : uint16(1 + (seed >> (8 * i)) % (left - (n - 1 - i)) / 2);
            if (bps == 0) bps = 1;
            a[i] = AllocationInput(projects[i], bps);
            left -= bps;
        }
    }

    function deposit(uint256 actorSeed, uint256 amount, uint256 allocSeed) external {
        address actor = actors[actorSeed % actors.length];
        amount = bound(amount, 1e9 + 10, 1_000 ether);
        (bool inDeficit,,,) = machine.deficitStatus();
        if (inDeficit || machine.depositsPaused()) return;
        uint256 principal;
        (uint256 existing,) = machine.positionOf(actor);
        vm.startPrank(actor);
        if (existing == 0) principal = machine.deposit(amount, allocation(allocSeed));
        else principal = machine.topUp(amount);
        vm.stopPrank();
        ghostDeposited[actor] += principal;
        ++calls["deposit"];
    }

    function reallocate(uint256 actorSeed, uint256 allocSeed) external {
        address actor = actors[actorSeed % actors.length];
        (uint256 principal,) = machine.positionOf(actor);
        if (principal == 0) return;
        vm.prank(actor);
        machine.reallocate(allocation(allocSeed));
        ++calls["reallocate"];
    }

    function withdraw(uint256 actorSeed, uint256 amount, bool full) external {
        address actor = actors[actorSeed % actors.length];
        (uint256 principal,) = machine.positionOf(actor);
        if (principal == 0) return;
        (bool inDeficit,,,) = machine.deficitStatus();
        amount = full || inDeficit ? principal : bound(amount, 1, principal);
        if (amount != principal && principal - amount < 1e9) amount = principal;
        vm.prank(actor);
        ghostWithdrawn[actor] += machine.withdraw(amount, actor);
        ++calls["withdraw"];
    }

    function claim(uint256 actorSeed) external {
        address actor = actors[actorSeed % actors.length];
        vm.prank(actor);
        machine.claim(projects, actor);
        machine.claimContributor(projects[actorSeed % projects.length]);
        ++calls["claim"];
    }

    function harvest(uint256 projectSeed) external {
        uint32 id = projects[projectSeed % projects.length];
        if (!machine.isHarvestReady(id)) return;
        vm.prank(KEEPER);
        machine.harvest(id); // a ready project is always harvested: no price can refuse it
        ++calls["harvest"];
        trackLp();
    }

    function harvestMany() external {
        vm.prank(KEEPER);
        machine.harvestMany(projects);
        ++calls["harvestMany"];
        trackLp();
    }

    /// @notice A deploy step when one is due (never reverts then, whatever the price), checking the band: the price
    ///         after the step is at most spot before it * (1 + maxImpactBps).
    function deploy(uint256 projectSeed) external {
        uint32 id = projects[projectSeed % projects.length];
        if (!machine.isDeployReady(id)) return;
        ProjectView memory v = machine.getProject(id);
        uint256 before = v.seeded ? spot(v) : 0;
        vm.prank(KEEPER);
        machine.deploy(id);
        if (before != 0 && spot(v) > before * (10_000 + machine.maxImpactBps()) / 10_000 + 1) ghostStepAboveBand = true;
        ++calls["deploy"];
        trackLp();
    }

    function deployMany() external {
        vm.prank(KEEPER);
        machine.deployMany(projects);
        ++calls["deployMany"];
        trackLp();
    }

    /// @dev Spot as the step sees it: wstETH donated to the pair and not synced is synced by the step first.
    function spot(ProjectView memory v) internal view returns (uint256) {
        (uint112 r0, uint112 r1,) = IUniswapV2Pair(v.pair).getReserves();
        (uint256 tok, uint256 wst) = v.tokenIsToken0 ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
        uint256 balance = wstETH.balanceOf(v.pair);
        if (balance > wst) (tok, wst) = (ProjectToken(v.token).balanceOf(v.pair), balance);
        return (wst << 112) / tok;
    }

    function rebase(int256 bps) external {
        bps = bound(bps, -30, 20);
        if (bps == 0) return;
        if (bps < 0) ++ghostNegativeRebases;
        int256 pooled = int256(stETH.getTotalPooledEther());
        stETH.rebase(pooled * bps / 10_000);
        ++calls["rebase"];
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 3 days));
        ++calls["warp"];
    }

    function trade(uint256 projectSeed, uint256 amount, bool buy) external {
        uint32 id = projects[projectSeed % projects.length];
        ProjectView memory v = machine.getProject(id);
        if (!v.seeded) return;
        (uint112 r0, uint112 r1,) = IUniswapV2Pair(v.pair).getReserves();
        uint256 reserveWst = v.tokenIsToken0 ? r1 : r0;
        address[] memory path = new address[](2);
        vm.startPrank(TRADER);
        if (buy) {
            amount = bound(amount, 1e6, reserveWst / 20 + 1e6);
            path[0] = address(wstETH);
            path[1] = v.token;
            // A trade too small to get anything out is the trader's problem, not the protocol's.
            try router.swapExactTokensForTokens(amount, 0, path, TRADER, block.timestamp) {} catch {}
        } else {
            uint256 balance = ProjectToken(v.token).balanceOf(TRADER);
            if (balance < 1e6) {
                vm.stopPrank();
                return;
            }
            ProjectToken(v.token).approve(address(router), type(uint256).max);
            path[0] = v.token;
            path[1] = address(wstETH);
            try router.swapExactTokensForTokens(bound(amount, 1e6, balance), 0, path, TRADER, block.timestamp) {} catch {}
        }
        vm.stopPrank();
        ++calls["trade"];
    }

    function donateStEth(uint256 amount) external {
        amount = bound(amount, 1, 10 ether);
        vm.prank(TRADER);
        stETH.transfer(address(machine), amount);
        ++calls["donate-steth"];
    }

    function donateWstToPair(uint256 projectSeed, uint256 amount) external {
        uint32 id = projects[projectSeed % projects.length];
        amount = bound(amount, 1, 1 ether);
        address pair = machine.getProject(id).pair;
        vm.prank(TRADER);
        wstETH.transfer(pair, amount);
        ++calls["donate-pair"];
    }

    function trackLp() internal {
        for (uint256 i; i < projects.length; ++i) {
            uint256 lp = IUniswapV2Pair(machine.getProject(projects[i]).pair).balanceOf(address(machine));
            if (lp < ghostLp[projects[i]]) ghostLpDecreased = true;
            ghostLp[projects[i]] = lp;
        }
    }
}

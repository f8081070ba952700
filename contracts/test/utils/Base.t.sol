// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {TechnoCapitalMachine} from "../../src/TechnoCapitalMachine.sol";
import {ITechnoCapitalMachine} from "../../src/interfaces/ITechnoCapitalMachine.sol";
import {ProjectToken} from "../../src/ProjectToken.sol";
import {MockStETH} from "../../src/mocks/MockStETH.sol";
import {MockWstETH} from "../../src/mocks/MockWstETH.sol";
import {IUniswapV2Pair} from "../../src/interfaces/external/IUniswapV2.sol";
import {IUniswapV2Router02} from "../../src/interfaces/external/IUniswapV2Router.sol";
import {AllocationInput, LaunchParams, HarvestReport, DeployReport, ProjectView} from "../../src/types/DataTypes.sol";
import {DeployDevnet, Deployment} from "../../script/Deploy.s.sol";
import {TokenDeployer} from "../../src/TokenDeployer.sol";
import {IStETH} from "../../src/interfaces/external/IStETH.sol";
import {IWstETH} from "../../src/interfaces/external/IWstETH.sol";
import {IUniswapV2Factory} from "../../src/interfaces/external/IUniswapV2.sol";

/// @notice Shared fixture: the devnet deployment (mocks, official Uniswap V2, machine) and helpers.
abstract contract Base is Test {
    TechnoCapitalMachine internal machine;
    MockStETH internal stETH;
    MockWstETH internal wstETH;
    IUniswapV2Router02 internal router;
    address internal factory;
    Deployment internal deployment;

    address internal guardian = makeAddr("guardian");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal keeper = makeAddr("keeper");
    address internal developer = makeAddr("developer");
    address internal contributor = makeAddr("contributor");
    address internal trader = makeAddr("trader");

    uint256 internal constant EPOCH = 86_400;

    function setUp() public virtual {
        vm.warp(1_750_000_000);
        DeployDevnet deployer = new DeployDevnet();
        deployment = deployer.deploy(guardian);
        machine = TechnoCapitalMachine(deployment.machine);
        stETH = MockStETH(payable(deployment.stETH));
        wstETH = MockWstETH(payable(deployment.wstETH));
        router = IUniswapV2Router02(deployment.uniswapV2Router);
        factory = deployment.uniswapV2Factory;
        // Lido's pool is much larger than any single user; start it at 1,000,000 ether with a non-1:1 share rate.
        vm.deal(address(this), 1_000_000 ether);
        stETH.submit{value: 1_000_000 ether}(address(0));
        stETH.rebase(int256(123_456.789 ether));
    }

    // ------------------------------------------------------------------ helpers

    function defaultParams() internal view returns (LaunchParams memory) {
        return LaunchParams({
            name: "Project",
            symbol: "PRJ",
            metadataURI: "ipfs://project",
            launchPrice: 0.001 ether,
            dailyEmission: 1_000 ether,
            decayBps: 10,
            maxSupply: 10_000_000 ether,
            seedReserve: 100_000 ether,
            contributorBps: 1_000,
            contributorRecipient: contributor
        });
    }

    /// @notice The devnet's machine configuration, for tests that deploy a machine of their own.
    function machineConfig() internal returns (TechnoCapitalMachine.Config memory) {
        return TechnoCapitalMachine.Config({
            stETH: IStETH(address(stETH)),
            wstETH: IWstETH(address(wstETH)),
            factory: IUniswapV2Factory(factory),
            tokenDeployer: new TokenDeployer(),
            guardian: guardian,
            bountyBps: 50,
            maxBounty: 1 ether,
            maxImpactBps: 50,
            minHarvestValue: 1e12,
            stepInterval: 20 minutes,
            followWindow: 2 days,
            stepBountyBps: 10,
            maxStepBounty: 0.005 ether
        });
    }

    function launch() internal returns (uint32 id) {
        vm.prank(developer);
        (id,,) = machine.launchProject(defaultParams());
    }

    function launch(LaunchParams memory params) internal returns (uint32 id) {
        vm.prank(developer);
        (id,,) = machine.launchProject(params);
    }

    function fund(address user, uint256 amount) internal {
        vm.deal(user, user.balance + amount + 1);
        vm.startPrank(user);
        stETH.submit{value: amount + 1}(address(0));
        stETH.approve(address(machine), type(uint256).max);
        vm.stopPrank();
    }

    function one(uint32 id) internal pure returns (AllocationInput[] memory a) {
        a = new AllocationInput[](1);
        a[0] = AllocationInput(id, 10_000);
    }

    function two(uint32 id0, uint16 bps0, uint32 id1) internal pure returns (AllocationInput[] memory a) {
        a = new AllocationInput[](2);
        a[0] = AllocationInput(id0, bps0);
        a[1] = AllocationInput(id1, 10_000 - bps0);
    }

    function ids(uint32 id) internal pure returns (uint32[] memory a) {
        a = new uint32[](1);
        a[0] = id;
    }

    function deposit(address user, uint256 amount, AllocationInput[] memory allocation) internal returns (uint256) {
        fund(user, amount);
        vm.prank(user);
        return machine.deposit(amount, allocation);
    }

    /// @notice An oracle report moving Lido's pooled ether by `bps` (negative = slashing).
    function rebaseBps(int256 bps) internal {
        int256 pooled = int256(stETH.getTotalPooledEther());
        stETH.rebase(pooled * bps / 10_000);
    }

    function nextEpoch() internal {
        uint256 epoch = machine.currentEpoch();
        vm.warp(machine.genesis() + (epoch + 1) * EPOCH + 1);
    }

    function harvest(uint32 id) internal returns (HarvestReport memory r) {
        vm.prank(keeper);
        r = machine.harvest(id);
    }

    /// @notice One deploy step by the keeper in a new block, as soon as one is due (`stepInterval` after the last
    ///         one; a step does nothing in a block in which the pool was already touched).
    function step(uint32 id) internal returns (DeployReport memory r) {
        uint256 due = machine.nextDeployTime(id);
        vm.roll(block.number + 1);
        vm.warp(due > block.timestamp + 12 ? due : block.timestamp + 12);
        vm.prank(keeper);
        r = machine.deploy(id);
    }

    /// @notice Deploy steps until the project's pending wstETH is below MIN_DEPLOY or `maxSteps` ran; returns the
    ///         number of steps.
    function deployAll(uint32 id, uint256 maxSteps) internal returns (uint256 steps) {
        while (steps < maxSteps && project(id).pendingWstEth >= machine.MIN_DEPLOY()) {
            step(id);
            ++steps;
        }
    }

    function project(uint32 id) internal view returns (ProjectView memory) {
        return machine.getProject(id);
    }

    function tokenOf(uint32 id) internal view returns (ProjectToken) {
        return ProjectToken(project(id).token);
    }

    function pairOf(uint32 id) internal view returns (IUniswapV2Pair) {
        return IUniswapV2Pair(project(id).pair);
    }

    /// @notice A trader buys the project's token with `wstAmount` wstETH through the official router.
    function traderBuys(uint32 id, uint256 wstAmount) internal returns (uint256 out) {
        fund(trader, wstAmount * 2);
        vm.startPrank(trader);
        stETH.approve(address(wstETH), type(uint256).max);
        wstETH.wrap(stETH.getPooledEthByShares(wstAmount) + 2);
        wstETH.approve(address(router), type(uint256).max);
        address[] memory path = new address[](2);
        path[0] = address(wstETH);
        path[1] = project(id).token;
        out = router.swapExactTokensForTokens(wstAmount, 0, path, trader, block.timestamp)[1];
        vm.stopPrank();
    }

    /// @notice A trader sells `tokenAmount` of the project's token for wstETH through the official router.
    function traderSells(address who, uint32 id, uint256 tokenAmount) internal returns (uint256 out) {
        vm.startPrank(who);
        ProjectToken(project(id).token).approve(address(router), type(uint256).max);
        address[] memory path = new address[](2);
        path[0] = project(id).token;
        path[1] = address(wstETH);
        out = router.swapExactTokensForTokens(tokenAmount, 0, path, who, block.timestamp)[1];
        vm.stopPrank();
    }

    function sharesRequired() internal view returns (uint256) {
        (,, uint256 required,) = machine.deficitStatus();
        return required;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Script} from "forge-std/Script.sol";

import {TechnoCapitalMachine} from "../src/TechnoCapitalMachine.sol";
import {TokenDeployer} from "../src/TokenDeployer.sol";
import {IStETH} from "../src/interfaces/external/IStETH.sol";
import {IWstETH} from "../src/interfaces/external/IWstETH.sol";
import {IUniswapV2Factory} from "../src/interfaces/external/IUniswapV2.sol";
import {MockStETH} from "../src/mocks/MockStETH.sol";
import {MockWstETH} from "../src/mocks/MockWstETH.sol";
import {LaunchParams} from "../src/types/DataTypes.sol";
import {UniswapV2Deployer} from "./lib/UniswapV2Deployer.sol";

/// @notice What a deployment produced; also written to a JSON file the services read.
struct Deployment {
    uint256 chainId;
    address machine;
    address stETH;
    address wstETH;
    address uniswapV2Factory;
    address uniswapV2Router;
    address weth;
    address tokenDeployer;
    address guardian;
    uint256 genesis;
    uint256 deployBlock;
}

/// @notice Machine parameters shared by every network unless overridden by the environment.
abstract contract DeployBase is Script {
    uint256 internal constant DEFAULT_BOUNTY_BPS = 50; // 0.5% of the yield
    uint256 internal constant DEFAULT_MAX_BOUNTY = 0.05 ether;
    uint256 internal constant DEFAULT_MAX_IMPACT_BPS = 50; // a step lifts the price at most 0.5% above spot
    uint256 internal constant DEFAULT_MIN_HARVEST_VALUE = 1e12;
    uint256 internal constant DEFAULT_STEP_INTERVAL = 20 minutes; // chosen with packages/domain/bench/mechanism.ts
    uint256 internal constant DEFAULT_FOLLOW_WINDOW = 2 days; // a price must hold this long before steps follow it
    uint256 internal constant DEFAULT_STEP_BOUNTY_BPS = 10; // 0.1% of the wstETH a step deploys
    uint256 internal constant DEFAULT_MAX_STEP_BOUNTY = 0.005 ether;
    /// @notice The devnet's Uniswap V2 `feeToSetter`: on mainnet this is Uniswap governance's role, never the
    /// guardian's (the protocol fee would take value out of the machine's locked liquidity). An address with no key.
    address internal constant DEVNET_UNISWAP_GOVERNANCE =
        address(uint160(uint256(keccak256("TCM devnet: Uniswap governance"))));

    function deployMachine(IStETH stETH, IWstETH wstETH, IUniswapV2Factory factory, address guardian)
        internal
        returns (TechnoCapitalMachine machine, TokenDeployer tokenDeployer)
    {
        tokenDeployer = new TokenDeployer();
        machine = new TechnoCapitalMachine(
            TechnoCapitalMachine.Config({
                stETH: stETH,
                wstETH: wstETH,
                factory: factory,
                tokenDeployer: tokenDeployer,
                guardian: guardian,
                bountyBps: vm.envOr("TCM_BOUNTY_BPS", DEFAULT_BOUNTY_BPS),
                maxBounty: vm.envOr("TCM_MAX_BOUNTY", DEFAULT_MAX_BOUNTY),
                maxImpactBps: vm.envOr("TCM_MAX_IMPACT_BPS", DEFAULT_MAX_IMPACT_BPS),
                minHarvestValue: vm.envOr("TCM_MIN_HARVEST_VALUE", DEFAULT_MIN_HARVEST_VALUE),
                stepInterval: vm.envOr("TCM_STEP_INTERVAL", DEFAULT_STEP_INTERVAL),
                followWindow: vm.envOr("TCM_FOLLOW_WINDOW", DEFAULT_FOLLOW_WINDOW),
                stepBountyBps: vm.envOr("TCM_STEP_BOUNTY_BPS", DEFAULT_STEP_BOUNTY_BPS),
                maxStepBounty: vm.envOr("TCM_MAX_STEP_BOUNTY", DEFAULT_MAX_STEP_BOUNTY)
            })
        );
    }

    function writeDeployment(Deployment memory d, string memory path) internal {
        string memory key = "deployment";
        vm.serializeUint(key, "chainId", d.chainId);
        vm.serializeAddress(key, "machine", d.machine);
        vm.serializeAddress(key, "stETH", d.stETH);
        vm.serializeAddress(key, "wstETH", d.wstETH);
        vm.serializeAddress(key, "uniswapV2Factory", d.uniswapV2Factory);
        vm.serializeAddress(key, "uniswapV2Router", d.uniswapV2Router);
        vm.serializeAddress(key, "weth", d.weth);
        vm.serializeAddress(key, "tokenDeployer", d.tokenDeployer);
        vm.serializeAddress(key, "guardian", d.guardian);
        vm.serializeUint(key, "genesis", d.genesis);
        string memory json = vm.serializeUint(key, "deployBlock", d.deployBlock);
        vm.writeJson(json, path);
    }
}

/// @notice The devnet: Lido-faithful mocks, Uniswap V2 from its official bytecode, the machine, and optionally
/// demo projects. `DEPLOYMENT_FILE` (default deployments/devnet.json) receives the addresses.
contract DeployDevnet is DeployBase {
    function run() external returns (Deployment memory d) {
        vm.startBroadcast();
        d = deploy(msg.sender);
        if (vm.envOr("TCM_DEMO_PROJECTS", false)) launchDemoProjects(TechnoCapitalMachine(d.machine));
        vm.stopBroadcast();
        writeDeployment(d, vm.envOr("DEPLOYMENT_FILE", string("deployments/devnet.json")));
    }

    /// @notice Deploys everything with `guardian` as guardian. Reused by tests (no broadcast inside).
    function deploy(address guardian) public returns (Deployment memory d) {
        MockStETH stETH = new MockStETH{value: 0}(address(0));
        MockWstETH wstETH = new MockWstETH(IStETH(address(stETH)));
        address factory = UniswapV2Deployer.deployFactory(DEVNET_UNISWAP_GOVERNANCE);
        address weth = UniswapV2Deployer.deployWETH9();
        address router = UniswapV2Deployer.deployRouter(factory, weth);
        (TechnoCapitalMachine machine, TokenDeployer tokenDeployer) =
            deployMachine(IStETH(address(stETH)), IWstETH(address(wstETH)), IUniswapV2Factory(factory), guardian);
        d = Deployment({
            chainId: block.chainid,
            machine: address(machine),
            stETH: address(stETH),
            wstETH: address(wstETH),
            uniswapV2Factory: factory,
            uniswapV2Router: router,
            weth: weth,
            tokenDeployer: address(tokenDeployer),
            guardian: guardian,
            genesis: machine.genesis(),
            deployBlock: block.number
        });
    }

    function launchDemoProjects(TechnoCapitalMachine machine) public {
        machine.launchProject(
            LaunchParams({
                name: "Morpheus Compute",
                symbol: "MCMP",
                metadataURI: "ipfs://demo/morpheus-compute",
                launchPrice: 0.0001 ether,
                dailyEmission: 10_000 ether,
                decayBps: 10,
                maxSupply: 100_000_000 ether,
                seedReserve: 1_000_000 ether,
                contributorBps: 1_000,
                contributorRecipient: msg.sender
            })
        );
        machine.launchProject(
            LaunchParams({
                name: "Open Agents",
                symbol: "AGNT",
                metadataURI: "ipfs://demo/open-agents",
                launchPrice: 0.001 ether,
                dailyEmission: 2_000 ether,
                decayBps: 50,
                maxSupply: 10_000_000 ether,
                seedReserve: 100_000 ether,
                contributorBps: 500,
                contributorRecipient: msg.sender
            })
        );
        machine.launchProject(
            LaunchParams({
                name: "Public Goods Lab",
                symbol: "PGL",
                metadataURI: "ipfs://demo/public-goods-lab",
                launchPrice: 0.00002 ether,
                dailyEmission: 50_000 ether,
                decayBps: 0,
                maxSupply: 1_000_000_000 ether,
                seedReserve: 10_000_000 ether,
                contributorBps: 0,
                contributorRecipient: address(0)
            })
        );
    }
}

/// @notice A real network: Lido's stETH and wstETH and the official Uniswap V2 factory, from the environment
/// (STETH, WSTETH, UNISWAP_V2_FACTORY, GUARDIAN). `DEPLOYMENT_FILE` receives the addresses.
contract DeployNetwork is DeployBase {
    function run() external returns (Deployment memory d) {
        address stETH = vm.envAddress("STETH");
        address wstETH = vm.envAddress("WSTETH");
        address factory = vm.envAddress("UNISWAP_V2_FACTORY");
        address guardian = vm.envAddress("GUARDIAN");
        vm.startBroadcast();
        (TechnoCapitalMachine machine, TokenDeployer tokenDeployer) =
            deployMachine(IStETH(stETH), IWstETH(wstETH), IUniswapV2Factory(factory), guardian);
        vm.stopBroadcast();
        d = Deployment({
            chainId: block.chainid,
            machine: address(machine),
            stETH: stETH,
            wstETH: wstETH,
            uniswapV2Factory: factory,
            uniswapV2Router: vm.envOr("UNISWAP_V2_ROUTER", address(0)),
            weth: vm.envOr("WETH", address(0)),
            tokenDeployer: address(tokenDeployer),
            guardian: guardian,
            genesis: machine.genesis(),
            deployBlock: block.number
        });
        writeDeployment(
            d, vm.envOr("DEPLOYMENT_FILE", string.concat("deployments/", vm.toString(block.chainid), ".json"))
        );
    }
}

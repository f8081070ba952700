// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Base.t.sol";
import {ITechnoCapitalMachine} from "../../src/interfaces/ITechnoCapitalMachine.sol";
import {ProjectToken} from "../../src/ProjectToken.sol";
import {TokenDeployer} from "../../src/TokenDeployer.sol";
import {CreateAddress} from "../../src/libraries/CreateAddress.sol";
import {IUniswapV2Factory, IUniswapV2Pair} from "../../src/interfaces/external/IUniswapV2.sol";
import {LaunchParams, ProjectView} from "../../src/types/DataTypes.sol";

/// @notice launchProject, the project owner's powers, the guardian's powers, the project token.
contract LaunchTest is Base {
    function test_Launch_RegistersTokenAndPair() public {
        LaunchParams memory params = defaultParams();
        vm.prank(developer);
        (uint32 id, address token, address pair) = machine.launchProject(params);
        assertEq(id, 1);
        assertEq(machine.projectCount(), 1);
        ProjectView memory v = project(id);
        assertEq(v.token, token);
        assertEq(v.pair, pair);
        assertEq(v.owner, developer);
        assertEq(v.launchPrice, params.launchPrice);
        assertEq(v.maxSupply, params.maxSupply);
        assertEq(v.emissionCap, params.maxSupply - params.seedReserve, "the seed reserve is never emitted");
        assertEq(v.seedReserve, params.seedReserve);
        assertEq(v.metadataURI, params.metadataURI);
        assertEq(v.startTime, block.timestamp);
        assertFalse(v.seeded);
        assertEq(IUniswapV2Factory(factory).getPair(token, address(wstETH)), pair);
        assertEq(v.tokenIsToken0, IUniswapV2Pair(pair).token0() == token);
        ProjectToken t = ProjectToken(token);
        assertEq(t.machine(), address(machine));
        assertEq(t.maxSupply(), params.maxSupply);
        assertEq(t.pair(), pair);
        assertEq(t.totalSupply(), 0, "no pre-mine");
        assertEq(t.symbol(), params.symbol);
        assertEq(machine.nextHarvestTime(id), machine.genesis() + (machine.currentEpoch() + 1) * EPOCH);
    }

    function test_Launch_AdoptsPairCreatedInAdvance() public {
        // Someone front-runs by creating the pair for the token's predictable address.
        address predicted = vm.computeCreateAddress(deployment.tokenDeployer, vm.getNonce(deployment.tokenDeployer));
        address pair = IUniswapV2Factory(factory).createPair(predicted, address(wstETH));
        uint32 id = launch();
        assertEq(project(id).token, predicted);
        assertEq(project(id).pair, pair);
    }

    function test_RevertWhen_LaunchParamsOutOfBounds() public {
        LaunchParams memory p = defaultParams();
        p.name = "";
        vm.expectRevert(ITechnoCapitalMachine.TCM_EmptyName.selector);
        machine.launchProject(p);
        p = defaultParams();
        p.symbol = "";
        vm.expectRevert(ITechnoCapitalMachine.TCM_EmptySymbol.selector);
        machine.launchProject(p);
        // Texts are bounded in UTF-8 bytes: every reader gets them back through eth_call (multicall return data is capped).
        p = defaultParams();
        p.name = string(new bytes(65));
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NameTooLong.selector, 65, 64));
        machine.launchProject(p);
        p = defaultParams();
        p.symbol = string(new bytes(33));
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_SymbolTooLong.selector, 33, 32));
        machine.launchProject(p);
        p = defaultParams();
        p.metadataURI = string(new bytes(513));
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_MetadataURITooLong.selector, 513, 512));
        machine.launchProject(p);
        p = defaultParams();
        p.name = string(new bytes(64));
        p.symbol = string(new bytes(32));
        p.metadataURI = string(new bytes(512));
        machine.launchProject(p); // exactly at the limits
        p = defaultParams();
        p.launchPrice = 1e5;
        vm.expectRevert(
            abi.encodeWithSelector(ITechnoCapitalMachine.TCM_LaunchPriceOutOfBounds.selector, 1e5, 1e6, 1e24)
        );
        machine.launchProject(p);
        p.launchPrice = 1e24 + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ITechnoCapitalMachine.TCM_LaunchPriceOutOfBounds.selector, 1e24 + 1, 1e6, 1e24)
        );
        machine.launchProject(p);
        p = defaultParams();
        p.maxSupply = 2 ** 95;
        vm.expectRevert(
            abi.encodeWithSelector(ITechnoCapitalMachine.TCM_MaxSupplyOutOfBounds.selector, 2 ** 95, 1e18, 2 ** 95 - 1)
        );
        machine.launchProject(p);
        p = defaultParams();
        p.dailyEmission = p.maxSupply - p.seedReserve + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ITechnoCapitalMachine.TCM_DailyEmissionOutOfBounds.selector,
                p.dailyEmission,
                1,
                p.maxSupply - p.seedReserve
            )
        );
        machine.launchProject(p);
        p = defaultParams();
        p.seedReserve = 1e15 - 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ITechnoCapitalMachine.TCM_SeedReserveOutOfBounds.selector, 1e15 - 1, 1e15, p.maxSupply / 2
            )
        );
        machine.launchProject(p);
        p.seedReserve = p.maxSupply / 2 + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ITechnoCapitalMachine.TCM_SeedReserveOutOfBounds.selector, p.maxSupply / 2 + 1, 1e15, p.maxSupply / 2
            )
        );
        machine.launchProject(p);
        p = defaultParams();
        p.decayBps = 5_001;
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_DecayOutOfBounds.selector, 5_001, 5_000));
        machine.launchProject(p);
        p = defaultParams();
        p.contributorBps = 2_001;
        vm.expectRevert(
            abi.encodeWithSelector(ITechnoCapitalMachine.TCM_ContributorShareOutOfBounds.selector, 2_001, 2_000)
        );
        machine.launchProject(p);
        p = defaultParams();
        p.contributorRecipient = address(0);
        vm.expectRevert(ITechnoCapitalMachine.TCM_ContributorRecipientZero.selector);
        machine.launchProject(p);
    }

    function test_Owner_EditsMetadataLowersShareRenounces() public {
        uint32 id = launch();
        vm.startPrank(developer);
        machine.setMetadataURI(id, "ipfs://v2");
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_MetadataURITooLong.selector, 513, 512));
        machine.setMetadataURI(id, string(new bytes(513)));
        machine.lowerContributorShare(id, 500);
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_ContributorShareNotLower.selector, 500, 600));
        machine.lowerContributorShare(id, 600);
        machine.setContributorRecipient(id, carol);
        vm.expectRevert(ITechnoCapitalMachine.TCM_ContributorRecipientZero.selector);
        machine.setContributorRecipient(id, address(0));
        machine.transferProjectOwnership(id, address(0));
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NotProjectOwner.selector, id, developer));
        machine.setMetadataURI(id, "ipfs://v3");
        vm.stopPrank();
        // The owner check comes first: a stranger learns nothing about the URI rules.
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NotProjectOwner.selector, id, alice));
        machine.setMetadataURI(id, string(new bytes(513)));
        ProjectView memory v = project(id);
        assertEq(v.metadataURI, "ipfs://v2");
        assertEq(v.contributorBps, 500);
        assertEq(v.contributorRecipient, carol);
        assertEq(v.owner, address(0));
    }

    function test_LowerContributorShare_SettlesEarlierEmissionAtTheOldShare() public {
        uint32 id = launch();
        deposit(alice, 10 ether, one(id));
        vm.warp(block.timestamp + 1 days);
        vm.prank(developer);
        machine.lowerContributorShare(id, 0);
        uint256 emittedDay = machine.emittedUpTo(id, block.timestamp);
        vm.warp(block.timestamp + 1 days);
        assertEq(machine.claimContributor(id), emittedDay * 1_000 / 10_000, "nothing after the share went to 0");
    }

    function test_RevertWhen_NotOwner() public {
        uint32 id = launch();
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NotProjectOwner.selector, id, alice));
        vm.prank(alice);
        machine.lowerContributorShare(id, 0);
    }

    function test_Guardian_PausesDepositsAndHarvestsOnly() public {
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NotGuardian.selector, alice));
        vm.prank(alice);
        machine.setPaused(true, true);
        vm.prank(guardian);
        machine.setPaused(false, true);
        assertTrue(machine.harvestsPaused());
        assertFalse(machine.depositsPaused());
        uint32 id = launch();
        deposit(alice, 10 ether, one(id));
        nextEpoch();
        rebaseBps(10);
        vm.expectRevert(ITechnoCapitalMachine.TCM_HarvestsPaused.selector);
        harvest(id);
        assertFalse(machine.isHarvestReady(id));
        vm.prank(guardian);
        machine.transferGuardian(bob);
        vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NotGuardian.selector, guardian));
        vm.prank(guardian);
        machine.setPaused(false, false);
        vm.prank(bob);
        machine.setPaused(false, false);
        harvest(id);
    }

    function test_Token_OnlyMachineMintsAndCapHolds() public {
        uint32 id = launch();
        ProjectToken t = tokenOf(id);
        vm.expectRevert(abi.encodeWithSelector(ProjectToken.ProjectToken_OnlyMachine.selector, alice));
        vm.prank(alice);
        t.mint(alice, 1);
        uint256 cap = t.maxSupply();
        address pair = t.pair();
        vm.startPrank(address(machine));
        vm.expectRevert(abi.encodeWithSelector(ProjectToken.ProjectToken_CapExceeded.selector, cap + 1, cap));
        t.mint(alice, cap + 1);
        vm.stopPrank();
        assertEq(pair, project(id).pair, "the token knows its pair from birth");
    }

    function test_TokenDeployer_BoundToOneMachine() public {
        TokenDeployer deployer = machine.tokenDeployer();
        assertEq(deployer.machine(), address(machine));
        vm.expectRevert(abi.encodeWithSelector(TokenDeployer.TokenDeployer_AlreadyBound.selector, address(machine)));
        vm.prank(alice);
        deployer.bind();
        vm.expectRevert(abi.encodeWithSelector(TokenDeployer.TokenDeployer_NotMachine.selector, alice));
        vm.prank(alice);
        deployer.deploy("X", "X", "", 1e18, alice);
    }

    /// @dev Project n's token is the deployer's n-th CREATE: what claims and departures mint through.
    function test_TokenAddress_IsTheDeployersNthCreate() public {
        for (uint256 i; i < 3; ++i) {
            uint32 id = launch();
            assertEq(address(tokenOf(id)), vm.computeCreateAddress(address(machine.tokenDeployer()), id));
        }
    }

    function testFuzz_CreateAddress_MatchesForge(address deployer, uint256 nonce) public view {
        nonce = bound(nonce, 1, 0xffffff);
        assertEq(CreateAddress.compute(deployer, nonce), vm.computeCreateAddress(deployer, nonce));
    }

    function test_CreateAddress_NonceBoundaries() public view {
        uint256[10] memory nonces =
            [uint256(1), 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xfffff, 0xfffff + 1, 0xffffff];
        for (uint256 i; i < nonces.length; ++i) {
            assertEq(CreateAddress.compute(address(this), nonces[i]), vm.computeCreateAddress(address(this), nonces[i]));
        }
    }

    function test_Launch_RevertsBeyondTheProjectLimit() public {
        // projectCount shares storage slot 1 with _accYield and the pause flags (`forge inspect
        // TechnoCapitalMachine storage-layout`); set it to the limit instead of launching a million projects.
        bytes32 slot = bytes32(uint256(1));
        uint256 word = uint256(vm.load(address(machine), slot));
        uint256 shift = 128 + 8 + 8; // after _accYield (128), depositsPaused, harvestsPaused
        word = (word & ~(uint256(type(uint32).max) << shift)) | (machine.MAX_PROJECT_ID() << shift);
        vm.store(address(machine), slot, bytes32(word));
        assertEq(machine.projectCount(), machine.MAX_PROJECT_ID());
        vm.expectRevert(
            abi.encodeWithSelector(ITechnoCapitalMachine.TCM_ProjectLimit.selector, machine.MAX_PROJECT_ID())
        );
        machine.launchProject(defaultParams());
    }

    function test_Token_RefusesThePairUntilSeeded() public {
        uint32 id = launch();
        deposit(alice, 10 ether, one(id));
        vm.warp(block.timestamp + 1 hours);
        address pair = project(id).pair;
        // Claiming to the pair (a mint) and transferring to it are both refused before seeding.
        vm.expectRevert(abi.encodeWithSelector(ProjectToken.ProjectToken_PoolNotOpen.selector, pair));
        vm.prank(alice);
        machine.claim(ids(id), pair);
        vm.prank(alice);
        machine.claim(ids(id), alice);
        ProjectToken t = tokenOf(id);
        vm.expectRevert(abi.encodeWithSelector(ProjectToken.ProjectToken_PoolNotOpen.selector, pair));
        vm.prank(alice);
        t.transfer(pair, 1);
        nextEpoch();
        rebaseBps(10);
        harvest(id);
        vm.prank(alice);
        t.transfer(pair, 1);
    }
}

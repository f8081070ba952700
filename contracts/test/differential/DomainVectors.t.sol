// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {Allocation} from "../../src/libraries/Allocation.sol";
import {Emission} from "../../src/libraries/Emission.sol";
import {FixedPointMath} from "../../src/libraries/FixedPointMath.sol";
import {UniswapV2Math} from "../../src/libraries/UniswapV2Math.sol";
import {MockStETH} from "../../src/mocks/MockStETH.sol";
import {MockWstETH} from "../../src/mocks/MockWstETH.sol";
import {IStETH} from "../../src/interfaces/external/IStETH.sol";
import {Vm} from "forge-std/Vm.sol";
import {Base} from "../utils/Base.t.sol";
import {AllocationInput, LaunchParams, PositionEntryView, ProjectView} from "../../src/types/DataTypes.sol";
import {TechnoCapitalMachine} from "../../src/TechnoCapitalMachine.sol";
import {ITechnoCapitalMachine} from "../../src/interfaces/ITechnoCapitalMachine.sol";
import {IUniswapV2Pair} from "../../src/interfaces/external/IUniswapV2.sol";
import {IUniswapV2Router02} from "../../src/interfaces/external/IUniswapV2Router.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DeployDevnet, Deployment} from "../../script/Deploy.s.sol";

/// @notice Exposes the internal library functions so the test calls exactly the code the machine runs.
contract LibraryHarness {
    function mulDivDown(uint256 x, uint256 y, uint256 d) external pure returns (uint256) {
        return FixedPointMath.mulDivDown(x, y, d);
    }

    function mulDivUp(uint256 x, uint256 y, uint256 d) external pure returns (uint256) {
        return FixedPointMath.mulDivUp(x, y, d);
    }

    function rpowDown(uint256 x, uint256 n) external pure returns (uint256) {
        return FixedPointMath.rpowDown(x, n);
    }

    function split(uint256 principal, uint16[8] memory bps, uint256 count) external pure returns (uint256[8] memory) {
        return Allocation.split(principal, bps, count);
    }

    function decayFactor(uint256 decayBps, uint256 k) external pure returns (uint256) {
        return Emission.decayFactor(decayBps, k);
    }

    function cumulativeAtEpoch(uint256 daily, uint256 decayBps, uint256 k) external pure returns (uint256) {
        return Emission.cumulativeAtEpoch(daily, decayBps, k);
    }

    function cumulative(uint256 daily, uint256 decayBps, uint256 cap, uint256 elapsed) external pure returns (uint256) {
        return Emission.cumulative(daily, decayBps, cap, elapsed);
    }

    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) external pure returns (uint256) {
        return UniswapV2Math.getAmountOut(amountIn, reserveIn, reserveOut);
    }

    function sqrt(uint256 y) external pure returns (uint256) {
        return UniswapV2Math.sqrt(y);
    }

    function priceUQ112(uint256 reserveQuote, uint256 reserveBase) external pure returns (uint256) {
        return UniswapV2Math.priceUQ112(reserveQuote, reserveBase);
    }
}

/// @notice TechnoCapitalMachine's two internal reward-entry functions, copied verbatim (they are internal to the
/// machine, which has no harness). They MUST stay identical to `_owed` and `_debtFor` in
/// src/TechnoCapitalMachine.sol; `test_RewardsCopy_MatchesMachine` checks the copy against the machine's views.
contract RewardsHarness {
    uint256 internal constant REWARD_SHIFT = 64;
    uint256 internal constant U96 = (1 << 96) - 1;

    function owed(uint256 debt, uint256 part, uint256 rewardAcc) external pure returns (uint256) {
        int96 owed_;
        unchecked {
            owed_ = int96(uint96(((part * rewardAcc) >> REWARD_SHIFT) - debt));
        }
        return owed_ > 0 ? uint256(uint96(owed_)) : 0;
    }

    function debtFor(uint256 part, uint256 rewardAcc, uint256 owed_) external pure returns (uint256) {
        unchecked {
            return (((part * rewardAcc + (1 << REWARD_SHIFT) - 1) >> REWARD_SHIFT) - owed_) & U96;
        }
    }
}

/// @notice Differential test: packages/domain (TypeScript) and the Solidity libraries agree on every vector in
/// test/vectors/domain-vectors.json (regenerate with `npx tsx packages/domain/scripts/vectors.ts`).
contract DomainVectorsTest is Test {
    LibraryHarness internal harness;
    RewardsHarness internal rewards;
    string internal json;

    function setUp() public {
        harness = new LibraryHarness();
        rewards = new RewardsHarness();
        json = vm.readFile(string.concat(vm.projectRoot(), "/test/vectors/domain-vectors.json"));
    }

    function _uints(string memory key) internal view returns (uint256[] memory) {
        return vm.parseJsonUintArray(json, key);
    }

    function test_Vectors_MulDiv() public view {
        uint256[] memory x = _uints(".mulDiv.x");
        uint256[] memory y = _uints(".mulDiv.y");
        uint256[] memory d = _uints(".mulDiv.d");
        uint256[] memory down = _uints(".mulDiv.down");
        uint256[] memory up = _uints(".mulDiv.up");
        assertGt(x.length, 0, "no vectors");
        for (uint256 i; i < x.length; ++i) {
            assertEq(harness.mulDivDown(x[i], y[i], d[i]), down[i], "mulDivDown");
            assertEq(harness.mulDivUp(x[i], y[i], d[i]), up[i], "mulDivUp");
        }
    }

    function test_Vectors_RpowDown() public view {
        uint256[] memory x = _uints(".rpow.x");
        uint256[] memory n = _uints(".rpow.n");
        uint256[] memory z = _uints(".rpow.z");
        assertGt(x.length, 0, "no vectors");
        for (uint256 i; i < x.length; ++i) {
            assertEq(harness.rpowDown(x[i], n[i]), z[i], "rpowDown");
        }
    }

    function test_Vectors_AllocationSplit() public view {
        uint256[] memory principal = _uints(".allocation.principal");
        uint256[] memory count = _uints(".allocation.count");
        uint256[] memory bps = _uints(".allocation.bps");
        uint256[] memory parts = _uints(".allocation.parts");
        assertGt(principal.length, 0, "no vectors");
        for (uint256 i; i < principal.length; ++i) {
            uint16[8] memory weights;
            for (uint256 j; j < 8; ++j) {
                weights[j] = uint16(bps[i * 8 + j]);
            }
            uint256[8] memory got = harness.split(principal[i], weights, count[i]);
            for (uint256 j; j < 8; ++j) {
                assertEq(got[j], parts[i * 8 + j], "split part");
            }
        }
    }

    function test_Vectors_Emission() public view {
        uint256[] memory daily = _uints(".emission.daily");
        uint256[] memory decay = _uints(".emission.decay");
        uint256[] memory cap = _uints(".emission.cap");
        uint256[] memory elapsed = _uints(".emission.elapsed");
        uint256[] memory epoch = _uints(".emission.epoch");
        uint256[] memory factor = _uints(".emission.factor");
        uint256[] memory atEpoch = _uints(".emission.atEpoch");
        uint256[] memory cumulative = _uints(".emission.cumulative");
        assertGt(daily.length, 0, "no vectors");
        for (uint256 i; i < daily.length; ++i) {
            assertEq(harness.decayFactor(decay[i], epoch[i]), factor[i], "decayFactor");
            assertEq(harness.cumulativeAtEpoch(daily[i], decay[i], epoch[i]), atEpoch[i], "cumulativeAtEpoch");
            assertEq(harness.cumulative(daily[i], decay[i], cap[i], elapsed[i]), cumulative[i], "cumulative");
        }
    }

    function test_Vectors_GetAmountOut() public view {
        uint256[] memory amountIn = _uints(".amountOut.amountIn");
        uint256[] memory reserveIn = _uints(".amountOut.reserveIn");
        uint256[] memory reserveOut = _uints(".amountOut.reserveOut");
        uint256[] memory amountOut = _uints(".amountOut.amountOut");
        assertGt(amountIn.length, 0, "no vectors");
        for (uint256 i; i < amountIn.length; ++i) {
            assertEq(harness.getAmountOut(amountIn[i], reserveIn[i], reserveOut[i]), amountOut[i], "getAmountOut");
        }
    }

    function test_Vectors_Sqrt() public view {
        uint256[] memory y = _uints(".sqrt.y");
        uint256[] memory root = _uints(".sqrt.root");
        assertGt(y.length, 0, "no vectors");
        for (uint256 i; i < y.length; ++i) {
            assertEq(harness.sqrt(y[i]), root[i], "sqrt");
        }
    }

    function test_Vectors_PriceUQ112() public view {
        uint256[] memory quote = _uints(".price.reserveQuote");
        uint256[] memory base = _uints(".price.reserveBase");
        uint256[] memory price = _uints(".price.priceUQ");
        assertGt(quote.length, 0, "no vectors");
        for (uint256 i; i < quote.length; ++i) {
            assertEq(harness.priceUQ112(quote[i], base[i]), price[i], "priceUQ112");
        }
    }

    /// @dev Lido conversions through the mocks themselves: a MockStETH bootstrapped with `totalShares` and rebased
    ///      to `pooled`, and a MockWstETH over it.
    function test_Vectors_LidoConversions() public {
        uint256[] memory totalShares = _uints(".lido.totalShares");
        uint256[] memory pooled = _uints(".lido.pooled");
        uint256[] memory amount = _uints(".lido.amount");
        uint256[] memory sharesByPooledEth = _uints(".lido.sharesByPooledEth");
        uint256[] memory pooledEthByShares = _uints(".lido.pooledEthByShares");
        assertGt(totalShares.length, 0, "no vectors");
        for (uint256 i; i < totalShares.length; ++i) {
            vm.deal(address(this), totalShares[i]);
            MockStETH stETH = new MockStETH{value: totalShares[i]}(address(0));
            stETH.rebase(int256(pooled[i]) - int256(totalShares[i]));
            MockWstETH wstETH = new MockWstETH(IStETH(address(stETH)));
            assertEq(stETH.getTotalShares(), totalShares[i], "totalShares");
            assertEq(stETH.getTotalPooledEther(), pooled[i], "pooled");
            assertEq(stETH.getSharesByPooledEth(amount[i]), sharesByPooledEth[i], "getSharesByPooledEth");
            assertEq(stETH.getPooledEthByShares(amount[i]), pooledEthByShares[i], "getPooledEthByShares");
            assertEq(wstETH.getWstETHByStETH(amount[i]), sharesByPooledEth[i], "getWstETHByStETH");
            assertEq(wstETH.getStETHByWstETH(amount[i]), pooledEthByShares[i], "getStETHByWstETH");
        }
    }

    function test_Vectors_RewardEntries() public view {
        uint256[] memory part = _uints(".rewards.part");
        uint256[] memory rewardAcc = _uints(".rewards.rewardAcc");
        uint256[] memory debt = _uints(".rewards.debt");
        uint256[] memory owed = _uints(".rewards.owed");
        uint256[] memory owedIn = _uints(".rewards.owedIn");
        uint256[] memory debtFor = _uints(".rewards.debtFor");
        assertGt(part.length, 0, "no vectors");
        for (uint256 i; i < part.length; ++i) {
            assertEq(rewards.owed(debt[i], part[i], rewardAcc[i]), owed[i], "_owed");
            assertEq(rewards.debtFor(part[i], rewardAcc[i], owedIn[i]), debtFor[i], "_debtFor");
        }
    }
}

/// @notice The copied `_owed` / `_debtFor` against the deployed machine: entries read from storage, rewards read
/// from the machine's views, after deposits, top-ups, reallocations and claims at odd times and amounts.
contract RewardsCopyTest is Base {
    uint256 internal constant ENTRIES_SLOT = 5; // `forge inspect TechnoCapitalMachine storageLayout`
    RewardsHarness internal rewards;

    function setUp() public override {
        super.setUp();
        rewards = new RewardsHarness();
    }

    /// @dev Entry `index` of the account's position: its stored debt (two entries a word, see `_entries`) and its
    ///      part (not stored: positionOf derives it).
    function _entry(address account, uint256 index) internal view returns (uint256 debt, uint256 part) {
        uint256 base = uint256(keccak256(abi.encode(account, ENTRIES_SLOT)));
        uint256 word = uint256(vm.load(address(machine), bytes32(base + index / 2)));
        debt = uint96(word >> (112 * (index % 2) + 16));
        (, PositionEntryView[] memory entries) = machine.positionOf(account);
        part = entries[index].principal;
    }

    /// @dev Brings project `id`'s stored accrual to now (claimContributor accrues, and pays nobody when the
    ///      contributor share is 0), so that the stored index is the one the views and claims use in this block.
    function _accrueNow(uint32 id) internal {
        machine.claimContributor(id);
    }

    function _checkOwed(address account, uint32 id, uint256 index) internal {
        _accrueNow(id);
        (uint256 debt, uint256 part) = _entry(account, index);
        assertEq(project(id).lastAccrual, block.timestamp, "accrued now");
        assertEq(rewards.owed(debt, part, project(id).rewardAcc), machine.pendingRewards(account, id), "owed");
    }

    function test_RewardsCopy_MatchesMachine() public {
        uint32 a = launch();
        uint32 b = launch();
        deposit(alice, 3.333333333333333331 ether, two(a, 3_333, b));
        vm.warp(block.timestamp + 7_777);
        deposit(bob, 1.000000000000000007 ether, one(a));
        _checkOwed(alice, a, 0);
        _checkOwed(alice, b, 1);
        _checkOwed(bob, a, 0);

        // A top-up keeps what was owed and writes the rounded-up debt for the new part.
        vm.warp(block.timestamp + 12_345);
        uint256 owedBefore = machine.pendingRewards(alice, a);
        fund(alice, 0.777 ether);
        vm.prank(alice);
        machine.topUp(0.777 ether);
        (uint256 debt, uint256 part) = _entry(alice, 0);
        assertEq(debt, rewards.debtFor(part, project(a).rewardAcc, owedBefore), "debt after top-up");
        _checkOwed(alice, a, 0);
        _checkOwed(bob, a, 0);

        // A claim leaves the debt at the rounded-up accrual (owed 0), with the index brought to now in memory.
        vm.warp(block.timestamp + 99_999);
        vm.prank(bob);
        machine.claim(ids(a), bob);
        _accrueNow(a); // same block: the index the claim computed
        (debt, part) = _entry(bob, 0);
        assertEq(debt, rewards.debtFor(part, project(a).rewardAcc, 0), "debt after claim");
        assertEq(machine.pendingRewards(bob, a), 0, "nothing owed after a claim");
        _checkOwed(alice, a, 0);

        // Leaving a project pays what it owes; the remaining project moves to entry 0.
        vm.warp(block.timestamp + 3_601);
        owedBefore = machine.pendingRewards(alice, a);
        uint256 balanceBefore = tokenOf(a).balanceOf(alice);
        vm.prank(alice);
        machine.reallocate(one(b));
        assertEq(tokenOf(a).balanceOf(alice) - balanceBefore, owedBefore, "paid on leaving");
        assertEq(machine.pendingRewards(alice, a), 0, "nothing left");
        _checkOwed(alice, b, 0);
    }
}

/// @notice The harvest / deploy-step scenario of the vectors (`deploySteps`, built by packages/domain/scripts/vector-set.ts
/// with the domain model), replayed on a fresh devnet deployment: every Harvested / Deployed report the machine
/// emits, every expected deploy revert, and after every harvest or step each project's books (pending wstETH, carried
/// tokens, reference price, observation, last step, liquidity) and its pool equal the model's, to the wei. Action
/// kinds and layouts are documented in vector-set.ts (ACTION, REVERT, CHECK_FIELDS).
contract DeployStepVectorsTest is Test {
    uint256 internal constant CHECK_WIDTH = 11;

    string internal json;
    TechnoCapitalMachine internal machine;
    MockStETH internal stETH;
    MockWstETH internal wstETH;
    IUniswapV2Router02 internal router;
    address[4] internal actors;
    address internal keeper = makeAddr("vectors keeper");
    address internal developer = makeAddr("vectors developer");

    // The scenario, kept in storage (too many arrays for the stack).
    uint256[] internal kind;
    uint256[] internal actor;
    uint256[] internal projectId;
    uint256[] internal amount;
    uint256[] internal extra;
    uint256[] internal revertCode;
    uint256[] internal revertArg;
    uint256[] internal eventCount;
    uint256[] internal eventKind;
    uint256[] internal eventProject;
    uint256[] internal eventData;
    uint256[] internal checks;
    uint256 internal nextEvent;
    uint256 internal nextWord;
    uint256 internal nextCheck;

    function setUp() public {
        json = vm.readFile(string.concat(vm.projectRoot(), "/test/vectors/domain-vectors.json"));
        vm.warp(vm.parseJsonUint(json, ".deploySteps.config.genesis"));
        Deployment memory d = new DeployDevnet().deploy(makeAddr("vectors guardian"));
        machine = TechnoCapitalMachine(d.machine);
        stETH = MockStETH(payable(d.stETH));
        wstETH = MockWstETH(payable(d.wstETH));
        router = IUniswapV2Router02(d.uniswapV2Router);
        actors =
            [makeAddr("vectors alice"), makeAddr("vectors bob"), makeAddr("vectors trader"), makeAddr("vectors donor")];
        for (uint256 i; i < 4; ++i) {
            vm.startPrank(actors[i]);
            stETH.approve(address(machine), type(uint256).max);
            stETH.approve(address(wstETH), type(uint256).max);
            wstETH.approve(address(router), type(uint256).max);
            vm.stopPrank();
        }
    }

    function _uints(string memory key) internal view returns (uint256[] memory) {
        return vm.parseJsonUintArray(json, string.concat(".deploySteps.", key));
    }

    function _config(string memory key) internal view returns (uint256) {
        return vm.parseJsonUint(json, string.concat(".deploySteps.config.", key));
    }

    function test_Vectors_DeploySteps() public {
        assertEq(machine.genesis(), _config("genesis"), "genesis");
        assertEq(machine.bountyBps(), _config("bountyBps"), "bountyBps");
        assertEq(machine.maxBounty(), _config("maxBounty"), "maxBounty");
        assertEq(machine.maxImpactBps(), _config("maxImpactBps"), "maxImpactBps");
        assertEq(machine.minHarvestValue(), _config("minHarvestValue"), "minHarvestValue");
        assertEq(machine.stepInterval(), _config("stepInterval"), "stepInterval");
        assertEq(machine.followWindow(), _config("followWindow"), "followWindow");
        assertEq(machine.stepBountyBps(), _config("stepBountyBps"), "stepBountyBps");
        assertEq(machine.maxStepBounty(), _config("maxStepBounty"), "maxStepBounty");
        kind = _uints("actions.kind");
        actor = _uints("actions.actor");
        projectId = _uints("actions.projectId");
        amount = _uints("actions.amount");
        extra = _uints("actions.extra");
        revertCode = _uints("actions.revert");
        revertArg = _uints("actions.revertArg");
        eventCount = _uints("actions.events");
        eventKind = _uints("events.kind");
        eventProject = _uints("events.projectId");
        eventData = _uints("events.data");
        checks = _uints("checks");
        assertGt(kind.length, 100, "no scenario");
        for (uint256 i; i < kind.length; ++i) {
            vm.recordLogs();
            _act(i);
            _checkEvents(i, vm.getRecordedLogs());
            if (kind[i] >= 5 && kind[i] <= 8 && revertCode[i] == 0) _checkBooks(i);
        }
        assertEq(nextEvent, eventKind.length, "every expected event seen");
        assertEq(nextWord, eventData.length, "every event word seen");
        assertEq(nextCheck, checks.length, "every check done");
    }

    function _ids(uint256 mask) internal view returns (uint32[] memory list) {
        uint256 count = machine.projectCount();
        uint256 n;
        for (uint256 id = 1; id <= count; ++id) {
            if ((mask >> id) & 1 == 1) ++n;
        }
        list = new uint32[](n);
        n = 0;
        for (uint256 id = 1; id <= count; ++id) {
            if ((mask >> id) & 1 == 1) list[n++] = uint32(id);
        }
    }

    function _act(uint256 i) internal {
        uint256 k = kind[i];
        address who = actors[actor[i]];
        uint32 id = uint32(projectId[i]);
        uint256 value = amount[i];
        if (k == 0) {
            vm.warp(block.timestamp + value);
        } else if (k == 1) {
            vm.deal(who, value);
            vm.prank(who);
            stETH.submit{value: value}(address(0));
        } else if (k == 2) {
            vm.prank(who);
            wstETH.wrap(value);
        } else if (k == 3) {
            _deposit(who, value, extra[i]);
        } else if (k == 4) {
            stETH.rebase(extra[i] == 1 ? -int256(value) : int256(value));
        } else if (k == 5) {
            vm.prank(keeper);
            machine.harvest(id);
        } else if (k == 6) {
            uint32[] memory list = _ids(extra[i]);
            vm.prank(keeper);
            machine.harvestMany(list);
        } else if (k == 7) {
            if (revertCode[i] == 1) {
                vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_StepNotDue.selector, id, revertArg[i]));
            } else if (revertCode[i] == 2) {
                vm.expectRevert(
                    abi.encodeWithSelector(
                        ITechnoCapitalMachine.TCM_NothingToDeploy.selector, id, revertArg[i], machine.MIN_DEPLOY()
                    )
                );
            }
            vm.prank(keeper);
            machine.deploy(id);
        } else if (k == 8) {
            uint32[] memory list = _ids(extra[i]);
            vm.prank(keeper);
            machine.deployMany(list);
        } else if (k == 9 || k == 10) {
            _swap(who, id, value, k == 10);
        } else if (k == 11) {
            address pair = machine.getProject(id).pair;
            vm.prank(who);
            wstETH.transfer(pair, value);
        } else if (k == 12) {
            IUniswapV2Pair(machine.getProject(id).pair).sync();
        } else if (k == 13) {
            _launch(extra[i]);
        } else if (k == 14) {
            uint32[] memory one = new uint32[](1);
            one[0] = id;
            vm.prank(who);
            machine.claim(one, who);
        } else {
            revert("unknown action kind");
        }
    }

    function _deposit(address who, uint256 value, uint256 packed) internal {
        uint256 n;
        for (uint256 p = 1; p <= 3; ++p) {
            if ((packed >> (16 * (p - 1))) & 0xffff != 0) ++n;
        }
        AllocationInput[] memory allocation = new AllocationInput[](n);
        n = 0;
        for (uint256 p = 1; p <= 3; ++p) {
            uint256 bps = (packed >> (16 * (p - 1))) & 0xffff;
            if (bps != 0) allocation[n++] = AllocationInput(uint32(p), uint16(bps));
        }
        vm.prank(who);
        machine.deposit(value, allocation);
    }

    function _swap(address who, uint32 id, uint256 value, bool sell) internal {
        address token = machine.getProject(id).token;
        address[] memory path = new address[](2);
        (path[0], path[1]) = sell ? (token, address(wstETH)) : (address(wstETH), token);
        vm.prank(who);
        router.swapExactTokensForTokens(value, 0, path, who, block.timestamp);
    }

    function _launch(uint256 index) internal {
        string memory n = vm.toString(index + 1);
        uint256 contributorBps = _uints("launches.contributorBps")[index];
        LaunchParams memory params = LaunchParams({
            name: string.concat("V", n),
            symbol: string.concat("V", n),
            metadataURI: string.concat("ipfs://v", n),
            launchPrice: _uints("launches.launchPrice")[index],
            dailyEmission: _uints("launches.dailyEmission")[index],
            decayBps: _uints("launches.decayBps")[index],
            maxSupply: _uints("launches.maxSupply")[index],
            seedReserve: _uints("launches.seedReserve")[index],
            contributorBps: contributorBps,
            contributorRecipient: contributorBps == 0 ? address(0) : actors[3]
        });
        vm.prank(developer);
        (, address token,) = machine.launchProject(params);
        for (uint256 i; i < 4; ++i) {
            vm.prank(actors[i]);
            IERC20(token).approve(address(router), type(uint256).max);
        }
    }

    /// @dev The Harvested / Deployed events of action `i`, against the expected ones in order, word for word.
    function _checkEvents(uint256 i, Vm.Log[] memory logs) internal {
        uint256 seen;
        for (uint256 j; j < logs.length; ++j) {
            Vm.Log memory log = logs[j];
            if (log.emitter != address(machine)) continue;
            bool harvested = log.topics[0] == ITechnoCapitalMachine.Harvested.selector;
            if (!harvested && log.topics[0] != ITechnoCapitalMachine.Deployed.selector) continue;
            ++seen;
            uint256 e = nextEvent++;
            assertEq(harvested ? 1 : 2, eventKind[e], string.concat("event kind, action ", vm.toString(i)));
            assertEq(uint256(log.topics[1]), eventProject[e], string.concat("event project, action ", vm.toString(i)));
            assertEq(address(uint160(uint256(log.topics[2]))), keeper, "event caller");
            uint256 words = harvested ? 7 : 17;
            bytes memory data = log.data;
            assertEq(data.length, words * 32, "event size");
            for (uint256 w; w < words; ++w) {
                uint256 got;
                assembly ("memory-safe") {
                    got := mload(add(add(data, 32), mul(w, 32)))
                }
                assertEq(
                    got,
                    eventData[nextWord++],
                    string.concat("action ", vm.toString(i), " event ", vm.toString(e), " word ", vm.toString(w))
                );
            }
        }
        assertEq(seen, eventCount[i], string.concat("events of action ", vm.toString(i)));
    }

    /// @dev After a harvest or deploy action: every project's books and pool against CHECK_FIELDS.
    function _checkBooks(uint256 i) internal {
        uint256 count = machine.projectCount();
        for (uint32 id = 1; id <= count; ++id) {
            ProjectView memory v = machine.getProject(id);
            IUniswapV2Pair pair = IUniswapV2Pair(v.pair);
            (uint112 r0, uint112 r1,) = pair.getReserves();
            (uint256 reserveWst, uint256 reserveTokens) =
                v.tokenIsToken0 ? (uint256(r1), uint256(r0)) : (uint256(r0), uint256(r1));
            uint256[CHECK_WIDTH] memory got = [
                v.pendingWstEth,
                v.carryTokens,
                v.referencePrice,
                v.observationTime,
                v.observationCumulative,
                v.lastStepTime,
                v.totalLiquidity,
                v.seeded ? 1 : 0,
                reserveWst,
                reserveTokens,
                pair.totalSupply()
            ];
            for (uint256 f; f < CHECK_WIDTH; ++f) {
                assertEq(
                    got[f],
                    checks[nextCheck++],
                    string.concat("action ", vm.toString(i), " project ", vm.toString(id), " field ", vm.toString(f))
                );
            }
        }
    }
}

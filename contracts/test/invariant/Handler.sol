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
import {AllocationInput, LaunchParams, ProjectView} from "../../src/types/DataTypes.sol";
import {MachineStorage} from "./MachineStorage.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Drives random sequences of every external state-changing function of the machine (deposit,
///         depositWithPermit, topUp, reallocate, withdraw, claim, claimContributor, launchProject, the owner's
///         setMetadataURI / lowerContributorShare / setContributorRecipient / transferProjectOwnership, harvest,
///         harvestMany, deploy, deployMany, the guardian's setPaused / transferGuardian), and of the world around it:
///         stETH rebases both ways, time, traders, donations of stETH / wstETH / tokens / LP, skims and syncs of the
///         pairs, and sandwiches around deploy steps. What cannot be read from the chain afterwards is kept in ghost
///         variables (principal in and out, tokens minted by claims, LP high-water marks) and in flags that name the
///         broken rule; `InvariantsTest` asserts them, one `invariant_*` per property.
contract Handler is CommonBase, StdCheats, StdUtils {
    TechnoCapitalMachine public immutable machine;
    MockStETH public immutable stETH;
    MockWstETH public immutable wstETH;
    IUniswapV2Router02 public immutable router;

    /// @notice Projects launched in setUp plus at most `MAX_PROJECTS` in all (launchProject stops there).
    uint256 public constant MAX_PROJECTS = 5;
    uint256 internal constant ACTOR_COUNT = 4;
    uint256 internal constant MIN_PRINCIPAL = 1e9;

    uint32[] public projects;
    address[] public actors;
    uint256[] internal actorKeys;
    address[2] public developers;
    address[2] public contributors;
    address[2] public guardians;
    address public constant ATTACKER = address(0x7eade2);
    address public constant KEEPER = address(0x4ee9e2);

    struct Project {
        ProjectToken token;
        IUniswapV2Pair pair;
        bool tokenIsToken0;
        uint256 seedReserve;
        uint256 maxSupply;
        uint256 emissionCap;
    }

    mapping(uint32 => Project) internal _info;

    // ------------------------------------------------------------------ ghost state

    /// @notice Σ principal credited by deposits and top-ups − Σ principal withdrawn.
    uint256 public ghostTotalPrincipal;
    /// @notice Per account: principal credited, and the stETH value every withdrawal paid (at the time it paid).
    mapping(address => uint256) public ghostPrincipalIn;
    mapping(address => uint256) public ghostPaidOut;
    /// @notice Per project: tokens minted to depositors (claims, and rewards paid when a project leaves a position)
    ///         and to contributors.
    mapping(uint32 => uint256) public ghostDepositorMinted;
    mapping(uint32 => uint256) public ghostContributorMinted;
    /// @notice Per project: the highest LP balance of the machine seen after any call, and LP donated to it.
    mapping(uint32 => uint256) public ghostLpHighWater;
    mapping(uint32 => uint256) public ghostLpDonated;
    uint256 public ghostNegativeRebases;

    // Broken rules (each asserted by its own invariant), with a note of the first occurrence.
    bool public lpDecreased;
    bool public paidAbovePrincipal;
    bool public withdrawOrClaimBlocked;
    bool public depositAcceptedInDeficit;
    bool public deficitPaidAboveProRata;
    bool public stepAboveBand;
    bool public sandwichProfited;
    string public firstViolation;

    constructor(
        TechnoCapitalMachine machine_,
        MockStETH stETH_,
        MockWstETH wstETH_,
        IUniswapV2Router02 router_,
        uint32[] memory projects_,
        address developer,
        address contributor,
        address guardian
    ) {
        machine = machine_;
        stETH = stETH_;
        wstETH = wstETH_;
        router = router_;
        developers = [developer, address(0xde7b)];
        contributors = [contributor, address(0xc0b7)];
        guardians = [guardian, address(0x9a4d)];
        for (uint256 i; i < projects_.length; ++i) {
            _register(projects_[i]);
        }
        for (uint256 i; i < ACTOR_COUNT; ++i) {
            uint256 key = 0xa11ce0 + i;
            address actor = vm.addr(key);
            actors.push(actor);
            actorKeys.push(key);
            vm.deal(actor, 1_000_000 ether);
            vm.startPrank(actor);
            stETH.submit{value: 100_000 ether}(address(0));
            stETH.approve(address(machine), type(uint256).max);
            vm.stopPrank();
        }
        vm.deal(ATTACKER, 1_000_000 ether);
        vm.startPrank(ATTACKER);
        stETH.submit{value: 200_000 ether}(address(0));
        stETH.approve(address(wstETH), type(uint256).max);
        wstETH.wrap(100_000 ether);
        wstETH.approve(address(router), type(uint256).max);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ views for the invariants

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function projectCount() external view returns (uint256) {
        return projects.length;
    }

    function info(uint32 id) external view returns (Project memory) {
        return _info[id];
    }

    // ================================================================== depositors

    /// @notice deposit / depositWithPermit for an account without a position, topUp for one with a position.
    function deposit(uint256 actorSeed, uint256 amount, uint256 allocSeed, bool withPermit) external {
        uint256 a = actorSeed % actors.length;
        address actor = actors[a];
        amount = bound(amount, MIN_PRINCIPAL + 10, 1_000 ether);
        uint256 existing = MachineStorage.principal(address(machine), actor);
        bytes memory call_;
        bool permitted = withPermit && existing == 0;
        if (existing != 0) {
            call_ = abi.encodeCall(machine.topUp, (amount));
        } else if (permitted) {
            (uint8 v, bytes32 r, bytes32 s, uint256 deadline) = _permit(a, amount);
            call_ = abi.encodeCall(machine.depositWithPermit, (amount, allocation(allocSeed), deadline, v, r, s));
            vm.prank(actor);
            stETH.approve(address(machine), 0); // the permit alone must give the allowance
        } else {
            call_ = abi.encodeCall(machine.deposit, (amount, allocation(allocSeed)));
        }
        (bool inDeficit,,,) = machine.deficitStatus();
        bool paused = machine.depositsPaused();
        vm.prank(actor);
        (bool ok, bytes memory ret) = address(machine).call(call_);
        if (permitted) {
            vm.prank(actor);
            stETH.approve(address(machine), type(uint256).max);
        }
        if (paused) {
            require(!ok && bytes4(ret) == ITechnoCapitalMachine.TCM_DepositsPaused.selector, "deposit while paused");
            return;
        }
        if (inDeficit && !ok) {
            require(bytes4(ret) == ITechnoCapitalMachine.TCM_InDeficit.selector, "deposit in a deficit: wrong error");
            return;
        }
        if (inDeficit) {
            depositAcceptedInDeficit = true;
            _note("a deposit or top-up was accepted in a deficit");
        }
        if (!ok) _bubble(ret);
        uint256 principal = abi.decode(ret, (uint256));
        require(principal <= amount, "principal above the amount sent");
        ghostTotalPrincipal += principal;
        ghostPrincipalIn[actor] += principal;
    }

    function reallocate(uint256 actorSeed, uint256 allocSeed) external {
        address actor = actors[actorSeed % actors.length];
        uint256 principal = MachineStorage.principal(address(machine), actor);
        if (principal == 0) return;
        uint256[] memory before = _balances(actor);
        vm.prank(actor);
        machine.reallocate(allocation(allocSeed));
        _countMinted(actor, before);
    }

    /// @notice A withdrawal (full during a deficit) to some account: never refused, never above the principal, pro
    ///         rata during a deficit.
    function withdraw(uint256 actorSeed, uint256 amount, bool full, uint256 receiverSeed) external {
        address actor = actors[actorSeed % actors.length];
        address receiver = actors[receiverSeed % actors.length];
        uint256 principal = MachineStorage.principal(address(machine), actor);
        if (principal == 0) return;
        (bool inDeficit, uint256 held,,) = machine.deficitStatus();
        amount = full || inDeficit ? principal : bound(amount, 1, principal);
        if (amount != principal && principal - amount < MIN_PRINCIPAL) amount = principal;
        uint256 total = machine.totalPrincipal();
        uint256 assigned = _ceilShares(machine.assignedYieldScaled());
        uint256 proRataShares = held > assigned ? (held - assigned) * principal / total : 0;
        uint256 receiverShares = stETH.sharesOf(receiver);
        uint256[] memory before = amount == principal ? _balances(actor) : new uint256[](0);
        vm.prank(actor);
        try machine.withdraw(amount, receiver) returns (uint256) {}
        catch (bytes memory reason) {
            withdrawOrClaimBlocked = true;
            _note(string.concat("withdraw refused: ", vm.toString(reason)));
            return;
        }
        uint256 sharesPaid = stETH.sharesOf(receiver) - receiverShares;
        uint256 paid = stETH.getPooledEthByShares(sharesPaid);
        if (paid > amount) {
            paidAbovePrincipal = true;
            _note("a withdrawal paid more than the principal it closed");
        }
        if (inDeficit && sharesPaid > proRataShares) {
            deficitPaidAboveProRata = true;
            _note("a withdrawal in a deficit paid more than its pro-rata share");
        }
        ghostTotalPrincipal -= amount;
        ghostPaidOut[actor] += paid;
        _countMinted(actor, before);
    }

    /// @notice Asking for more than the principal (or withdrawing without a position) is refused.
    function withdrawAbovePrincipal(uint256 actorSeed, uint256 extra) external {
        address actor = actors[actorSeed % actors.length];
        uint256 principal = MachineStorage.principal(address(machine), actor);
        uint256 amount = principal + bound(extra, 1, 1_000_000 ether);
        vm.prank(actor);
        try machine.withdraw(amount, actor) returns (uint256) {
            paidAbovePrincipal = true;
            _note("a withdrawal above the principal went through");
        } catch (bytes memory reason) {
            bytes memory expected = principal == 0
                ? abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NoPosition.selector, actor)
                : abi.encodeWithSelector(ITechnoCapitalMachine.TCM_WithdrawExceedsPrincipal.selector, amount, principal);
            require(keccak256(reason) == keccak256(expected), "withdraw above principal: wrong error");
        }
    }

    /// @notice A claim of some projects (known ids, in any order) to some account: never refused.
    function claim(uint256 actorSeed, uint256 subsetSeed, uint256 receiverSeed) external {
        address actor = actors[actorSeed % actors.length];
        uint32[] memory ids = _subset(subsetSeed, false);
        vm.prank(actor);
        try machine.claim(ids, actors[receiverSeed % actors.length]) returns (uint256[] memory amounts) {
            for (uint256 i; i < ids.length; ++i) {
                ghostDepositorMinted[ids[i]] += amounts[i];
            }
        } catch (bytes memory reason) {
            withdrawOrClaimBlocked = true;
            _note(string.concat("claim refused: ", vm.toString(reason)));
        }
    }

    function claimContributor(uint256 projectSeed) external {
        uint32 id = _project(projectSeed);
        vm.prank(actors[projectSeed % actors.length]); // anyone may call; the recipient receives
        try machine.claimContributor(id) returns (uint256 amount) {
            ghostContributorMinted[id] += amount;
        } catch (bytes memory reason) {
            withdrawOrClaimBlocked = true;
            _note(string.concat("claimContributor refused: ", vm.toString(reason)));
        }
    }

    // ================================================================== projects and their owners

    function launchProject(uint256 seed, uint256 price, uint256 supply, uint256 daily) external {
        if (projects.length >= MAX_PROJECTS) return;
        LaunchParams memory p;
        p.name = "Fuzzed";
        p.symbol = "FZD";
        p.metadataURI = "ipfs://fuzzed";
        p.launchPrice = bound(price, 1e6, 1e21);
        p.maxSupply = bound(supply, 1_000 ether, 1e27);
        p.seedReserve = bound(seed >> 8, 1e15, p.maxSupply / 2);
        p.dailyEmission = bound(daily, 1, p.maxSupply - p.seedReserve);
        p.decayBps = (seed >> 16) % 5_001;
        p.contributorBps = (seed >> 32) % 2_001;
        p.contributorRecipient = contributors[seed & 1];
        vm.prank(developers[(seed >> 1) & 1]);
        (uint32 id,,) = machine.launchProject(p);
        _register(id);
    }

    function setMetadataURI(uint256 projectSeed, bool byOwner) external {
        uint32 id = _project(projectSeed);
        address owner = MachineStorage.owner(address(machine), id);
        if (byOwner && owner != address(0)) {
            vm.prank(owner);
            machine.setMetadataURI(id, string.concat("ipfs://", vm.toString(projectSeed)));
        } else {
            vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NotProjectOwner.selector, id, ATTACKER));
            vm.prank(ATTACKER);
            machine.setMetadataURI(id, "ipfs://attacker");
        }
    }

    function lowerContributorShare(uint256 projectSeed, uint256 bps) external {
        uint32 id = _project(projectSeed);
        address owner = MachineStorage.owner(address(machine), id);
        uint256 current = MachineStorage.contributorBps(address(machine), id);
        if (owner == address(0) || current == 0) return;
        vm.prank(owner);
        machine.lowerContributorShare(id, bound(bps, 0, current - 1));
    }

    function setContributorRecipient(uint256 projectSeed) external {
        uint32 id = _project(projectSeed);
        address owner = MachineStorage.owner(address(machine), id);
        if (owner == address(0)) return;
        vm.prank(owner);
        machine.setContributorRecipient(id, contributors[(projectSeed >> 8) & 1]);
    }

    /// @notice Ownership moves between two developers, or is renounced (about one time in eight).
    function transferProjectOwnership(uint256 projectSeed) external {
        uint32 id = _project(projectSeed);
        address owner = MachineStorage.owner(address(machine), id);
        if (owner == address(0)) return;
        address next = (projectSeed >> 8) % 8 == 0 ? address(0) : developers[(projectSeed >> 16) & 1];
        vm.prank(owner);
        machine.transferProjectOwnership(id, next);
    }

    // ================================================================== keepers

    /// @notice A ready project is always harvested (no price can refuse it); refused only while harvests are paused.
    function harvest(uint256 projectSeed) external {
        uint32 id = _project(projectSeed);
        if (machine.harvestsPaused()) {
            vm.expectRevert(ITechnoCapitalMachine.TCM_HarvestsPaused.selector);
            vm.prank(KEEPER);
            machine.harvest(id);
            return;
        }
        if (!machine.isHarvestReady(id)) return;
        uint256 before = _spotIfSeeded(id);
        vm.prank(KEEPER);
        machine.harvest(id);
        _checkBand(id, before);
        _trackLp(id);
    }

    function harvestMany(uint256 subsetSeed) external {
        uint32[] memory ids = _subset(subsetSeed, true);
        uint256[] memory before = _spots();
        bool paused = machine.harvestsPaused();
        if (paused) vm.expectRevert(ITechnoCapitalMachine.TCM_HarvestsPaused.selector);
        vm.prank(KEEPER);
        machine.harvestMany(ids);
        if (paused) return;
        _checkBands(before);
        for (uint256 i; i < before.length; ++i) {
            _trackLp(projects[i]);
        }
    }

    /// @notice A due deploy step never reverts, whatever the price, and lifts the price at most maxImpactBps.
    function deploy(uint256 projectSeed) external {
        uint32 id = _project(projectSeed);
        if (machine.harvestsPaused()) {
            vm.expectRevert(ITechnoCapitalMachine.TCM_HarvestsPaused.selector);
            vm.prank(KEEPER);
            machine.deploy(id);
            return;
        }
        if (!machine.isDeployReady(id)) return;
        uint256 before = _spotIfSeeded(id);
        vm.prank(KEEPER);
        machine.deploy(id);
        _checkBand(id, before);
        _trackLp(id);
    }

    function deployMany(uint256 subsetSeed) external {
        uint32[] memory ids = _subset(subsetSeed, true);
        uint256[] memory before = _spots();
        bool paused = machine.harvestsPaused();
        if (paused) vm.expectRevert(ITechnoCapitalMachine.TCM_HarvestsPaused.selector);
        vm.prank(KEEPER);
        machine.deployMany(ids);
        if (paused) return;
        _checkBands(before);
        for (uint256 i; i < before.length; ++i) {
            _trackLp(projects[i]);
        }
    }

    // ================================================================== guardian

    /// @notice The guardian pauses deposits and/or harvests (each about one time in four) or lifts the pause; anyone
    ///         else is refused.
    function setPaused(uint256 seed) external {
        address guardian = machine.guardian();
        if (seed % 5 == 0) {
            vm.expectRevert(abi.encodeWithSelector(ITechnoCapitalMachine.TCM_NotGuardian.selector, ATTACKER));
            vm.prank(ATTACKER);
            machine.setPaused(true, true);
            return;
        }
        vm.prank(guardian);
        machine.setPaused((seed >> 8) % 4 == 0, (seed >> 16) % 4 == 0);
    }

    function transferGuardian(uint256 seed) external {
        vm.prank(machine.guardian());
        machine.transferGuardian(guardians[seed & 1]);
    }

    // ================================================================== the world: Lido, time, traders, attackers

    function rebase(int256 bps) external {
        bps = bound(bps, -30, 20);
        if (bps == 0) return;
        if (bps < 0) ++ghostNegativeRebases;
        int256 pooled = int256(stETH.getTotalPooledEther());
        stETH.rebase(pooled * bps / 10_000);
    }

    function warp(uint256 seconds_) external {
        seconds_ = bound(seconds_, 1, 3 days);
        vm.warp(block.timestamp + seconds_);
        vm.roll(block.number + 1 + seconds_ / 12);
    }

    function trade(uint256 projectSeed, uint256 amount, bool buy) external {
        uint32 id = _project(projectSeed);
        if (!MachineStorage.seeded(address(machine), id)) return;
        if (buy) _buy(id, bound(amount, 1e6, _reserveWst(id) / 20 + 1e6));
        else _sell(id, bound(amount, 0, _info[id].token.balanceOf(ATTACKER)));
    }

    /// @notice stETH sent to the machine directly: it becomes yield.
    function donateStEth(uint256 amount) external {
        vm.prank(ATTACKER);
        stETH.transfer(address(machine), bound(amount, 1, 10 ether));
    }

    /// @notice wstETH sent to a pair (before or after its opening), then synced, skimmed back, or left.
    function donateWstEthToPair(uint256 projectSeed, uint256 amount, uint8 then) external {
        uint32 id = _project(projectSeed);
        IUniswapV2Pair pair = _info[id].pair;
        vm.startPrank(ATTACKER);
        wstETH.transfer(address(pair), bound(amount, 1, 1 ether));
        if (then % 3 == 1) pair.sync();
        else if (then % 3 == 2) pair.skim(ATTACKER);
        vm.stopPrank();
    }

    /// @notice Tokens (bought earlier) sent to an open pair, then synced or left.
    function donateTokensToPair(uint256 projectSeed, uint256 amount, bool sync) external {
        uint32 id = _project(projectSeed);
        uint256 balance = _info[id].token.balanceOf(ATTACKER);
        if (balance == 0) return;
        vm.startPrank(ATTACKER);
        _info[id].token.transfer(address(_info[id].pair), bound(amount, 1, balance));
        if (sync) _info[id].pair.sync();
        vm.stopPrank();
    }

    /// @notice Whatever sits in a pair beyond its reserves, taken by the attacker.
    function skimPair(uint256 projectSeed) external {
        vm.prank(ATTACKER);
        _info[_project(projectSeed)].pair.skim(ATTACKER);
    }

    /// @notice The attacker adds liquidity to an open pool and gives the LP tokens to the machine.
    function donateLp(uint256 projectSeed, uint256 amount) external {
        uint32 id = _project(projectSeed);
        Project storage p = _info[id];
        if (!MachineStorage.seeded(address(machine), id)) return;
        uint256 tokens = p.token.balanceOf(ATTACKER);
        if (tokens < 1e6) return;
        (uint256 rw, uint256 rt) = _reserves(id);
        uint256 useTokens = bound(amount, 1e6, tokens);
        uint256 wst = useTokens * rw / rt + 1;
        vm.startPrank(ATTACKER);
        p.token.transfer(address(p.pair), useTokens);
        wstETH.transfer(address(p.pair), wst);
        try p.pair.mint(ATTACKER) returns (uint256 lp) {
            IERC20(address(p.pair)).transfer(address(machine), lp);
            ghostLpDonated[id] += lp;
            _trackLp(id);
        } catch {
            p.pair.skim(ATTACKER); // too little for one LP unit: take it back
        }
        vm.stopPrank();
    }

    /// @notice Pump the token, hold for `hold` seconds (0: same block), let a keeper run a step if one is due, dump
    ///         exactly what was bought: the attacker must end with no more wstETH than it started with.
    function sandwichStep(uint256 projectSeed, uint256 amount, uint256 hold) external {
        uint32 id = _project(projectSeed);
        if (!MachineStorage.seeded(address(machine), id)) return;
        vm.prank(ATTACKER);
        _info[id].pair.skim(ATTACKER); // the attacker's own unsynced gifts come back first (they are not profit)
        uint256 wstBefore = wstETH.balanceOf(ATTACKER);
        uint256 bought = _buy(id, bound(amount, 1e6, _reserveWst(id) / 5 + 1e6));
        hold = bound(hold, 0, 1 days);
        if (hold != 0) {
            vm.warp(block.timestamp + hold);
            vm.roll(block.number + 1 + hold / 12);
        }
        if (!machine.harvestsPaused() && machine.isDeployReady(id)) {
            vm.prank(KEEPER);
            machine.deploy(id);
        }
        _sell(id, bought);
        _trackLp(id);
        uint256 wstAfter = wstETH.balanceOf(ATTACKER);
        if (wstAfter > wstBefore) {
            sandwichProfited = true;
            _note(string.concat("a sandwich around a deploy step made ", vm.toString(wstAfter - wstBefore), " wstETH"));
        }
    }

    // ================================================================== helpers

    /// @notice A random, valid allocation: a non-empty ascending subset of the projects, bps summing to 10,000.
    function allocation(uint256 seed) internal view returns (AllocationInput[] memory a) {
        uint32[] memory ids = _subset(seed, false);
        a = new AllocationInput[](ids.length);
        uint256 left = 10_000;
        for (uint256 i; i < ids.length; ++i) {
            uint256 bps = left;
            if (i + 1 < ids.length) {
                uint256 room = left - (ids.length - 1 - i); // leave at least 1 bps to each later entry
                bps = 1 + (seed >> (32 + 16 * i)) % room;
            }
            a[i] = AllocationInput(ids[i], uint16(bps));
            left -= bps;
        }
    }

    /// @dev A non-empty ascending subset of the projects; with `withUnknown`, sometimes an unknown id at the end
    ///      (the *Many functions skip it).
    function _subset(uint256 seed, bool withUnknown) internal view returns (uint32[] memory ids) {
        uint256 n = projects.length;
        uint256 mask = seed & ((1 << n) - 1);
        if (mask == 0) mask = 1 << ((seed >> 8) % n);
        uint256 count;
        for (uint256 i; i < n; ++i) {
            if (mask >> i & 1 == 1) ++count;
        }
        bool unknown = withUnknown && (seed >> 24) % 4 == 0;
        ids = new uint32[](count + (unknown ? 1 : 0));
        uint256 k;
        for (uint256 i; i < n; ++i) {
            if (mask >> i & 1 == 1) ids[k++] = projects[i];
        }
        if (unknown) ids[k] = uint32(n + 1);
    }

    function _project(uint256 seed) internal view returns (uint32) {
        return projects[seed % projects.length];
    }

    function _register(uint32 id) internal {
        ProjectView memory v = machine.getProject(id);
        _info[id] = Project(
            ProjectToken(v.token), IUniswapV2Pair(v.pair), v.tokenIsToken0, v.seedReserve, v.maxSupply, v.emissionCap
        );
        projects.push(id);
    }

    function _permit(uint256 a, uint256 amount)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s, uint256 deadline)
    {
        address owner = actors[a];
        deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                address(machine),
                amount,
                stETH.nonces(owner),
                deadline
            )
        );
        (v, r, s) = vm.sign(actorKeys[a], keccak256(abi.encodePacked("\x19\x01", stETH.DOMAIN_SEPARATOR(), structHash)));
    }

    function _balances(address who) internal view returns (uint256[] memory balances) {
        balances = new uint256[](projects.length);
        for (uint256 i; i < projects.length; ++i) {
            balances[i] = _info[projects[i]].token.balanceOf(who);
        }
    }

    /// @dev Rewards a project pays when it leaves a position are minted to the account itself.
    function _countMinted(address who, uint256[] memory before) internal {
        for (uint256 i; i < before.length; ++i) {
            uint32 id = projects[i];
            ghostDepositorMinted[id] += _info[id].token.balanceOf(who) - before[i];
        }
    }

    function _ceilShares(uint256 scaled) internal pure returns (uint256) {
        return (scaled >> 32) + (scaled & (2 ** 32 - 1) == 0 ? 0 : 1);
    }

    function _reserves(uint32 id) internal view returns (uint256 rw, uint256 rt) {
        (uint112 r0, uint112 r1,) = _info[id].pair.getReserves();
        (rt, rw) = _info[id].tokenIsToken0 ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
    }

    function _reserveWst(uint32 id) internal view returns (uint256 rw) {
        (rw,) = _reserves(id);
    }

    function _path(uint32 id, bool buy) internal view returns (address[] memory path) {
        path = new address[](2);
        (path[0], path[1]) =
            buy ? (address(wstETH), address(_info[id].token)) : (address(_info[id].token), address(wstETH));
    }

    /// @dev The attacker buys with `amount` wstETH; a trade too small to get anything out is its own problem.
    function _buy(uint32 id, uint256 amount) internal returns (uint256 bought) {
        vm.prank(ATTACKER);
        try router.swapExactTokensForTokens(amount, 0, _path(id, true), ATTACKER, block.timestamp) returns (
            uint256[] memory out
        ) {
            bought = out[1];
        } catch {}
    }

    function _sell(uint32 id, uint256 amount) internal {
        if (amount == 0) return;
        vm.startPrank(ATTACKER);
        _info[id].token.approve(address(router), amount);
        try router.swapExactTokensForTokens(amount, 0, _path(id, false), ATTACKER, block.timestamp) {} catch {}
        vm.stopPrank();
    }

    /// @dev Spot as a step sees it: a pair holding more than its reserves is synced by the step first.
    function _spot(uint32 id) internal view returns (uint256) {
        (uint256 rw, uint256 rt) = _reserves(id);
        Project storage p = _info[id];
        uint256 bw = wstETH.balanceOf(address(p.pair));
        uint256 bt = p.token.balanceOf(address(p.pair));
        if (bw > rw || bt > rt) (rw, rt) = (bw, bt);
        return rt == 0 ? 0 : (rw << 112) / rt;
    }

    function _spotIfSeeded(uint32 id) internal view returns (uint256) {
        return MachineStorage.seeded(address(machine), id) ? _spot(id) : 0;
    }

    function _spots() internal view returns (uint256[] memory spots) {
        spots = new uint256[](projects.length);
        for (uint256 i; i < projects.length; ++i) {
            spots[i] = _spotIfSeeded(projects[i]);
        }
    }

    /// @dev The price after the machine's own work is at most the price before it * (1 + maxImpactBps).
    function _checkBand(uint32 id, uint256 before) internal {
        if (before == 0) return;
        uint256 afterStep = _spot(id);
        if (afterStep > before * (10_000 + machine.maxImpactBps()) / 10_000 + 1) {
            stepAboveBand = true;
            _note(string.concat("a step of project ", vm.toString(id), " lifted the price past its band"));
        }
    }

    function _checkBands(uint256[] memory before) internal {
        for (uint256 i; i < before.length; ++i) {
            _checkBand(projects[i], before[i]);
        }
    }

    /// @dev The machine's LP in the project's pair is at least what it was after the last pool action.
    function _trackLp(uint32 id) internal {
        uint256 lp = _info[id].pair.balanceOf(address(machine));
        if (lp < ghostLpHighWater[id]) _flagLpDecreased(id, lp);
        ghostLpHighWater[id] = lp;
    }

    function _flagLpDecreased(uint32 id, uint256 lp) internal {
        lpDecreased = true;
        _note(
            string.concat(
                "the machine's LP in project ",
                vm.toString(id),
                "'s pair fell from ",
                vm.toString(ghostLpHighWater[id]),
                " to ",
                vm.toString(lp)
            )
        );
    }

    function _note(string memory what) internal {
        if (bytes(firstViolation).length == 0) firstViolation = what;
    }

    function _bubble(bytes memory reason) internal pure {
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }
}

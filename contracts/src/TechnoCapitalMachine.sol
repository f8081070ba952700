// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

import {ITechnoCapitalMachine} from "./interfaces/ITechnoCapitalMachine.sol";
import {IStETH} from "./interfaces/external/IStETH.sol";
import {IWstETH} from "./interfaces/external/IWstETH.sol";
import {IUniswapV2Factory, IUniswapV2Pair} from "./interfaces/external/IUniswapV2.sol";
import {
    AllocationInput,
    LaunchParams,
    HarvestReport,
    DeployReport,
    ProjectView,
    PositionEntryView,
    Project
} from "./types/DataTypes.sol";
import {ProjectViews} from "./libraries/ProjectViews.sol";
import {LaunchLogic} from "./libraries/LaunchLogic.sol";
import {Allocation} from "./libraries/Allocation.sol";
import {Emission} from "./libraries/Emission.sol";
import {FixedPointMath} from "./libraries/FixedPointMath.sol";
import {UniswapV2Math} from "./libraries/UniswapV2Math.sol";
import {DeployLogic} from "./libraries/DeployLogic.sol";
import {PoolOps} from "./libraries/PoolOps.sol";
import {CreateAddress} from "./libraries/CreateAddress.sol";
import {ProjectToken} from "./ProjectToken.sol";
import {TokenDeployer} from "./TokenDeployer.sol";

/// @title TechnoCapitalMachine
/// @notice See {ITechnoCapitalMachine}. Books are kept in stETH shares (DESIGN.md §2.1).
/// @dev Accumulators use power-of-two scales and modular arithmetic so that every stored number has a proven
///      width: the yield index is kept mod 2^128 (scale 2^32), a project's reward index mod 2^160 (scale 2^64), and
///      debts are differences mod 2^128 / 2^96. Only differences of accumulators are ever used, and every true
///      difference is smaller than its modulus (pending yield < 2^96 shares, owed rewards < maxSupply < 2^96).
contract TechnoCapitalMachine is ITechnoCapitalMachine, ReentrancyGuardTransient {
    // ------------------------------------------------------------------ constants

    uint256 internal constant BPS = 10_000;
    uint256 public constant EPOCH = 86_400;
    uint256 public constant MAX_PROJECTS_PER_POSITION = 8;
    uint256 public constant MIN_DEPOSIT = 1e9;
    /// @notice A deploy step is due only with at least this much pending wstETH (dust waits for the next harvest).
    uint256 public constant MIN_DEPLOY = 1e9;
    /// @notice maxImpactBps must stay below one round trip of pool fees (2 x 0.3%), or a sandwich pays.
    uint256 public constant MAX_IMPACT_BPS_LIMIT = 59;
    uint256 internal constant YIELD_SHIFT = 32;
    uint256 internal constant REWARD_SHIFT = 64;
    uint256 internal constant YIELD_REMAINDER_MASK = (1 << YIELD_SHIFT) - 1;
    uint256 internal constant U96 = (1 << 96) - 1;
    /// @dev Position words: project ids are 20 bits wide (see `_positions`).
    uint256 internal constant ID_MASK = (1 << 20) - 1;
    uint256 public constant MAX_PROJECT_ID = ID_MASK;
    uint256 internal constant NOT_FOUND = 8;
    /// @dev Bit 95 of `Project.contributorOwedTagged` and `carryTokensTagged` (see DataTypes): keeps slots 1 and 6
    ///      of a project nonzero.
    uint256 internal constant SLOT_TAG = 1 << 95;

    uint256 public constant MIN_LAUNCH_PRICE = 1e6;
    uint256 public constant MAX_LAUNCH_PRICE = 1e24;
    uint256 public constant MAX_DECAY_BPS = 5_000;
    uint256 public constant MAX_CONTRIBUTOR_BPS = 2_000;
    uint256 public constant MAX_SUPPLY_LIMIT = (1 << 95) - 1;

    // ------------------------------------------------------------------ configuration

    IStETH public immutable stETH;
    IWstETH public immutable wstETH;
    IUniswapV2Factory public immutable factory;
    TokenDeployer public immutable tokenDeployer;
    /// @notice Epoch 0 starts here; epoch n is [genesis + n*EPOCH, genesis + (n+1)*EPOCH).
    uint256 public immutable genesis;
    uint256 public immutable bountyBps;
    uint256 public immutable maxBounty;
    /// @notice A deploy step's buy may lift the price at most this far above spot (< 60 bps: two pool fees).
    uint256 public immutable maxImpactBps;
    uint256 public immutable minHarvestValue;
    /// @notice Seconds between two deploy steps of a project.
    uint256 public immutable stepInterval;
    /// @notice How long a price above the machine's reference must hold before steps follow it (see DeployLogic).
    uint256 public immutable followWindow;
    /// @notice A deploy step's bounty: bps of the wstETH it deployed, capped.
    uint256 public immutable stepBountyBps;
    uint256 public immutable maxStepBounty;

    struct Config {
        IStETH stETH;
        IWstETH wstETH;
        IUniswapV2Factory factory;
        TokenDeployer tokenDeployer;
        address guardian;
        uint256 bountyBps;
        uint256 maxBounty;
        uint256 maxImpactBps;
        uint256 minHarvestValue;
        uint256 stepInterval;
        uint256 followWindow;
        uint256 stepBountyBps;
        uint256 maxStepBounty;
    }

    // ------------------------------------------------------------------ state

    uint128 internal _totalPrincipal;
    uint128 internal _assignedScaled; // Σ over projects of pending yield, in shares * 2^32 (exact)
    uint128 internal _accYield; // mod 2^128: yield shares per principal, scale 2^32
    bool public depositsPaused;
    bool public harvestsPaused;
    uint32 public projectCount;
    address public guardian;

    mapping(uint256 projectId => Project) internal _projects;
    /// @dev principal (96) | up to 8 project ids, 20 bits each from bit 96, ascending; a zero id ends the list. Zero
    ///      when the account has no position.
    mapping(address account => uint256) internal _positions;
    /// @dev Two entries a word: entry i of the position in word i / 2, low 112 bits for even i, the next 112 for odd
    ///      i; an entry is bps (16) | rewardDebt (96, mod 2^96) << 16. Parts are not stored: they are
    ///      `Allocation.split(principal, bps)`, a pure function of the position. A project leaving a position pays
    ///      what it owes the account there and then, so no entry outlives its project's place in the position.
    mapping(address account => uint256[4]) internal _entries;

    /// @dev stETH state read once per call.
    struct Lido {
        uint256 held;
        uint256 totalShares;
        uint256 pooled;
        uint256 required;
        bool deficit;
    }

    /// @dev A position in memory.
    struct Position {
        uint256 count;
        uint256 principal;
        uint32[8] projectIds;
        uint16[8] bps;
        uint256[8] parts;
        uint256[8] debts;
    }

    enum HarvestStatus {
        Done,
        AlreadyHarvested,
        NothingToHarvest
    }

    constructor(Config memory config) {
        if (address(config.stETH) == address(0)) revert TCM_InvalidConfig(0);
        if (address(config.wstETH) == address(0)) revert TCM_InvalidConfig(1);
        if (address(config.factory) == address(0)) revert TCM_InvalidConfig(2);
        if (address(config.tokenDeployer) == address(0)) revert TCM_InvalidConfig(3);
        if (config.bountyBps > 1_000) revert TCM_InvalidConfig(5);
        if (config.maxBounty > 1_000 ether) revert TCM_InvalidConfig(6);
        if (config.maxImpactBps == 0 || config.maxImpactBps > MAX_IMPACT_BPS_LIMIT) revert TCM_InvalidConfig(9);
        if (config.minHarvestValue < 1e9) revert TCM_InvalidConfig(8);
        if (config.stepInterval < 60 || config.stepInterval > EPOCH) revert TCM_InvalidConfig(10);
        if (config.followWindow < EPOCH || config.followWindow > 30 * EPOCH) revert TCM_InvalidConfig(11);
        if (config.stepBountyBps > 100) revert TCM_InvalidConfig(12);
        if (config.maxStepBounty > 10 ether) revert TCM_InvalidConfig(13);
        stETH = config.stETH;
        wstETH = config.wstETH;
        factory = config.factory;
        tokenDeployer = config.tokenDeployer;
        guardian = config.guardian;
        bountyBps = config.bountyBps;
        maxBounty = config.maxBounty;
        maxImpactBps = config.maxImpactBps;
        minHarvestValue = config.minHarvestValue;
        stepInterval = config.stepInterval;
        followWindow = config.followWindow;
        stepBountyBps = config.stepBountyBps;
        maxStepBounty = config.maxStepBounty;
        genesis = block.timestamp;
        // The deployer's n-th token is then project n's (see `_token`); reverts if it already works for another.
        config.tokenDeployer.bind();
        // wstETH pulls stETH from the machine when wrapping; Lido treats type(uint256).max as infinite.
        if (!config.stETH.approve(address(config.wstETH), type(uint256).max)) revert TCM_TransferFailed();
        emit GuardianTransferred(address(0), config.guardian);
    }

    // ================================================================== depositors

    /// @inheritdoc ITechnoCapitalMachine
    function deposit(uint256 amount, AllocationInput[] calldata allocation)
        external
        nonReentrant
        returns (uint256 principal)
    {
        return _deposit(amount, allocation);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function depositWithPermit(
        uint256 amount,
        AllocationInput[] calldata allocation,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 principal) {
        // A front-run permit makes this call fail although the allowance is in place: ignore the failure.
        try IERC20Permit(address(stETH)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        return _deposit(amount, allocation);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function topUp(uint256 amount) external nonReentrant returns (uint256 principalAdded) {
        if (depositsPaused) revert TCM_DepositsPaused();
        Position memory pos = _loadPosition(msg.sender);
        if (pos.count == 0) revert TCM_NoPosition(msg.sender);
        uint256 sharesAdded;
        (principalAdded, sharesAdded) = _pullStEth(amount);
        uint256 total = _totalPrincipal + principalAdded;
        _totalPrincipal = uint128(total);
        uint256[8] memory parts = Allocation.split(pos.principal + principalAdded, pos.bps, pos.count);
        _applyPosition(msg.sender, pos, pos, parts);
        pos.principal += principalAdded;
        _storePosition(msg.sender, pos, pos.count);
        emit ToppedUp(
            msg.sender,
            principalAdded,
            sharesAdded,
            pos.principal,
            _ids(pos),
            _bps(pos),
            _parts(parts, pos.count),
            total
        );
    }

    /// @inheritdoc ITechnoCapitalMachine
    function reallocate(AllocationInput[] calldata allocation) external nonReentrant {
        Position memory oldPos = _loadPosition(msg.sender);
        if (oldPos.count == 0) revert TCM_NoPosition(msg.sender);
        Position memory newPos = _parseAllocation(allocation);
        _checkpoint();
        uint256[8] memory parts = Allocation.split(oldPos.principal, newPos.bps, newPos.count);
        _applyPosition(msg.sender, oldPos, newPos, parts);
        newPos.principal = oldPos.principal;
        _storePosition(msg.sender, newPos, oldPos.count);
        emit Reallocated(msg.sender, oldPos.principal, _ids(newPos), _bps(newPos), _parts(parts, newPos.count));
    }

    /// @inheritdoc ITechnoCapitalMachine
    function withdraw(uint256 amount, address receiver) external nonReentrant returns (uint256 stEthPaid) {
        if (receiver == address(0)) revert TCM_ZeroReceiver();
        if (amount == 0) revert TCM_ZeroAmount();
        Position memory pos = _loadPosition(msg.sender);
        if (pos.count == 0) revert TCM_NoPosition(msg.sender);
        if (amount > pos.principal) revert TCM_WithdrawExceedsPrincipal(amount, pos.principal);
        Lido memory lido = _checkpoint();
        uint256 remaining = pos.principal - amount;
        uint256 total = _totalPrincipal;
        uint256 sharesPaid;
        if (lido.deficit) {
            if (remaining != 0) revert TCM_DeficitRequiresFullWithdrawal(amount, pos.principal);
            uint256 assigned = _assignedSharesUp();
            uint256 available = lido.held > assigned ? lido.held - assigned : 0;
            sharesPaid = available * pos.principal / total;
        } else {
            if (remaining != 0 && remaining < MIN_DEPOSIT) {
                revert TCM_RemainingPrincipalTooSmall(remaining, MIN_DEPOSIT);
            }
            sharesPaid = amount * lido.totalShares / lido.pooled;
        }
        total -= amount;
        _totalPrincipal = uint128(total);

        uint256[8] memory parts;
        uint256 oldCount = pos.count;
        if (remaining == 0) {
            // Every project leaves: each pays what it owes the account, and the position's words are cleared.
            Position memory none;
            _applyPosition(msg.sender, pos, none, parts);
            _storePosition(msg.sender, none, oldCount);
        } else {
            parts = Allocation.split(remaining, pos.bps, oldCount);
            _applyPosition(msg.sender, pos, pos, parts);
            pos.principal = remaining;
            _storePosition(msg.sender, pos, oldCount);
        }

        stEthPaid = sharesPaid == 0 ? 0 : stETH.transferShares(receiver, sharesPaid);
        _emitWithdrawn(
            receiver, amount, sharesPaid, stEthPaid, lido.deficit, pos, remaining == 0 ? 0 : oldCount, parts, total
        );
    }

    function _emitWithdrawn(
        address receiver,
        uint256 amount,
        uint256 sharesPaid,
        uint256 stEthPaid,
        bool deficit,
        Position memory pos,
        uint256 count,
        uint256[8] memory parts,
        uint256 total
    ) internal {
        pos.count = count;
        emit Withdrawn(
            msg.sender,
            receiver,
            amount,
            sharesPaid,
            stEthPaid,
            deficit,
            count == 0 ? 0 : pos.principal,
            _ids(pos),
            _bps(pos),
            _parts(parts, count),
            total
        );
    }

    /// @inheritdoc ITechnoCapitalMachine
    function claim(uint32[] calldata projectIds, address receiver)
        external
        nonReentrant
        returns (uint256[] memory amounts)
    {
        if (receiver == address(0)) revert TCM_ZeroReceiver();
        Position memory pos = _loadPosition(msg.sender);
        amounts = new uint256[](projectIds.length);
        uint256 dirty; // bit k: entry word k changed
        uint256 j; // ids are usually claimed in the position's order: try the entry after the last one first
        for (uint256 i; i < projectIds.length; ++i) {
            uint32 id = projectIds[i];
            if (j >= pos.count || pos.projectIds[j] != id) j = _indexOf(pos, id);
            if (j == NOT_FOUND) {
                _project(id); // unknown ids revert
                continue; // a project outside the position owes nothing: leaving paid it out
            }
            // The reward index brought to now, not written: a claim leaves the project's books as they are (its part
            // does not change, so the next accrual reaches the same index and the entry's debt stays consistent).
            (, uint256 s1) = _accrued(_projects[id]);
            uint256 rewardAcc = uint160(s1);
            uint256 part = pos.parts[j];
            uint256 owed = _owed(pos.debts[j], part, rewardAcc);
            if (owed == 0) continue;
            pos.debts[j] = _debtFor(part, rewardAcc, 0);
            dirty |= 1 << (j >> 1);
            amounts[i] = owed;
            _token(id).mint(receiver, owed); // the machine's own token: no callbacks
            emit Claimed(msg.sender, receiver, id, owed);
            ++j;
        }
        if (dirty != 0) _storeEntries(msg.sender, pos, dirty);
    }

    // ================================================================== projects

    /// @inheritdoc ITechnoCapitalMachine
    function launchProject(LaunchParams calldata params)
        external
        nonReentrant
        returns (uint32 projectId, address token, address pair)
    {
        projectId = ++projectCount;
        if (projectId > MAX_PROJECT_ID) revert TCM_ProjectLimit(MAX_PROJECT_ID);
        (token, pair) = LaunchLogic.launch(
            _projects[projectId], params, projectId, _currentEpoch(), tokenDeployer, factory, address(wstETH)
        );
    }

    /// @inheritdoc ITechnoCapitalMachine
    function claimContributor(uint32 projectId) external nonReentrant returns (uint256 amount) {
        Project storage p = _project(projectId);
        _accrue(p);
        uint256 tagged = p.contributorOwedTagged;
        amount = tagged & ~SLOT_TAG;
        if (amount == 0) return 0;
        p.contributorOwedTagged = uint96(SLOT_TAG);
        address recipient = p.contributorRecipient;
        p.token.mint(recipient, amount);
        emit ContributorClaimed(projectId, recipient, amount);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function setMetadataURI(uint32 projectId, string calldata metadataURI) external {
        Project storage p = _onlyProjectOwner(projectId);
        LaunchLogic.validateMetadataURI(metadataURI);
        p.token.setMetadataURI(metadataURI);
        emit MetadataURISet(projectId, metadataURI);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function lowerContributorShare(uint32 projectId, uint256 newBps) external nonReentrant {
        Project storage p = _onlyProjectOwner(projectId);
        uint256 current = p.contributorBps;
        if (newBps >= current) revert TCM_ContributorShareNotLower(current, newBps);
        _accrue(p);
        p.contributorBps = uint16(newBps);
        emit ContributorShareLowered(projectId, current, newBps);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function setContributorRecipient(uint32 projectId, address recipient) external nonReentrant {
        Project storage p = _onlyProjectOwner(projectId);
        if (recipient == address(0)) revert TCM_ContributorRecipientZero();
        p.contributorRecipient = recipient;
        emit ContributorRecipientSet(projectId, recipient);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function transferProjectOwnership(uint32 projectId, address newOwner) external {
        Project storage p = _onlyProjectOwner(projectId);
        p.owner = newOwner;
        emit ProjectOwnershipTransferred(projectId, msg.sender, newOwner);
    }

    // ================================================================== keepers

    /// @inheritdoc ITechnoCapitalMachine
    function harvest(uint32 projectId) external nonReentrant returns (HarvestReport memory report) {
        if (harvestsPaused) revert TCM_HarvestsPaused();
        Project storage p = _project(projectId);
        Lido memory lido = _checkpoint();
        HarvestStatus status;
        (status, report) = _harvest(projectId, p, lido);
        if (status == HarvestStatus.AlreadyHarvested) revert TCM_AlreadyHarvested(projectId, report.epoch);
        if (status == HarvestStatus.NothingToHarvest) {
            revert TCM_NothingToHarvest(projectId, report.yieldStEth, minHarvestValue);
        }
        if (_stepDue(p)) _step(projectId, p);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function harvestMany(uint32[] calldata projectIds) external nonReentrant returns (uint256 harvested) {
        if (harvestsPaused) revert TCM_HarvestsPaused();
        Lido memory lido = _checkpoint();
        for (uint256 i; i < projectIds.length; ++i) {
            uint32 id = projectIds[i];
            if (id == 0 || id > projectCount) continue;
            Project storage p = _projects[id];
            (HarvestStatus status,) = _harvest(id, p, lido);
            if (status != HarvestStatus.Done) continue;
            ++harvested;
            if (_stepDue(p)) _step(id, p);
        }
    }

    /// @inheritdoc ITechnoCapitalMachine
    function deploy(uint32 projectId) external nonReentrant returns (DeployReport memory report) {
        if (harvestsPaused) revert TCM_HarvestsPaused();
        Project storage p = _project(projectId);
        uint256 pending = p.pendingWstEth;
        if (pending < MIN_DEPLOY) revert TCM_NothingToDeploy(projectId, pending, MIN_DEPLOY);
        uint256 readyAt = uint256(p.lastStepTime) + stepInterval;
        if (block.timestamp < readyAt) revert TCM_StepNotDue(projectId, readyAt);
        return _step(projectId, p);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function deployMany(uint32[] calldata projectIds) external nonReentrant returns (uint256 stepped) {
        if (harvestsPaused) revert TCM_HarvestsPaused();
        for (uint256 i; i < projectIds.length; ++i) {
            uint32 id = projectIds[i];
            if (id == 0 || id > projectCount) continue;
            Project storage p = _projects[id];
            if (!_stepDue(p)) continue;
            _step(id, p);
            ++stepped;
        }
    }

    // ================================================================== guardian

    /// @inheritdoc ITechnoCapitalMachine
    function setPaused(bool depositsPaused_, bool harvestsPaused_) external {
        if (msg.sender != guardian) revert TCM_NotGuardian(msg.sender);
        depositsPaused = depositsPaused_;
        harvestsPaused = harvestsPaused_;
        emit PauseSet(depositsPaused_, harvestsPaused_);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function transferGuardian(address newGuardian) external {
        if (msg.sender != guardian) revert TCM_NotGuardian(msg.sender);
        guardian = newGuardian;
        emit GuardianTransferred(msg.sender, newGuardian);
    }

    // ================================================================== views

    /// @inheritdoc ITechnoCapitalMachine
    function currentEpoch() external view returns (uint256) {
        return _currentEpoch();
    }

    /// @inheritdoc ITechnoCapitalMachine
    function totalPrincipal() external view returns (uint256) {
        return _totalPrincipal;
    }

    /// @inheritdoc ITechnoCapitalMachine
    function accYieldIndex() external view returns (uint256) {
        return _accYield;
    }

    /// @inheritdoc ITechnoCapitalMachine
    function assignedYieldScaled() external view returns (uint256) {
        return _assignedScaled;
    }

    /// @inheritdoc ITechnoCapitalMachine
    function positionOf(address account) external view returns (uint256 principal, PositionEntryView[] memory entries) {
        Position memory pos = _loadPosition(account);
        principal = pos.principal;
        entries = new PositionEntryView[](pos.count);
        for (uint256 i; i < pos.count; ++i) {
            entries[i] = PositionEntryView({
                projectId: pos.projectIds[i],
                bps: pos.bps[i],
                principal: pos.parts[i],
                pendingRewards: _owed(pos.debts[i], pos.parts[i], _previewRewardAcc(_projects[pos.projectIds[i]]))
            });
        }
    }

    /// @inheritdoc ITechnoCapitalMachine
    function pendingRewards(address account, uint32 projectId) external view returns (uint256) {
        _project(projectId);
        return _pendingRewards(account, projectId);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function getProject(uint32 projectId) external view returns (ProjectView memory) {
        Project storage p = _project(projectId);
        return ProjectViews.toView(p, projectId, _pendingYieldScaled(p, _previewAccYield()));
    }

    /// @inheritdoc ITechnoCapitalMachine
    function pendingYield(uint32 projectId) external view returns (uint256 shares, uint256 stEth) {
        Project storage p = _project(projectId);
        shares = _pendingYieldScaled(p, _previewAccYield()) >> YIELD_SHIFT;
        stEth = stETH.getPooledEthByShares(shares);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function nextHarvestTime(uint32 projectId) external view returns (uint256) {
        return genesis + (uint256(_project(projectId).lastHarvestEpoch) + 1) * EPOCH;
    }

    /// @inheritdoc ITechnoCapitalMachine
    function isHarvestReady(uint32 projectId) external view returns (bool) {
        Project storage p = _project(projectId);
        if (p.lastHarvestEpoch >= _currentEpoch() || harvestsPaused) return false;
        uint256 shares = _pendingYieldScaled(p, _previewAccYield()) >> YIELD_SHIFT;
        return stETH.getPooledEthByShares(shares) >= minHarvestValue;
    }

    /// @inheritdoc ITechnoCapitalMachine
    function nextDeployTime(uint32 projectId) external view returns (uint256) {
        return uint256(_project(projectId).lastStepTime) + stepInterval;
    }

    /// @inheritdoc ITechnoCapitalMachine
    function isDeployReady(uint32 projectId) external view returns (bool) {
        return !harvestsPaused && _stepDue(_project(projectId));
    }

    /// @inheritdoc ITechnoCapitalMachine
    function deficitStatus()
        external
        view
        returns (bool inDeficit, uint256 sharesHeld, uint256 sharesRequired, uint256 valueHeldForPrincipal)
    {
        Lido memory lido = _readLido();
        uint256 assigned = _assignedSharesUp();
        uint256 available = lido.held > assigned ? lido.held - assigned : 0;
        return (lido.deficit, lido.held, lido.required, available * lido.pooled / lido.totalShares);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function emittedUpTo(uint32 projectId, uint256 timestamp) external view returns (uint256) {
        Project storage p = _project(projectId);
        return PoolOps.cumulativeEmission(p, timestamp);
    }

    // ================================================================== internals: positions

    function _deposit(uint256 amount, AllocationInput[] calldata allocation) internal returns (uint256 principal) {
        if (depositsPaused) revert TCM_DepositsPaused();
        uint256 existing = _positions[msg.sender];
        if (existing != 0) revert TCM_PositionExists(msg.sender, uint96(existing));
        Position memory pos = _parseAllocation(allocation);
        uint256 sharesAdded;
        (principal, sharesAdded) = _pullStEth(amount);
        uint256 total = _totalPrincipal + principal;
        _totalPrincipal = uint128(total);
        uint256[8] memory parts = Allocation.split(principal, pos.bps, pos.count);
        Position memory none;
        _applyPosition(msg.sender, none, pos, parts);
        pos.principal = principal;
        _storePosition(msg.sender, pos, 0);
        emit Deposited(
            msg.sender, principal, sharesAdded, principal, _ids(pos), _bps(pos), _parts(parts, pos.count), total
        );
    }

    /// @dev Checkpoints, refuses deposits in a deficit, pulls stETH and measures what arrived.
    function _pullStEth(uint256 amount) internal returns (uint256 principal, uint256 sharesAdded) {
        Lido memory lido = _checkpoint();
        if (lido.deficit) revert TCM_InDeficit(lido.held, lido.required);
        if (!stETH.transferFrom(msg.sender, address(this), amount)) revert TCM_TransferFailed();
        sharesAdded = stETH.sharesOf(address(this)) - lido.held;
        principal = sharesAdded * lido.pooled / lido.totalShares;
        if (principal < MIN_DEPOSIT) revert TCM_DepositTooSmall(principal, MIN_DEPOSIT);
    }

    /// @dev Moves the account from `oldPos` to `newPos` with `parts`, writing the projects' books and `newPos.debts`
    ///      (the caller stores the position). A project that leaves pays what it owes the account there and then.
    ///      `oldPos` and `newPos` may be the same position (top-up, withdrawal): entry j then reads its old debt
    ///      before it writes the new one.
    function _applyPosition(address account, Position memory oldPos, Position memory newPos, uint256[8] memory parts)
        internal
    {
        uint256 accYield = _accYield;
        for (uint256 i; i < oldPos.count; ++i) {
            uint32 id = oldPos.projectIds[i];
            if (_indexOf(newPos, id) != NOT_FOUND) continue;
            (uint256 owed,) = _movePart(id, oldPos.parts[i], 0, oldPos.debts[i], accYield);
            if (owed != 0) {
                _token(id).mint(account, owed); // the machine's own token: no callbacks
                emit Claimed(account, account, id, owed);
            }
        }
        for (uint256 j; j < newPos.count; ++j) {
            uint32 id = newPos.projectIds[j];
            uint256 i = _indexOf(oldPos, id);
            (uint256 oldPart, uint256 oldDebt) = i == NOT_FOUND ? (0, 0) : (oldPos.parts[i], oldPos.debts[i]);
            (uint256 owed, uint256 rewardAcc) = _movePart(id, oldPart, parts[j], oldDebt, accYield);
            newPos.debts[j] = _debtFor(parts[j], rewardAcc, owed);
        }
    }

    /// @dev Accrues project `id` and moves its allocated principal from `oldPart` to `newPart`; returns what the
    ///      entry (`oldPart`, `oldDebt`) is owed and the project's reward index.
    function _movePart(uint32 id, uint256 oldPart, uint256 newPart, uint256 oldDebt, uint256 accYield)
        internal
        returns (uint256 owed, uint256 rewardAcc)
    {
        Project storage p = _projects[id];
        uint256 s0;
        (s0, rewardAcc) = _accrueWords(p);
        owed = _owed(oldDebt, oldPart, rewardAcc);
        if (newPart != oldPart) {
            uint256 yieldDebt;
            unchecked {
                // Keep the project's pending yield: debt moves by the change in principal times the index (mod 2^128).
                yieldDebt = uint128((s0 >> 96) + newPart * accYield - oldPart * accYield);
            }
            uint256 allocated = uint96(uint96(s0) + newPart - oldPart);
            s0 = (s0 >> 224 << 224) | (yieldDebt << 96) | allocated;
        }
        assembly ("memory-safe") {
            sstore(p.slot, s0) // slot 0 (allocatedPrincipal, yieldDebt, lastAccrual): one write
        }
    }

    /// @dev Rewards owed on an entry: floor(part * rewardAcc / 2^64) - debt, as a signed 96-bit number (a debt
    ///      rounded up can leave it at -1); negative counts as nothing owed. |owed| < 2^95 because maxSupply < 2^95.
    function _owed(uint256 debt, uint256 part, uint256 rewardAcc) internal pure returns (uint256) {
        int96 owed;
        unchecked {
            owed = int96(uint96(((part * rewardAcc) >> REWARD_SHIFT) - debt));
        }
        return owed > 0 ? uint256(uint96(owed)) : 0;
    }

    /// @dev The debt that leaves `owed` on an entry of `part`, rounded up so that an entry never earns more than
    ///      its exact share (the sum over entries never exceeds what the project distributed).
    function _debtFor(uint256 part, uint256 rewardAcc, uint256 owed) internal pure returns (uint256) {
        unchecked {
            return (((part * rewardAcc + (1 << REWARD_SHIFT) - 1) >> REWARD_SHIFT) - owed) & U96;
        }
    }

    function _loadPosition(address account) internal view returns (Position memory pos) {
        uint256 word = _positions[account];
        if (word == 0) return pos;
        uint256 count;
        for (; count < MAX_PROJECTS_PER_POSITION; ++count) {
            uint256 id = (word >> (96 + 20 * count)) & ID_MASK;
            if (id == 0) break;
            pos.projectIds[count] = uint32(id);
        }
        pos.count = count;
        pos.principal = uint96(word);
        uint256[4] storage entries = _entries[account];
        uint256 pair;
        for (uint256 i; i < count; ++i) {
            pair = i & 1 == 0 ? entries[i >> 1] : pair >> 112;
            pos.bps[i] = uint16(pair);
            pos.debts[i] = uint96(pair >> 16);
        }
        pos.parts = Allocation.split(pos.principal, pos.bps, count);
    }

    /// @dev Writes the position word and its entry words; clears the words an older, longer position used.
    function _storePosition(address account, Position memory pos, uint256 oldCount) internal {
        uint256 word;
        if (pos.count != 0) {
            word = pos.principal;
            for (uint256 i; i < pos.count; ++i) {
                word |= uint256(pos.projectIds[i]) << (96 + 20 * i);
            }
        }
        _positions[account] = word;
        uint256 words = (pos.count + 1) >> 1;
        _storeEntries(account, pos, (1 << words) - 1);
        uint256[4] storage entries = _entries[account];
        for (uint256 k = words; k < (oldCount + 1) >> 1; ++k) {
            entries[k] = 0;
        }
    }

    /// @dev Writes entry words whose bit is set in `mask`.
    function _storeEntries(address account, Position memory pos, uint256 mask) internal {
        uint256[4] storage entries = _entries[account];
        for (uint256 k; mask >> k != 0; ++k) {
            if ((mask >> k) & 1 == 0) continue;
            uint256 i = k << 1;
            uint256 pair = pos.bps[i] | (pos.debts[i] << 16);
            if (i + 1 < pos.count) pair |= (pos.bps[i + 1] | (pos.debts[i + 1] << 16)) << 112;
            entries[k] = pair;
        }
    }

    /// @dev Index of project `id` in the position, or NOT_FOUND.
    function _indexOf(Position memory pos, uint256 id) internal pure returns (uint256 i) {
        for (; i < pos.count; ++i) {
            if (pos.projectIds[i] == id) return i;
        }
        return NOT_FOUND;
    }

    /// @dev Project `id`'s token, derived rather than read: the token deployer works for this machine only, so its
    ///      n-th CREATE is project n's token (checked at launch).
    function _token(uint256 id) internal view returns (ProjectToken) {
        return ProjectToken(CreateAddress.compute(address(tokenDeployer), id));
    }

    function _parseAllocation(AllocationInput[] calldata allocation) internal view returns (Position memory pos) {
        uint256 length = allocation.length;
        if (length == 0) revert TCM_AllocationEmpty();
        if (length > MAX_PROJECTS_PER_POSITION) revert TCM_AllocationTooLong(length, MAX_PROJECTS_PER_POSITION);
        uint256 sum;
        uint256 count = projectCount;
        uint32 previous;
        for (uint256 i; i < length; ++i) {
            uint32 id = allocation[i].projectId;
            uint16 bps = allocation[i].bps;
            if (id == 0 || id > count) revert TCM_UnknownProject(id);
            if (id <= previous) revert TCM_AllocationNotSorted(i, id);
            if (bps == 0) revert TCM_AllocationZeroBps(id);
            sum += bps;
            previous = id;
            pos.projectIds[i] = id;
            pos.bps[i] = bps;
        }
        if (sum != BPS) revert TCM_AllocationSumNot10000(sum);
        pos.count = length;
    }

    function _pendingRewards(address account, uint32 projectId) internal view returns (uint256) {
        Position memory pos = _loadPosition(account);
        uint256 j = _indexOf(pos, projectId);
        if (j == NOT_FOUND) return 0;
        return _owed(pos.debts[j], pos.parts[j], _previewRewardAcc(_projects[projectId]));
    }

    // ================================================================== internals: yield

    function _readLido() internal view returns (Lido memory lido) {
        lido.held = stETH.sharesOf(address(this));
        lido.totalShares = stETH.getTotalShares();
        lido.pooled = stETH.getTotalPooledEther();
        lido.required = FixedPointMath.mulDivUp(_totalPrincipal, lido.totalShares, lido.pooled) + _assignedSharesUp();
        lido.deficit = lido.held < lido.required;
    }

    /// @dev Assigns the shares held beyond principal and assigned yield to projects through the index.
    function _checkpoint() internal returns (Lido memory lido) {
        lido = _readLido();
        uint256 total = _totalPrincipal;
        if (lido.deficit || total == 0) return lido;
        uint256 excess = lido.held - lido.required;
        uint256 indexDelta = (excess << YIELD_SHIFT) / total;
        if (indexDelta == 0) return lido;
        uint256 accYield;
        unchecked {
            accYield = uint128(_accYield + indexDelta);
        }
        _accYield = uint128(accYield);
        _assignedScaled = uint128(_assignedScaled + indexDelta * total);
        emit YieldAssigned(excess, indexDelta, accYield, total);
    }

    function _previewAccYield() internal view returns (uint256 accYield) {
        accYield = _accYield;
        Lido memory lido = _readLido();
        uint256 total = _totalPrincipal;
        if (lido.deficit || total == 0) return accYield;
        unchecked {
            accYield = uint128(accYield + ((lido.held - lido.required) << YIELD_SHIFT) / total);
        }
    }

    function _assignedSharesUp() internal view returns (uint256) {
        uint256 scaled = _assignedScaled;
        return (scaled >> YIELD_SHIFT) + (scaled & YIELD_REMAINDER_MASK == 0 ? 0 : 1);
    }

    function _pendingYieldScaled(Project storage p, uint256 accYield) internal view returns (uint256 scaled) {
        unchecked {
            scaled = uint128(uint256(p.allocatedPrincipal) * accYield - p.yieldDebt);
        }
    }

    // ================================================================== internals: emissions

    /// @dev Accrues emission since the last accrual into the reward index and the contributor's share (emission
    ///      while no principal is allocated is not minted) and records the accrual time.
    function _accrue(Project storage p) internal returns (uint256 rewardAcc) {
        uint256 s0;
        (s0, rewardAcc) = _accrueWords(p);
        assembly ("memory-safe") {
            sstore(p.slot, s0)
        }
    }

    /// @dev `_accrue` on raw storage words, for the hot paths: writes slot 1 (reward index, contributor share) and
    ///      returns slot 0 with `lastAccrual` set to now, for the caller to write once.
    function _accrueWords(Project storage p) internal returns (uint256 s0, uint256 rewardAcc) {
        uint256 s1;
        (s0, s1) = _accrued(p);
        assembly ("memory-safe") {
            sstore(add(p.slot, 1), s1) // 100 gas when nothing was emitted (same value, warm slot)
        }
        rewardAcc = uint160(s1);
    }

    /// @dev A project's slots 0 and 1 with the accrual brought to now, nothing written. Word layouts
    ///      (DataTypes.Project, packed from the low bits): slot 0 = allocatedPrincipal (96) | yieldDebt (128) |
    ///      lastAccrual (32); slot 1 = rewardAcc (160) | contributorOwedTagged (96); slot 2 = dailyEmission (96) |
    ///      decayBps (16) | contributorBps (16) | startTime (32) | emissionCap (96).
    function _accrued(Project storage p) internal view returns (uint256 s0, uint256 s1) {
        assembly ("memory-safe") {
            s0 := sload(p.slot)
            s1 := sload(add(p.slot, 1))
        }
        uint256 last = s0 >> 224;
        if (last == block.timestamp) return (s0, s1);
        uint256 allocated = uint96(s0);
        if (allocated != 0) {
            uint256 s2;
            assembly ("memory-safe") {
                s2 := sload(add(p.slot, 2))
            }
            uint256 start = uint32(s2 >> 128);
            uint256 emitted = Emission.between(
                uint96(s2), uint16(s2 >> 96), s2 >> 160, last > start ? last - start : 0, block.timestamp - start
            );
            if (emitted != 0) {
                uint256 contributor = emitted * uint16(s2 >> 112) / BPS;
                uint256 rewardAcc;
                unchecked {
                    rewardAcc = uint160(uint160(s1) + ((emitted - contributor) << REWARD_SHIFT) / allocated);
                }
                // The tagged contributor share stays below 2^96 (owed < maxSupply < 2^95, tag = 2^95).
                s1 = rewardAcc | (((s1 >> 160) + contributor) << 160);
            }
        }
        s0 = uint224(s0) | (uint256(uint32(block.timestamp)) << 224);
    }

    function _previewRewardAcc(Project storage p) internal view returns (uint256) {
        (, uint256 s1) = _accrued(p);
        return uint160(s1);
    }

    // ================================================================== internals: harvest

    /// @dev Collects the project's yield for this epoch: pays the caller's bounty in stETH and adds the rest,
    ///      wrapped, to the project's pending wstETH.
    function _harvest(uint32 projectId, Project storage p, Lido memory lido)
        internal
        returns (HarvestStatus, HarvestReport memory r)
    {
        r.epoch = _currentEpoch();
        if (p.lastHarvestEpoch >= r.epoch) return (HarvestStatus.AlreadyHarvested, r);

        uint256 accYield = _accYield;
        uint256 pendingScaled = _pendingYieldScaled(p, accYield);
        r.yieldShares = pendingScaled >> YIELD_SHIFT;
        r.yieldStEth = r.yieldShares * lido.pooled / lido.totalShares;
        if (r.yieldStEth < minHarvestValue) return (HarvestStatus.NothingToHarvest, r);

        // Lido's wrap is deterministic: the wstETH it gives is known before anything moves.
        r.bountyShares = r.yieldShares * bountyBps / BPS;
        uint256 maxBountyShares = maxBounty * lido.totalShares / lido.pooled;
        if (r.bountyShares > maxBountyShares) r.bountyShares = maxBountyShares;
        uint256 toWrap = (r.yieldShares - r.bountyShares) * lido.pooled / lido.totalShares;
        r.wstEthWrapped = toWrap * lido.totalShares / lido.pooled;

        // Take the yield (keeping the sub-share remainder in the project), pay the bounty, wrap the rest.
        unchecked {
            p.yieldDebt = uint128(uint256(p.allocatedPrincipal) * accYield - (pendingScaled & YIELD_REMAINDER_MASK));
        }
        _assignedScaled = uint128(_assignedScaled - (r.yieldShares << YIELD_SHIFT));
        p.lastHarvestEpoch = uint32(r.epoch);
        p.totalYieldShares += uint128(r.yieldShares);
        r.pendingWstEth = p.pendingWstEth + r.wstEthWrapped;
        p.pendingWstEth = uint128(r.pendingWstEth);
        if (r.bountyShares != 0) r.bountyStEth = stETH.transferShares(msg.sender, r.bountyShares);
        if (toWrap != 0 && wstETH.wrap(toWrap) != r.wstEthWrapped) revert TCM_TransferFailed();
        emit Harvested(projectId, msg.sender, r);
        return (HarvestStatus.Done, r);
    }

    function _stepDue(Project storage p) internal view returns (bool) {
        return p.pendingWstEth >= MIN_DEPLOY && block.timestamp >= uint256(p.lastStepTime) + stepInterval;
    }

    function _step(uint32 projectId, Project storage p) internal returns (DeployReport memory report) {
        report = DeployLogic.step(
            p,
            DeployLogic.Params({
                wstETH: address(wstETH),
                maxImpactBps: maxImpactBps,
                followWindow: followWindow,
                stepBountyBps: stepBountyBps,
                maxStepBounty: maxStepBounty
            })
        );
        emit Deployed(projectId, msg.sender, report);
    }

    // ================================================================== internals: misc

    function _currentEpoch() internal view returns (uint256) {
        return (block.timestamp - genesis) / EPOCH;
    }

    function _project(uint32 projectId) internal view returns (Project storage p) {
        if (projectId == 0 || projectId > projectCount) revert TCM_UnknownProject(projectId);
        p = _projects[projectId];
    }

    function _onlyProjectOwner(uint32 projectId) internal view returns (Project storage p) {
        p = _project(projectId);
        if (msg.sender != p.owner) revert TCM_NotProjectOwner(projectId, msg.sender);
    }

    function _ids(Position memory pos) internal pure returns (uint32[] memory ids) {
        ids = new uint32[](pos.count);
        for (uint256 i; i < pos.count; ++i) {
            ids[i] = pos.projectIds[i];
        }
    }

    function _bps(Position memory pos) internal pure returns (uint16[] memory bps) {
        bps = new uint16[](pos.count);
        for (uint256 i; i < pos.count; ++i) {
            bps[i] = pos.bps[i];
        }
    }

    function _parts(uint256[8] memory parts, uint256 count) internal pure returns (uint256[] memory out) {
        out = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            out[i] = parts[i];
        }
    }
}

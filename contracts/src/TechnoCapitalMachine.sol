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
import {AllocationInput, LaunchParams, HarvestReport, ProjectView, PositionEntryView, Project} from "./types/DataTypes.sol";
import {ProjectViews} from "./libraries/ProjectViews.sol";
import {LaunchLogic} from "./libraries/LaunchLogic.sol";
import {Allocation} from "./libraries/Allocation.sol";
import {Emission} from "./libraries/Emission.sol";
import {FixedPointMath} from "./libraries/FixedPointMath.sol";
import {UniswapV2Math} from "./libraries/UniswapV2Math.sol";
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
    /// @notice The shortest TWAP window a harvest accepts (after a refreshed observation).
    uint256 public constant MIN_TWAP_WINDOW = 3_600;
    uint256 internal constant YIELD_SHIFT = 32;
    uint256 internal constant REWARD_SHIFT = 64;
    uint256 internal constant YIELD_REMAINDER_MASK = (1 << YIELD_SHIFT) - 1;
    uint256 internal constant U96 = (1 << 96) - 1;
    /// @dev Bit 95 of `Project.contributorOwedTagged` and `carryTokensTagged` (see DataTypes): keeps slots 1 and 6
    ///      of a project nonzero.
    uint256 internal constant SLOT_TAG = 1 << 95;

    uint256 public constant MIN_LAUNCH_PRICE = 1e6;
    uint256 public constant MAX_LAUNCH_PRICE = 1e36;
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
    uint256 public immutable maxDeviationBps;
    /// @notice A harvest's swap may lift the price at most this far above the TWAP; the rest waits as carry.
    uint256 public immutable maxImpactBps;
    uint256 public immutable minHarvestValue;

    struct Config {
        IStETH stETH;
        IWstETH wstETH;
        IUniswapV2Factory factory;
        TokenDeployer tokenDeployer;
        address guardian;
        uint256 bountyBps;
        uint256 maxBounty;
        uint256 maxDeviationBps;
        uint256 maxImpactBps;
        uint256 minHarvestValue;
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
    /// @dev Up to 8 project ids, 32 bits each, in ascending order from the low bits; 0 ends the list.
    mapping(address account => uint256) internal _positionIds;
    /// @dev bps (16) | part (96) << 16 | rewardDebt (96, mod 2^96) << 112. Kept after the part drops to 0 so that
    ///      earned rewards stay claimable.
    mapping(address account => mapping(uint256 projectId => uint256)) internal _entries;

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
        uint256 ids;
        uint256 count;
        uint32[8] projectIds;
        uint16[8] bps;
        uint256[8] parts;
        uint256 principal;
    }

    enum HarvestStatus {
        Done,
        AlreadyHarvested,
        NothingToHarvest,
        PriceDeviation,
        InsufficientOutput
    }

    constructor(Config memory config) {
        if (address(config.stETH) == address(0)) revert TCM_InvalidConfig(0);
        if (address(config.wstETH) == address(0)) revert TCM_InvalidConfig(1);
        if (address(config.factory) == address(0)) revert TCM_InvalidConfig(2);
        if (address(config.tokenDeployer) == address(0)) revert TCM_InvalidConfig(3);
        if (config.bountyBps > 1_000) revert TCM_InvalidConfig(5);
        if (config.maxBounty > 1_000 ether) revert TCM_InvalidConfig(6);
        if (config.maxDeviationBps == 0 || config.maxDeviationBps > 5_000) revert TCM_InvalidConfig(7);
        if (config.maxImpactBps == 0 || config.maxImpactBps > 5_000) revert TCM_InvalidConfig(9);
        if (config.minHarvestValue < 1e9) revert TCM_InvalidConfig(8);
        stETH = config.stETH;
        wstETH = config.wstETH;
        factory = config.factory;
        tokenDeployer = config.tokenDeployer;
        guardian = config.guardian;
        bountyBps = config.bountyBps;
        maxBounty = config.maxBounty;
        maxDeviationBps = config.maxDeviationBps;
        maxImpactBps = config.maxImpactBps;
        minHarvestValue = config.minHarvestValue;
        genesis = block.timestamp;
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
        emit ToppedUp(
            msg.sender,
            principalAdded,
            sharesAdded,
            pos.principal + principalAdded,
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
        _positionIds[msg.sender] = newPos.ids;
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

        uint256[8] memory parts = Allocation.split(remaining, pos.bps, pos.count);
        _applyPosition(msg.sender, pos, pos, parts);
        if (remaining == 0) _positionIds[msg.sender] = 0;

        stEthPaid = sharesPaid == 0 ? 0 : stETH.transferShares(receiver, sharesPaid);
        _emitWithdrawn(receiver, amount, sharesPaid, stEthPaid, lido.deficit, pos, remaining == 0 ? 0 : pos.count, parts, total);
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
            pos.principal - amount,
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
        amounts = new uint256[](projectIds.length);
        for (uint256 i; i < projectIds.length; ++i) {
            uint32 id = projectIds[i];
            Project storage p = _project(id);
            uint256 rewardAcc = _accrue(p);
            uint256 entry = _entries[msg.sender][id];
            uint256 part = (entry >> 16) & U96;
            uint256 owed = _owed(entry, part, rewardAcc);
            if (owed == 0) continue;
            _entries[msg.sender][id] = (entry & ((1 << 112) - 1)) | (_debtFor(part, rewardAcc, 0) << 112);
            amounts[i] = owed;
            p.token.mint(receiver, owed);
            emit Claimed(msg.sender, receiver, id, owed);
        }
    }

    // ================================================================== projects

    /// @inheritdoc ITechnoCapitalMachine
    function launchProject(LaunchParams calldata params)
        external
        nonReentrant
        returns (uint32 projectId, address token, address pair)
    {
        projectId = ++projectCount;
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
        _onlyProjectOwner(projectId).token.setMetadataURI(metadataURI);
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
    function harvest(uint32 projectId, uint256 minTokensOut) external nonReentrant returns (HarvestReport memory report) {
        if (harvestsPaused) revert TCM_HarvestsPaused();
        Project storage p = _project(projectId);
        Lido memory lido = _checkpoint();
        HarvestStatus status;
        (status, report) = _harvest(projectId, p, lido, minTokensOut);
        if (status == HarvestStatus.AlreadyHarvested) revert TCM_AlreadyHarvested(projectId, report.epoch);
        if (status == HarvestStatus.NothingToHarvest) {
            revert TCM_NothingToHarvest(projectId, report.yieldStEth, minHarvestValue);
        }
        if (status == HarvestStatus.PriceDeviation) revert TCM_PriceDeviation(report.spotPrice, report.twapPrice);
        if (status == HarvestStatus.InsufficientOutput) revert TCM_InsufficientOutput(report.tokensBought, minTokensOut);
    }

    /// @inheritdoc ITechnoCapitalMachine
    function harvestMany(uint32[] calldata projectIds, uint256[] calldata minTokensOut)
        external
        nonReentrant
        returns (uint256 harvested)
    {
        if (harvestsPaused) revert TCM_HarvestsPaused();
        if (minTokensOut.length != 0 && minTokensOut.length != projectIds.length) {
            revert TCM_LengthMismatch(projectIds.length, minTokensOut.length);
        }
        Lido memory lido = _checkpoint();
        for (uint256 i; i < projectIds.length; ++i) {
            uint32 id = projectIds[i];
            if (id == 0 || id > projectCount) continue;
            (HarvestStatus status,) =
                _harvest(id, _projects[id], lido, minTokensOut.length == 0 ? 0 : minTokensOut[i]);
            if (status == HarvestStatus.Done) ++harvested;
        }
    }

    /// @inheritdoc ITechnoCapitalMachine
    function refreshObservation(uint32 projectId) external nonReentrant {
        Project storage p = _project(projectId);
        uint256 age = block.timestamp - p.observationTime;
        if (!p.seeded || age < EPOCH) revert TCM_ObservationFresh(projectId, age);
        uint256 cumulative = _currentCumulative(p);
        p.observationCumulative = cumulative;
        p.observationTime = uint32(block.timestamp);
        emit ObservationRefreshed(projectId, cumulative, block.timestamp);
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
                pendingRewards: _pendingRewards(account, pos.projectIds[i])
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
        return stETH.getPooledEthByShares(shares + p.carryWstEth) >= minHarvestValue;
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
        return _cumulativeEmission(p, timestamp);
    }

    // ================================================================== internals: positions

    function _deposit(uint256 amount, AllocationInput[] calldata allocation) internal returns (uint256 principal) {
        if (depositsPaused) revert TCM_DepositsPaused();
        uint256 existing = _positionIds[msg.sender];
        if (existing != 0) revert TCM_PositionExists(msg.sender, _loadPosition(msg.sender).principal);
        Position memory pos = _parseAllocation(allocation);
        uint256 sharesAdded;
        (principal, sharesAdded) = _pullStEth(amount);
        uint256 total = _totalPrincipal + principal;
        _totalPrincipal = uint128(total);
        uint256[8] memory parts = Allocation.split(principal, pos.bps, pos.count);
        Position memory none;
        _applyPosition(msg.sender, none, pos, parts);
        _positionIds[msg.sender] = pos.ids;
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

    /// @dev Moves the account from `oldPos`'s parts to `parts` over `newPos`'s projects. Projects that leave keep a
    ///      zero-part entry so that rewards earned stay claimable.
    function _applyPosition(address account, Position memory oldPos, Position memory newPos, uint256[8] memory parts)
        internal
    {
        uint256 accYield = _accYield;
        for (uint256 i; i < oldPos.count; ++i) {
            uint32 id = oldPos.projectIds[i];
            bool stays;
            for (uint256 j; j < newPos.count; ++j) {
                if (newPos.projectIds[j] == id) {
                    stays = true;
                    break;
                }
            }
            if (!stays) _setPart(account, id, 0, 0, accYield);
        }
        for (uint256 j; j < newPos.count; ++j) {
            _setPart(account, newPos.projectIds[j], parts[j], newPos.bps[j], accYield);
        }
    }

    function _setPart(address account, uint32 id, uint256 newPart, uint256 newBps, uint256 accYield) internal {
        Project storage p = _projects[id];
        (uint256 s0, uint256 rewardAcc) = _accrueWords(p);
        uint256 entry = _entries[account][id];
        uint256 oldPart = (entry >> 16) & U96;
        uint256 owed = _owed(entry, oldPart, rewardAcc);
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
        _entries[account][id] = newBps | (newPart << 16) | (_debtFor(newPart, rewardAcc, owed) << 112);
    }

    /// @dev Rewards owed on an entry: floor(part * rewardAcc / 2^64) - debt, as a signed 96-bit number (a debt
    ///      rounded up can leave it at -1); negative counts as nothing owed. |owed| < 2^95 because maxSupply < 2^95.
    function _owed(uint256 entry, uint256 part, uint256 rewardAcc) internal pure returns (uint256) {
        int96 owed;
        unchecked {
            owed = int96(uint96(((part * rewardAcc) >> REWARD_SHIFT) - (entry >> 112)));
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
        uint256 ids = _positionIds[account];
        pos.ids = ids;
        for (uint256 i; i < MAX_PROJECTS_PER_POSITION; ++i) {
            uint32 id = uint32(ids >> (32 * i));
            if (id == 0) break;
            uint256 entry = _entries[account][id];
            pos.projectIds[i] = id;
            pos.bps[i] = uint16(entry);
            uint256 part = (entry >> 16) & U96;
            pos.parts[i] = part;
            pos.principal += part;
            pos.count = i + 1;
        }
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
            pos.ids |= uint256(id) << (32 * i);
        }
        if (sum != BPS) revert TCM_AllocationSumNot10000(sum);
        pos.count = length;
    }

    function _pendingRewards(address account, uint32 projectId) internal view returns (uint256 owed) {
        Project storage p = _projects[projectId];
        uint256 rewardAcc = _previewRewardAcc(p);
        uint256 entry = _entries[account][projectId];
        owed = _owed(entry, (entry >> 16) & U96, rewardAcc);
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

    function _cumulativeEmission(Project storage p, uint256 timestamp) internal view returns (uint256) {
        uint256 start = p.startTime;
        if (timestamp <= start) return 0;
        return Emission.between(p.dailyEmission, p.decayBps, p.emissionCap, 0, timestamp - start);
    }

    /// @dev Accrues emission since the last accrual into the reward index and the contributor's share (emission
    ///      while no principal is allocated is not minted) and records the accrual time.
    function _accrue(Project storage p) internal returns (uint256 rewardAcc) {
        uint256 s0;
        (s0, rewardAcc) = _accrueWords(p);
        assembly ("memory-safe") {
            sstore(p.slot, s0)
        }
    }

    /// @dev `_accrue` on raw storage words, for the hot paths: writes slot 1 (reward index, contributor share) if
    ///      anything was emitted and returns slot 0 with `lastAccrual` set to now, for the caller to write once.
    ///      Word layouts (DataTypes.Project, packed from the low bits): slot 0 = allocatedPrincipal (96) |
    ///      yieldDebt (128) | lastAccrual (32); slot 1 = rewardAcc (160) | contributorOwedTagged (96); slot 2 =
    ///      dailyEmission (96) | decayBps (16) | contributorBps (16) | startTime (32) | emissionCap (96).
    function _accrueWords(Project storage p) internal returns (uint256 s0, uint256 rewardAcc) {
        uint256 s1;
        assembly ("memory-safe") {
            s0 := sload(p.slot)
            s1 := sload(add(p.slot, 1))
        }
        rewardAcc = uint160(s1);
        uint256 last = s0 >> 224;
        if (last == block.timestamp) return (s0, rewardAcc);
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
                unchecked {
                    rewardAcc = uint160(rewardAcc + ((emitted - contributor) << REWARD_SHIFT) / allocated);
                }
                // The tagged contributor share stays below 2^96 (owed < maxSupply < 2^95, tag = 2^95).
                uint256 s1New = rewardAcc | (((s1 >> 160) + contributor) << 160);
                assembly ("memory-safe") {
                    sstore(add(p.slot, 1), s1New)
                }
            }
        }
        s0 = uint224(s0) | (uint256(uint32(block.timestamp)) << 224);
    }

    function _emittedSince(Project storage p, uint256 last) internal view returns (uint256, uint256) {
        uint256 start = p.startTime;
        uint256 emitted = Emission.between(
            p.dailyEmission, p.decayBps, p.emissionCap, last > start ? last - start : 0, block.timestamp - start
        );
        return (emitted, p.contributorBps);
    }

    function _previewRewardAcc(Project storage p) internal view returns (uint256 rewardAcc) {
        rewardAcc = p.rewardAcc;
        uint256 allocated = p.allocatedPrincipal;
        uint256 last = p.lastAccrual;
        if (allocated == 0 || last == block.timestamp) return rewardAcc;
        (uint256 emitted, uint256 contributorBps) = _emittedSince(p, last);
        uint256 contributor = emitted * contributorBps / BPS;
        unchecked {
            rewardAcc = uint160(rewardAcc + ((emitted - contributor) << REWARD_SHIFT) / allocated);
        }
    }

    // ================================================================== internals: harvest

    function _harvest(uint32 projectId, Project storage p, Lido memory lido, uint256 minTokensOut)
        internal
        returns (HarvestStatus, HarvestReport memory r)
    {
        r.epoch = _currentEpoch();
        if (p.lastHarvestEpoch >= r.epoch) return (HarvestStatus.AlreadyHarvested, r);

        uint256 accYield = _accYield;
        uint256 pendingScaled = _pendingYieldScaled(p, accYield);
        r.yieldShares = pendingScaled >> YIELD_SHIFT;
        r.yieldStEth = r.yieldShares * lido.pooled / lido.totalShares;
        r.carryWstEthIn = p.carryWstEth;
        r.carryTokensIn = p.carryTokensTagged & ~SLOT_TAG;
        uint256 value = (r.yieldShares + r.carryWstEthIn) * lido.pooled / lido.totalShares;
        if (value < minHarvestValue) {
            r.yieldStEth = value;
            return (HarvestStatus.NothingToHarvest, r);
        }

        // Everything the harvest will do is known before anything moves: Lido's wrap is deterministic.
        r.bountyShares = r.yieldShares * bountyBps / BPS;
        uint256 maxBountyShares = maxBounty * lido.totalShares / lido.pooled;
        if (r.bountyShares > maxBountyShares) r.bountyShares = maxBountyShares;
        uint256 toWrap = (r.yieldShares - r.bountyShares) * lido.pooled / lido.totalShares;
        r.wstEthWrapped = toWrap * lido.totalShares / lido.pooled;

        bool seeded = p.seeded;
        uint256 observed;
        if (seeded) {
            bool ok;
            (ok, observed) = _priceGuard(p, r);
            if (!ok) return (HarvestStatus.PriceDeviation, r);
            if (r.tokensBought < minTokensOut) return (HarvestStatus.InsufficientOutput, r);
        }

        // Commit: take the yield (keeping the sub-share remainder in the project), pay the bounty, wrap the rest.
        unchecked {
            p.yieldDebt = uint128(uint256(p.allocatedPrincipal) * accYield - (pendingScaled & YIELD_REMAINDER_MASK));
        }
        _assignedScaled = uint128(_assignedScaled - (r.yieldShares << YIELD_SHIFT));
        p.lastHarvestEpoch = uint32(r.epoch);
        p.totalYieldShares += uint128(r.yieldShares);
        if (r.bountyShares != 0) r.bountyStEth = stETH.transferShares(msg.sender, r.bountyShares);
        if (toWrap != 0 && wstETH.wrap(toWrap) != r.wstEthWrapped) revert TCM_TransferFailed();

        if (seeded) {
            _swapAndAdd(p, r);
        } else {
            _seed(p, r);
            observed = _currentCumulative(p);
        }
        p.observationCumulative = observed;
        p.observationTime = uint32(block.timestamp);
        p.totalLiquidity += uint128(r.liquidityMinted); // checked: the sum stays below 2^112
        emit Harvested(projectId, msg.sender, r);
        return (HarvestStatus.Done, r);
    }

    /// @dev Spot vs TWAP since the last harvest; returns the current cumulative price to store as the observation.
    function _priceGuard(Project storage p, HarvestReport memory r) internal view returns (bool ok, uint256 cumulative) {
        (uint256 reserveWst, uint256 reserveTokens) = _reserves(p);
        cumulative = _currentCumulative(p);
        uint256 elapsed = block.timestamp - p.observationTime;
        if (elapsed < MIN_TWAP_WINDOW) return (false, cumulative);
        uint256 twapUQ;
        unchecked {
            twapUQ = (cumulative - p.observationCumulative) / elapsed;
        }
        r.twapPrice = (twapUQ * 1e18) >> 112;
        r.spotPrice = reserveWst * 1e18 / reserveTokens;
        // Scratch until `_reportPool` overwrites them: the reserves `_swapAndAdd` starts from (nothing touches the
        // pair between the guard and the swap).
        (r.reserveWstEth, r.reserveTokens) = (reserveWst, reserveTokens);
        uint256 diff = r.spotPrice > r.twapPrice ? r.spotPrice - r.twapPrice : r.twapPrice - r.spotPrice;
        ok = diff * BPS <= maxDeviationBps * r.twapPrice;
        // Buy half, but never push the price more than maxImpactBps above the TWAP: a front-runner then takes the
        // room our buy would have used, and a sandwich cannot earn more than that band minus two swap fees.
        // Without the fee, the price after buying dx is (x + dx)^2 / k; it must stay <= twap * (1 + impact).
        uint256 ceiling = r.twapPrice * (BPS + maxImpactBps) / BPS;
        uint256 wstAtCeiling = Math.sqrt(Math.mulDiv(reserveWst * reserveTokens, ceiling, 1e18));
        uint256 room = wstAtCeiling > reserveWst ? wstAtCeiling - reserveWst : 0;
        r.wstEthSwapped = _min((r.wstEthWrapped + r.carryWstEthIn) / 2, room);
        if (r.wstEthSwapped != 0) r.tokensBought = UniswapV2Math.getAmountOut(r.wstEthSwapped, reserveWst, reserveTokens);
    }

    /// @dev The pair's cumulative price of the token (in wstETH) as of now, counterfactually accrued like
    ///      UniswapV2OracleLibrary.currentCumulativePrices.
    function _currentCumulative(Project storage p) internal view returns (uint256 cumulative) {
        IUniswapV2Pair pair = p.pair;
        bool tokenIs0 = p.tokenIsToken0;
        cumulative = tokenIs0 ? pair.price0CumulativeLast() : pair.price1CumulativeLast();
        (uint112 r0, uint112 r1, uint32 last) = pair.getReserves();
        uint32 nowTs = uint32(block.timestamp);
        if (last != nowTs && r0 != 0 && r1 != 0) {
            unchecked {
                uint256 price = tokenIs0 ? UniswapV2Math.priceUQ112(r1, r0) : UniswapV2Math.priceUQ112(r0, r1);
                cumulative += price * (nowTs - last);
            }
        }
    }

    function _reserves(Project storage p) internal view returns (uint256 reserveWst, uint256 reserveTokens) {
        (uint112 r0, uint112 r1,) = p.pair.getReserves();
        (reserveTokens, reserveWst) = p.tokenIsToken0 ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
    }

    /// @dev First harvest: opens the pool at exactly the launch price given all the wstETH it will hold. If the
    ///      supply cap cannot price all of it, seeds with the tokens the cap allows and the wstETH they price; the rest
    ///      is carried (never reverts, so one project can neither lock its yield nor block `harvestMany`).
    function _seed(Project storage p, HarvestReport memory r) internal {
        IUniswapV2Pair pair = p.pair;
        uint256 total = r.wstEthWrapped + r.carryWstEthIn;
        uint256 wst = total;
        uint256 inPair = wstETH.balanceOf(address(pair));
        uint256 price = p.launchPrice;
        uint256 cap = p.emissionCap;
        uint256 available = cap - _cumulativeEmission(p, block.timestamp);
        uint256 tokens = (inPair + wst) * 1e18 / price;
        if (tokens > available) {
            tokens = available;
            uint256 priced = tokens * price / 1e18;
            // Donations already worth more than the tokens the cap allows: seed with everything (the pool opens
            // above the launch price, at the donor's expense) rather than never opening.
            if (priced > inPair) wst = _min(priced - inPair, wst);
        }
        (uint256 reserveWst,) = _reserves(p);
        uint256 addedWst = inPair + wst - reserveWst; // what the pair's mint will count on the wstETH side
        r.carryWstEthOut = total;
        if (UniswapV2Math.sqrt(tokens * addedWst) > UniswapV2Math.MINIMUM_LIQUIDITY) {
            p.emissionCap = uint96(cap - tokens);
            p.seeded = true;
            _safeTransfer(address(wstETH), address(pair), wst);
            p.token.seed(tokens);
            r.tokensSeeded = tokens;
            r.wstEthAdded = wst;
            r.tokensAdded = tokens;
            r.carryWstEthOut = total - wst;
            r.liquidityMinted = pair.mint(address(this));
        }
        p.carryWstEth = uint128(r.carryWstEthOut);
        _reportPool(p, r);
    }

    /// @dev Steady state: buy with half, add liquidity with what was bought and as much of the other half as the
    ///      reserves need; whatever one side cannot use is carried to the next harvest.
    function _swapAndAdd(Project storage p, HarvestReport memory r) internal {
        IUniswapV2Pair pair = p.pair;
        uint256 wst = r.wstEthWrapped + r.carryWstEthIn;
        uint256 keep = wst - r.wstEthSwapped;
        (uint256 reserveWst, uint256 reserveTokens) = (r.reserveWstEth, r.reserveTokens); // set by _priceGuard
        if (r.tokensBought != 0) {
            _safeTransfer(address(wstETH), address(pair), r.wstEthSwapped);
            (uint256 out0, uint256 out1) = p.tokenIsToken0 ? (r.tokensBought, uint256(0)) : (uint256(0), r.tokensBought);
            pair.swap(out0, out1, address(this), "");
            (reserveWst, reserveTokens) = _reserves(p);
        } else {
            keep = wst;
            r.wstEthSwapped = 0;
        }

        uint256 tokens = r.tokensBought + r.carryTokensIn;
        uint256 wstNeeded = tokens * reserveWst / reserveTokens;
        if (wstNeeded <= keep) {
            r.tokensAdded = tokens;
            r.wstEthAdded = wstNeeded;
        } else {
            r.wstEthAdded = keep;
            r.tokensAdded = keep * reserveTokens / reserveWst;
        }
        uint256 supply = pair.totalSupply();
        uint256 liquidity = _min(r.tokensAdded * supply / reserveTokens, r.wstEthAdded * supply / reserveWst);
        if (liquidity == 0) {
            r.wstEthAdded = 0;
            r.tokensAdded = 0;
        } else {
            _safeTransfer(address(wstETH), address(pair), r.wstEthAdded);
            _safeTransfer(address(p.token), address(pair), r.tokensAdded);
            r.liquidityMinted = pair.mint(address(this));
        }
        r.carryWstEthOut = keep - r.wstEthAdded;
        r.carryTokensOut = tokens - r.tokensAdded;
        p.carryWstEth = uint128(r.carryWstEthOut);
        p.carryTokensTagged = uint96(r.carryTokensOut | SLOT_TAG); // <= tokens bought + carried <= supply < 2^95
        _reportPool(p, r);
    }

    function _reportPool(Project storage p, HarvestReport memory r) internal view {
        (r.reserveWstEth, r.reserveTokens) = _reserves(p);
        r.lpTotalSupply = p.pair.totalSupply();
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

    function _safeTransfer(address token, address to, uint256 amount) internal {
        (bool success, bytes memory data) = token.call(abi.encodeCall(IERC20.transfer, (to, amount)));
        if (!success || (data.length != 0 && !abi.decode(data, (bool)))) revert TCM_TransferFailed();
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }

    function _ids(Position memory pos) internal pure returns (uint32[] memory ids) {
        ids = new uint32[](pos.count);
        for (uint256 i; i < pos.count; ++i) ids[i] = pos.projectIds[i];
    }

    function _bps(Position memory pos) internal pure returns (uint16[] memory bps) {
        bps = new uint16[](pos.count);
        for (uint256 i; i < pos.count; ++i) bps[i] = pos.bps[i];
    }

    function _parts(uint256[8] memory parts, uint256 count) internal pure returns (uint256[] memory out) {
        out = new uint256[](count);
        for (uint256 i; i < count; ++i) out[i] = parts[i];
    }
}

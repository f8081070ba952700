// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {
    AllocationInput,
    LaunchParams,
    HarvestReport,
    DeployReport,
    ProjectView,
    PositionEntryView
} from "../types/DataTypes.sol";

/// @title ITechnoCapitalMachine
/// @notice stETH holders keep their principal and route its staking yield to the projects they choose. Every epoch
/// each project's yield buys its token and is locked with it as protocol-owned Uniswap V2 liquidity; depositors earn
/// the project's token pro rata to principal-seconds. No votes: every participant decides only for itself.
interface ITechnoCapitalMachine {
    // ------------------------------------------------------------------ events

    /// @notice A project was launched: its token and its Uniswap V2 pair against wstETH exist from this block.
    event ProjectLaunched(
        uint32 indexed projectId,
        address indexed token,
        address indexed pair,
        address owner,
        bool tokenIsToken0,
        uint256 startTime,
        LaunchParams params
    );

    /// @notice A new position. `parts` is the principal allocated to each project (sums exactly to `principal`).
    event Deposited(
        address indexed account,
        uint256 principalAdded,
        uint256 sharesAdded,
        uint256 principal,
        uint32[] projectIds,
        uint16[] bps,
        uint256[] parts,
        uint256 totalPrincipal
    );

    /// @notice More principal into an existing position, same allocation.
    event ToppedUp(
        address indexed account,
        uint256 principalAdded,
        uint256 sharesAdded,
        uint256 principal,
        uint32[] projectIds,
        uint16[] bps,
        uint256[] parts,
        uint256 totalPrincipal
    );

    /// @notice A position's allocation changed; its principal did not.
    event Reallocated(address indexed account, uint256 principal, uint32[] projectIds, uint16[] bps, uint256[] parts);

    /// @notice Principal left the machine. In a deficit the position closes and `stEthPaid` is its pro-rata value.
    event Withdrawn(
        address indexed account,
        address indexed receiver,
        uint256 principalRemoved,
        uint256 sharesPaid,
        uint256 stEthPaid,
        bool deficit,
        uint256 principal,
        uint32[] projectIds,
        uint16[] bps,
        uint256[] parts,
        uint256 totalPrincipal
    );

    /// @notice Project tokens minted to a depositor's receiver: by `claim`, or to the depositor itself when a
    /// project leaves its position (reallocation without it, full withdrawal), in the same transaction, before the
    /// `Reallocated` / `Withdrawn` event.
    event Claimed(address indexed account, address indexed receiver, uint32 indexed projectId, uint256 amount);

    /// @notice Project tokens minted to the contributor recipient.
    event ContributorClaimed(uint32 indexed projectId, address indexed recipient, uint256 amount);

    /// @notice Yield beyond principal was assigned to projects through the global index.
    event YieldAssigned(uint256 excessShares, uint256 indexDelta, uint256 accYieldIndex, uint256 totalPrincipal);

    /// @notice A project's yield was collected, wrapped into wstETH and added to its pending wstETH.
    event Harvested(uint32 indexed projectId, address indexed caller, HarvestReport report);

    /// @notice A deploy step ran: pending wstETH bought the token and was locked with it as liquidity (or the pool
    /// was opened), or, with spot above the reference price, the step counted without trading.
    event Deployed(uint32 indexed projectId, address indexed caller, DeployReport report);

    event PauseSet(bool depositsPaused, bool harvestsPaused);
    event GuardianTransferred(address indexed previousGuardian, address indexed newGuardian);
    event MetadataURISet(uint32 indexed projectId, string metadataURI);
    event ContributorShareLowered(uint32 indexed projectId, uint256 previousBps, uint256 newBps);
    event ContributorRecipientSet(uint32 indexed projectId, address recipient);
    event ProjectOwnershipTransferred(
        uint32 indexed projectId, address indexed previousOwner, address indexed newOwner
    );

    // ------------------------------------------------------------------ errors

    error TCM_DepositsPaused();
    error TCM_HarvestsPaused();
    error TCM_NotGuardian(address caller);
    error TCM_NotProjectOwner(uint32 projectId, address caller);
    error TCM_UnknownProject(uint32 projectId);
    error TCM_AllocationEmpty();
    error TCM_AllocationTooLong(uint256 length, uint256 max);
    error TCM_AllocationNotSorted(uint256 index, uint32 projectId);
    error TCM_AllocationZeroBps(uint32 projectId);
    error TCM_AllocationSumNot10000(uint256 sum);
    error TCM_PositionExists(address account, uint256 principal);
    error TCM_NoPosition(address account);
    error TCM_InDeficit(uint256 sharesHeld, uint256 sharesRequired);
    error TCM_DepositTooSmall(uint256 principal, uint256 minimum);
    error TCM_ZeroAmount();
    error TCM_ZeroReceiver();
    error TCM_WithdrawExceedsPrincipal(uint256 amount, uint256 principal);
    error TCM_RemainingPrincipalTooSmall(uint256 remaining, uint256 minimum);
    error TCM_DeficitRequiresFullWithdrawal(uint256 amount, uint256 principal);
    error TCM_AlreadyHarvested(uint32 projectId, uint256 epoch);
    error TCM_NothingToHarvest(uint32 projectId, uint256 value, uint256 minimum);
    error TCM_StepNotDue(uint32 projectId, uint256 readyAt);
    error TCM_NothingToDeploy(uint32 projectId, uint256 pending, uint256 minimum);
    error TCM_LengthMismatch(uint256 expected, uint256 actual);
    error TCM_EmptyName();
    error TCM_EmptySymbol();
    error TCM_NameTooLong(uint256 length, uint256 max);
    error TCM_SymbolTooLong(uint256 length, uint256 max);
    error TCM_MetadataURITooLong(uint256 length, uint256 max);
    error TCM_LaunchPriceOutOfBounds(uint256 value, uint256 min, uint256 max);
    error TCM_DailyEmissionOutOfBounds(uint256 value, uint256 min, uint256 max);
    error TCM_DecayOutOfBounds(uint256 value, uint256 max);
    error TCM_MaxSupplyOutOfBounds(uint256 value, uint256 min, uint256 max);
    error TCM_SeedReserveOutOfBounds(uint256 value, uint256 min, uint256 max);
    error TCM_ContributorShareOutOfBounds(uint256 value, uint256 max);
    error TCM_ContributorRecipientZero();
    error TCM_ContributorShareNotLower(uint256 current, uint256 requested);
    error TCM_InvalidConfig(uint256 parameter);
    error TCM_TransferFailed();
    error TCM_ProjectLimit(uint256 max);
    error TCM_TokenAddressMismatch(address expected, address deployed);

    // ------------------------------------------------------------------ depositors

    /// @notice Opens a position: pulls `amount` stETH and allocates its yield across up to 8 projects.
    /// @return principal the stETH that actually arrived (what the position can withdraw).
    function deposit(uint256 amount, AllocationInput[] calldata allocation) external returns (uint256 principal);

    /// @notice `deposit` with an EIP-2612 permit for stETH (a failed permit is ignored if the allowance suffices).
    function depositWithPermit(
        uint256 amount,
        AllocationInput[] calldata allocation,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 principal);

    /// @notice Adds stETH to an existing position, keeping its allocation.
    function topUp(uint256 amount) external returns (uint256 principalAdded);

    /// @notice Changes a position's allocation without moving principal. Rewards earned from a project that leaves
    /// the position are minted to the caller (a `Claimed` event each); the others stay claimable.
    function reallocate(AllocationInput[] calldata allocation) external;

    /// @notice Withdraws `amount` of principal to `receiver`. During a deficit only a full withdrawal is possible and
    /// it pays the position's pro-rata share of what the machine holds for principal. A full withdrawal also mints
    /// the position's earned tokens to the caller (a `Claimed` event per project). Never paused.
    function withdraw(uint256 amount, address receiver) external returns (uint256 stEthPaid);

    /// @notice Mints the caller's earned tokens of each project to `receiver`. Never paused.
    function claim(uint32[] calldata projectIds, address receiver) external returns (uint256[] memory amounts);

    // ------------------------------------------------------------------ projects

    function launchProject(LaunchParams calldata params)
        external
        returns (uint32 projectId, address token, address pair);
    function claimContributor(uint32 projectId) external returns (uint256 amount);
    function setMetadataURI(uint32 projectId, string calldata metadataURI) external;
    function lowerContributorShare(uint32 projectId, uint256 newBps) external;
    function setContributorRecipient(uint32 projectId, address recipient) external;
    function transferProjectOwnership(uint32 projectId, address newOwner) external;

    // ------------------------------------------------------------------ keepers

    /// @notice Collects one project's yield for this epoch into its pending wstETH, pays the caller a bounty, then
    /// runs one deploy step if one is due. Reverts with the reason if nothing can be collected.
    function harvest(uint32 projectId) external returns (HarvestReport memory report);

    /// @notice Harvests each ready project; skips, without reverting, the ones not ready (already harvested this
    /// epoch, too little yield) and unknown ids.
    function harvestMany(uint32[] calldata projectIds) external returns (uint256 harvested);

    /// @notice Runs one deploy step: opens the pool at the launch price, or buys with about half of the pending
    /// wstETH (the share the add then matches exactly) while the price stays under spot * (1 + maxImpactBps) and
    /// adds the bought tokens with the wstETH the reserves need. Spot above the reference price makes the step count without trading; a step never reverts
    /// for a price reason. Due when the pending wstETH is at least MIN_DEPLOY and stepInterval has passed.
    function deploy(uint32 projectId) external returns (DeployReport memory report);

    /// @notice Runs a deploy step for each due project; skips, without reverting, the ones not due and unknown ids.
    function deployMany(uint32[] calldata projectIds) external returns (uint256 stepped);

    // ------------------------------------------------------------------ guardian

    function setPaused(bool depositsPaused_, bool harvestsPaused_) external;
    function transferGuardian(address newGuardian) external;

    // ------------------------------------------------------------------ views

    function currentEpoch() external view returns (uint256);
    function totalPrincipal() external view returns (uint256);
    function accYieldIndex() external view returns (uint256);
    function assignedYieldScaled() external view returns (uint256);
    function positionOf(address account) external view returns (uint256 principal, PositionEntryView[] memory entries);
    function pendingRewards(address account, uint32 projectId) external view returns (uint256);
    function getProject(uint32 projectId) external view returns (ProjectView memory);
    function pendingYield(uint32 projectId) external view returns (uint256 shares, uint256 stEth);
    function nextHarvestTime(uint32 projectId) external view returns (uint256);
    function isHarvestReady(uint32 projectId) external view returns (bool);
    /// @notice When project `projectId`'s next deploy step may run (if it has pending wstETH).
    function nextDeployTime(uint32 projectId) external view returns (uint256);
    /// @notice Whether `deploy(projectId)` would run a step now (it may still trade nothing: see `deploy`).
    function isDeployReady(uint32 projectId) external view returns (bool);
    function deficitStatus()
        external
        view
        returns (bool inDeficit, uint256 sharesHeld, uint256 sharesRequired, uint256 valueHeldForPrincipal);
    function emittedUpTo(uint32 projectId, uint256 timestamp) external view returns (uint256);
}

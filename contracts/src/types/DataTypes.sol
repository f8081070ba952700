// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice One line of a position's allocation: a project and its share of the position's yield in basis points.
struct AllocationInput {
    uint32 projectId;
    uint16 bps;
}

/// @notice What a project developer chooses at launch.
struct LaunchParams {
    string name;
    string symbol;
    string metadataURI;
    /// wstETH per token, 1e18 scale: the price the pool opens at.
    uint256 launchPrice;
    /// Tokens emitted in the first epoch (18 decimals).
    uint256 dailyEmission;
    /// Emission decay per epoch, in bps.
    uint256 decayBps;
    /// Hard cap on the token supply.
    uint256 maxSupply;
    /// Tokens set aside inside `maxSupply`, never emitted, to open the pool at the launch price.
    uint256 seedReserve;
    /// Share of every emission paid to the contributor recipient, in bps.
    uint256 contributorBps;
    address contributorRecipient;
}

/// @notice What a harvest collected, in one event payload.
struct HarvestReport {
    uint256 epoch;
    /// stETH shares of yield taken from the project and their value in stETH.
    uint256 yieldShares;
    uint256 yieldStEth;
    /// Bounty paid to the caller, in stETH shares and stETH.
    uint256 bountyShares;
    uint256 bountyStEth;
    /// wstETH obtained by wrapping the yield after the bounty, added to the project's pending wstETH.
    uint256 wstEthWrapped;
    /// The project's pending wstETH after the collection (before any deploy step).
    uint256 pendingWstEth;
}

/// @notice Everything a deploy step did, in one event payload. Prices are wstETH per token, 1e18 scale.
struct DeployReport {
    /// Pending wstETH before the step.
    uint256 pendingIn;
    /// Tokens bought earlier and not yet added, before the step.
    uint256 carryTokensIn;
    /// wstETH swapped for tokens and the tokens received.
    uint256 wstEthSwapped;
    uint256 tokensBought;
    /// Tokens minted from the seed reserve to open the pool (opening step only).
    uint256 tokensSeeded;
    /// Amounts added as liquidity and the LP tokens minted to the machine (locked forever).
    uint256 wstEthAdded;
    uint256 tokensAdded;
    uint256 liquidityMinted;
    /// Bounty paid to the caller in wstETH.
    uint256 bounty;
    /// Pending wstETH and carried tokens after the step.
    uint256 pendingOut;
    uint256 carryTokensOut;
    /// Spot before the step, the reference price the step trusted, and the buy ceiling (0 when the step did not
    /// trade: spot above the reference, or the opening step).
    uint256 spotPrice;
    uint256 referencePrice;
    uint256 ceilingPrice;
    /// Pair reserves and LP total supply after the step.
    uint256 reserveWstEth;
    uint256 reserveTokens;
    uint256 lpTotalSupply;
}

/// @notice A project as integrators see it.
struct ProjectView {
    uint32 id;
    address token;
    address pair;
    address owner;
    address contributorRecipient;
    bool tokenIsToken0;
    bool seeded;
    uint256 launchPrice;
    uint256 dailyEmission;
    uint256 decayBps;
    uint256 maxSupply;
    uint256 contributorBps;
    uint256 startTime;
    uint256 emissionCap;
    uint256 allocatedPrincipal;
    uint256 lastAccrual;
    uint256 rewardAcc;
    uint256 contributorOwed;
    uint256 lastHarvestEpoch;
    uint256 lastStepTime;
    uint256 seedReserve;
    /// The price the machine trusts (UQ112x112 wstETH per token), set by its own trading steps.
    uint256 referencePrice;
    /// The pair's cumulative price of the token at `observationTime`: the start of the current follow window.
    uint256 observationTime;
    uint256 observationCumulative;
    uint256 pendingWstEth;
    uint256 carryTokens;
    uint256 pendingYieldScaled;
    uint256 totalYieldShares;
    uint256 totalLiquidity;
    string metadataURI;
}

/// @notice One project line of a position, with rewards settled to now.
struct PositionEntryView {
    uint32 projectId;
    uint16 bps;
    uint256 principal;
    uint256 pendingRewards;
}

import {ProjectToken} from "../ProjectToken.sol";
import {IUniswapV2Pair} from "../interfaces/external/IUniswapV2.sol";

/// @notice A project's storage in the machine (packed: slots 0-2 are touched by position changes; a harvest writes
/// slots 0, 3, 6 and 7, a deploy step slots 3, 5, 6, 7 and 11; slots 1 and 6 carry a tag bit so that they are never
/// zero).
struct Project {
    // slot 0: touched by every position change
    uint96 allocatedPrincipal;
    uint128 yieldDebt; // mod 2^128: allocatedPrincipal * accYield - pendingYieldScaled
    uint32 lastAccrual;
    // slot 1
    uint160 rewardAcc; // mod 2^160: depositor tokens per principal, scale 2^64
    // The contributor's unclaimed tokens (< maxSupply < 2^95) | SLOT_TAG (bit 95, set at launch, never cleared): the
    // slot is never zero, so a project's first accrual rewrites it (2,900 gas) instead of creating it (20,000).
    uint96 contributorOwedTagged;
    // slot 2: the schedule
    uint96 dailyEmission;
    uint16 decayBps;
    uint16 contributorBps;
    uint32 startTime;
    uint96 emissionCap; // maxSupply minus the seed reserve
    // slot 3: token, and the harvest's and the steps' clocks
    ProjectToken token;
    uint32 lastHarvestEpoch;
    uint32 lastStepTime;
    bool tokenIsToken0;
    bool seeded;
    // slot 4
    IUniswapV2Pair pair;
    // slot 5
    uint256 observationCumulative; // pair's cumulative price of the token in wstETH (UQ112x112 * s) at observationTime
    // slot 6: pending wstETH and carried tokens. carryTokens (< maxSupply < 2^95) | SLOT_TAG (bit 95, set at launch,
    // never cleared): the slot is never zero, so it is always a 2,900-gas rewrite, never a 20,000-gas creation.
    uint128 pendingWstEth;
    uint96 carryTokensTagged;
    // slot 7: written by every harvest and step
    uint128 totalYieldShares;
    uint128 totalLiquidity; // LP minted to the machine; a V2 pair's supply stays below 2^112
    // slot 8
    address owner;
    // slot 9
    address contributorRecipient;
    // slot 10: read by the opening step only
    uint128 launchPrice;
    uint96 seedReserve;
    // slot 11: the price the machine trusts (UQ112x112), and when the observation of slot 5 was taken
    uint224 referencePrice;
    uint32 observationTime;
}

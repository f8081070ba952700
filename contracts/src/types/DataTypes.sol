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
    /// Share of every emission paid to the contributor recipient, in bps.
    uint256 contributorBps;
    address contributorRecipient;
}

/// @notice Everything a harvest did, in one event payload.
struct HarvestReport {
    uint256 epoch;
    /// stETH shares of yield taken from the project and their value in stETH.
    uint256 yieldShares;
    uint256 yieldStEth;
    /// Bounty paid to the caller, in stETH shares and stETH.
    uint256 bountyShares;
    uint256 bountyStEth;
    /// wstETH obtained by wrapping the yield after the bounty, and the carry brought in from the last harvest.
    uint256 wstEthWrapped;
    uint256 carryWstEthIn;
    uint256 carryTokensIn;
    /// wstETH swapped for tokens and the tokens received (both 0 on the seeding harvest).
    uint256 wstEthSwapped;
    uint256 tokensBought;
    /// Tokens minted to seed the pool at the launch price (0 after the first harvest).
    uint256 tokensSeeded;
    /// Amounts added as liquidity and the LP tokens minted to the machine (locked forever).
    uint256 wstEthAdded;
    uint256 tokensAdded;
    uint256 liquidityMinted;
    /// Carry left for the next harvest.
    uint256 carryWstEthOut;
    uint256 carryTokensOut;
    /// Spot price before the swap and TWAP since the previous harvest (wstETH per token, 1e18); 0 when seeding.
    uint256 spotPrice;
    uint256 twapPrice;
    /// Pair reserves after the harvest.
    uint256 reserveWstEth;
    uint256 reserveTokens;
    /// Pair LP total supply after the harvest.
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
    uint256 observationTime;
    uint256 observationCumulative;
    uint256 carryWstEth;
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

/// @notice A project's storage in the machine (packed: slots 0-2 are touched by position changes, slots 0, 3, 5, 6
/// and 7 written by a harvest; slots 1 and 6 carry a tag bit so that they are never zero).
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
    uint96 emissionCap; // maxSupply, minus the seeding tokens once seeded
    // slot 3: token, and the harvest's clock
    ProjectToken token;
    uint32 lastHarvestEpoch;
    uint32 observationTime;
    bool tokenIsToken0;
    bool seeded;
    // slot 4
    IUniswapV2Pair pair;
    // slot 5
    uint256 observationCumulative; // pair's cumulative price of the token in wstETH (UQ112x112 * s)
    // slot 6: the carry. carryTokens (< maxSupply < 2^95) | SLOT_TAG (bit 95, set at launch, never cleared): the slot
    // is never zero, so a carry that becomes nonzero again is a 2,900-gas rewrite, not a 20,000-gas slot creation.
    uint128 carryWstEth;
    uint96 carryTokensTagged;
    // slot 7: written by every harvest
    uint128 totalYieldShares;
    uint128 totalLiquidity; // LP minted to the machine; a V2 pair's supply stays below 2^112
    // slot 8
    address owner;
    // slot 9
    address contributorRecipient;
    // slot 10: read by the seeding harvest only
    uint128 launchPrice;
}

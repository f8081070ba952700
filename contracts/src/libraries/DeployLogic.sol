// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IUniswapV2Pair} from "../interfaces/external/IUniswapV2.sol";
import {DeployReport, Project} from "../types/DataTypes.sol";
import {PoolOps} from "./PoolOps.sol";
import {UniswapV2Math} from "./UniswapV2Math.sol";

/// @title DeployLogic
/// @notice A deploy step: the first opens the pool at the launch price, the others buy with about half of the
/// pending wstETH (the share the add then matches) and lock what they bought, with the wstETH the reserves need, as
/// liquidity. An external library,
/// run by DELEGATECALL in the machine's context, so that the machine stays under the EIP-170 size limit.
///
/// The price a step trusts (the *reference*) is the spot price the machine's own previous trading step left behind:
/// only the machine's own trades move it up. A step buys while the price stays below
/// `min(spot, reference) * (1 + maxImpactBps)` (< one round trip of pool fees). So:
/// - the machine never buys above its own price path: a lift by others before a step only takes the place of part of
///   its buy (and a lift past the band makes the step trade nothing); a lower spot only makes it buy cheaper; a small
///   lift (a dust buy) cannot stall it;
/// - a step never trades in a block in which someone else already touched the pool: a same-block front-run (for
///   example pushing a freshly dumped price back up to the reference) leaves the step undone and still due;
/// - a price raised by others (buyers, or an attacker who holds) is followed only once it has held for a whole
///   `followWindow` without a trading step: the TWAP over the window must be at least spot. A window in which the
///   price went up is restarted, so an attacker must hold at least one whole window, and a step then trades at most
///   about maxImpactBps of the pool (less than the two fees of their exit).
library DeployLogic {
    uint256 internal constant BPS = 10_000;
    /// @dev Bit 95 of `Project.carryTokensTagged` (see DataTypes): keeps the project's slot 6 nonzero.
    uint256 internal constant SLOT_TAG = 1 << 95;
    uint256 internal constant Q112 = 1 << 112;
    /// @dev The buy that lets the add use the rest of the budget exactly (Uniswap's one-sided "zap"):
    ///      b + 0.997 b (1 + b / reserve) = budget  =>  b = (sqrt(1997^2 r^2 + 4 * 997 * 1000 * budget * r) - 1997 r)
    ///      / (2 * 997). Half the budget would leave the fee's share of it (0.15%) pending for another step.
    uint256 internal constant ZAP_A = 1997 * 1997;
    uint256 internal constant ZAP_B = 4 * 997 * 1000;

    /// @notice The machine's immutable step parameters (a library cannot read the machine's immutables).
    struct Params {
        address wstETH;
        uint256 maxImpactBps;
        uint256 followWindow;
        uint256 stepBountyBps;
        uint256 maxStepBounty;
    }

    /// @dev What a step leaves for `step` to finish: the reference to set from the final reserves.
    uint256 private constant KEEP_REFERENCE = 0;
    uint256 private constant REFERENCE_SPOT = 1;
    uint256 private constant REFERENCE_LAUNCH = 2;

    /// @notice One step for project `p`; the caller has checked that it is due. Writes the project's books, pays the
    /// bounty to `msg.sender` and returns the report (the machine emits it).
    function step(Project storage p, Params calldata c) external returns (DeployReport memory r) {
        r.pendingIn = p.pendingWstEth;
        r.carryTokensIn = p.carryTokensTagged & ~SLOT_TAG;
        r.carryTokensOut = r.carryTokensIn;
        // The bounty is bps of what the step deploys: set aside so that a step deploying its whole budget leaves
        // nothing pending (budget * bps / BPS is the part set aside, up to rounding).
        uint256 budget =
            r.pendingIn - Math.min(r.pendingIn * c.stepBountyBps / (BPS + c.stepBountyBps), c.maxStepBounty);
        uint256 deployed;
        uint256 cumulative; // the pair's cumulative price now (0 at the opening: nothing accrued before the first mint)
        uint256 referenceMode;
        if (p.seeded) {
            (uint256 rw, uint256 rt, uint256 touched) = PoolOps.reservesAndTime(p);
            if (touched == block.timestamp % 2 ** 32) {
                // Someone traded (or synced) in this block before the step: nothing is done and the step stays due,
                // for a later block.
                (r.pendingOut, r.reserveWstEth, r.reserveTokens) = (r.pendingIn, rw, rt);
                r.lpTotalSupply = p.pair.totalSupply();
                return r;
            }
            (deployed, cumulative, referenceMode) = _trade(p, c, r, budget, rw, rt);
        } else {
            (deployed, referenceMode) = _open(p, r, budget, c.wstETH);
        }
        p.lastStepTime = uint32(block.timestamp);
        r.bounty = Math.min(Math.min(deployed * c.stepBountyBps / BPS, c.maxStepBounty), r.pendingIn - deployed);
        r.pendingOut = r.pendingIn - deployed - r.bounty;
        p.pendingWstEth = uint128(r.pendingOut);
        p.carryTokensTagged = uint96(r.carryTokensOut | SLOT_TAG); // < maxSupply < 2^95
        p.totalLiquidity += uint128(r.liquidityMinted); // checked: the sum stays below 2^112
        if (r.bounty != 0) PoolOps.safeTransfer(c.wstETH, msg.sender, r.bounty);
        (r.reserveWstEth, r.reserveTokens) = PoolOps.reserves(p);
        r.lpTotalSupply = p.pair.totalSupply();
        if (referenceMode != KEEP_REFERENCE) {
            // The machine trusts the price its own trade (or opening) left; donations alone above the launch price
            // are not trusted: the reference then stays at the launch price.
            uint256 spot = UniswapV2Math.priceUQ112(r.reserveWstEth, r.reserveTokens);
            uint256 reference_ = referenceMode == REFERENCE_LAUNCH ? (uint256(p.launchPrice) << 112) / 1e18 : spot;
            _setReference(p, reference_, cumulative);
            if (r.tokensSeeded != 0) (r.spotPrice, r.referencePrice) = (_wad(spot), _wad(reference_)); // the opening reports its own price
        }
    }

    /// @dev Opens the pool at exactly the launch price given all the wstETH the pair will hold (the step's budget
    ///      plus anything donated, synced or not), with tokens from the seed reserve. When donations outgrow what the
    ///      reserve can price, the machine adds only the wstETH the reserve's tokens price at the launch price (none,
    ///      bar the 1 wei the pair's first mint needs, if the donations alone are worth more): its own wstETH never
    ///      enters above the launch price. Returns the machine's wstETH added and the reference to set.
    function _open(Project storage p, DeployReport memory r, uint256 budget, address wstETH)
        private
        returns (uint256 wst, uint256 referenceMode)
    {
        IUniswapV2Pair pair = p.pair;
        uint256 inPair = IERC20(wstETH).balanceOf(address(pair));
        (uint256 tokens, uint256 wstIn, bool overpriced) = _openingAmounts(p, inPair, budget);
        (uint256 reserveWst,) = PoolOps.reserves(p); // synced donations (the token side is empty until opening)
        // The pair's first mint counts only what arrived since its last sync: at least 1 wei of wstETH must arrive.
        if (inPair + wstIn == reserveWst) wstIn = 1;
        if (
            wstIn > budget
                || UniswapV2Math.sqrt(tokens * (inPair + wstIn - reserveWst)) <= UniswapV2Math.MINIMUM_LIQUIDITY
        ) {
            return (0, KEEP_REFERENCE); // too little to open yet: the step counts, the wstETH stays pending
        }
        wst = wstIn;
        p.seeded = true;
        PoolOps.safeTransfer(wstETH, address(pair), wst);
        p.token.seed(tokens);
        r.tokensSeeded = tokens;
        r.tokensAdded = tokens;
        r.wstEthAdded = wst;
        r.liquidityMinted = pair.mint(address(this));
        referenceMode = overpriced ? REFERENCE_LAUNCH : REFERENCE_SPOT;
    }

    /// @dev Tokens to open with and the machine's wstETH they go with, for `inPair` wstETH already in the pair;
    ///      `overpriced` when the donations alone are worth at least the whole seed reserve at the launch price.
    function _openingAmounts(Project storage p, uint256 inPair, uint256 budget)
        private
        view
        returns (uint256 tokens, uint256 wst, bool overpriced)
    {
        uint256 price = p.launchPrice;
        uint256 reserve = p.seedReserve;
        tokens = (inPair + budget) * 1e18 / price;
        wst = budget;
        if (tokens > reserve) {
            tokens = reserve;
            uint256 priced = reserve * price / 1e18;
            wst = priced > inPair ? priced - inPair : 0;
            overpriced = inPair * 1e18 / price >= reserve;
        }
    }

    /// @dev Steady state: buy with about half of the budget while the price stays below
    ///      min(spot, reference) * (1 + maxImpactBps); add the bought tokens (and carried ones) with the
    ///      wstETH the reserves need. Returns the wstETH deployed (swapped + added), the pair's cumulative price
    ///      and the reference to set.
    function _trade(Project storage p, Params calldata c, DeployReport memory r, uint256 budget, uint256 rw, uint256 rt)
        private
        returns (uint256 deployed, uint256 cumulative, uint256 referenceMode)
    {
        // wstETH given to the pair and not synced would count as part of the machine's swap input and lift the
        // price past the band; tokens given and not synced would make the pair's mint price the add on a larger
        // reserve than the step did. Make either part of the reserves first (a donor's gift to the pool's LP).
        if (
            IERC20(c.wstETH).balanceOf(address(p.pair)) > rw || IERC20(address(p.token)).balanceOf(address(p.pair)) > rt
        ) {
            p.pair.sync();
            (rw, rt) = PoolOps.reserves(p);
        }
        uint256 spot = UniswapV2Math.priceUQ112(rw, rt);
        cumulative = PoolOps.currentCumulative(p);
        uint256 reference_ = referenceNow(p, spot, cumulative, c.followWindow);
        r.spotPrice = _wad(spot);
        r.referencePrice = _wad(reference_);
        // The band is anchored at the lower of spot and the reference: a lift by others only takes the place of
        // part of the machine's own buy, never moves the price the machine buys up to.
        uint256 ceiling = Math.min(spot, reference_) * (BPS + c.maxImpactBps) / BPS;
        if (spot >= ceiling) {
            // Someone lifted the price past the band: the step counts without trading. Once a whole window has
            // passed, the machine keeps what the window held on average (referenceNow) and starts the next one: a
            // lift followed by dust buys (spot a hair above the average forever) stalls it for two windows at most.
            if (block.timestamp - p.observationTime >= c.followWindow) _setReference(p, reference_, cumulative);
            return (0, cumulative, KEEP_REFERENCE);
        }
        r.ceilingPrice = _wad(ceiling);
        (rw, rt) = _buy(p, c, r, budget, rw, rt, ceiling);
        _add(p, c.wstETH, r, budget - r.wstEthSwapped, rw, rt);
        deployed = r.wstEthSwapped + r.wstEthAdded;
        referenceMode = REFERENCE_SPOT;
    }

    /// @dev Buys with the share of the budget that the add then matches (about half; see ZAP_A), lifting the price
    ///      at most to `ceiling` (≤ spot * (1 + maxImpactBps)); returns the reserves after the swap.
    function _buy(
        Project storage p,
        Params calldata c,
        DeployReport memory r,
        uint256 budget,
        uint256 rw,
        uint256 rt,
        uint256 ceiling
    ) private returns (uint256, uint256) {
        // Without the fee, buying dx moves the price to (x + dx)^2 / k; the fee only keeps it lower.
        uint256 wstAtCeiling = Math.sqrt(Math.mulDiv(rw * rt, ceiling, Q112));
        uint256 room = wstAtCeiling > rw ? wstAtCeiling - rw : 0;
        // When the band binds the buy is `room` and the rest waits; otherwise budget < 2.01 room < rw / 100, so
        // the zap's square stays far below 2^256.
        r.wstEthSwapped = budget * 1000 / 1997 >= room
            ? room
            : (Math.sqrt(rw * (ZAP_A * rw + ZAP_B * budget)) - 1997 * rw) / (2 * 997);
        if (r.wstEthSwapped != 0) r.tokensBought = UniswapV2Math.getAmountOut(r.wstEthSwapped, rw, rt);
        if (r.tokensBought == 0) {
            r.wstEthSwapped = 0;
            return (rw, rt);
        }
        PoolOps.safeTransfer(c.wstETH, address(p.pair), r.wstEthSwapped);
        (uint256 out0, uint256 out1) = p.tokenIsToken0 ? (r.tokensBought, uint256(0)) : (uint256(0), r.tokensBought);
        p.pair.swap(out0, out1, address(this), "");
        return (rw + r.wstEthSwapped, rt - r.tokensBought);
    }

    /// @dev Adds the bought and carried tokens with the wstETH the reserves need (or as much as `keep` allows);
    ///      what one side cannot use stays (tokens carried, wstETH pending).
    function _add(Project storage p, address wstETH, DeployReport memory r, uint256 keep, uint256 rw, uint256 rt)
        private
    {
        uint256 tokens = r.tokensBought + r.carryTokensIn;
        uint256 wstNeeded = tokens * rw / rt;
        if (wstNeeded <= keep) {
            (r.tokensAdded, r.wstEthAdded) = (tokens, wstNeeded);
        } else {
            (r.tokensAdded, r.wstEthAdded) = (keep * rt / rw, keep);
        }
        IUniswapV2Pair pair = p.pair;
        uint256 supply = pair.totalSupply();
        if (Math.min(r.tokensAdded * supply / rt, r.wstEthAdded * supply / rw) == 0) {
            (r.tokensAdded, r.wstEthAdded) = (0, 0);
        } else {
            PoolOps.safeTransfer(wstETH, address(pair), r.wstEthAdded);
            PoolOps.safeTransfer(address(p.token), address(pair), r.tokensAdded);
            r.liquidityMinted = pair.mint(address(this));
        }
        r.carryTokensOut = tokens - r.tokensAdded;
    }

    /// @notice The reference a step would trust now: the price the machine's last trading step left or, when spot
    ///         is above it and the current window is at least `followWindow` long, the higher price that held on
    ///         average over the window: min(spot, TWAP) (an attacker's lift counts only as far as it held the whole
    ///         window; a dust trade that keeps spot a hair above the average no longer blocks the following).
    function referenceNow(Project storage p, uint256 spot, uint256 cumulative, uint256 followWindow)
        internal
        view
        returns (uint256 reference_)
    {
        reference_ = p.referencePrice;
        if (spot <= reference_) return reference_;
        uint256 elapsed = block.timestamp - p.observationTime;
        if (elapsed < followWindow) return reference_;
        uint256 twap;
        unchecked {
            twap = (cumulative - p.observationCumulative) / elapsed;
        }
        uint256 held = Math.min(spot, twap);
        if (held > reference_) reference_ = held;
    }

    function _setReference(Project storage p, uint256 price, uint256 cumulative) private {
        p.referencePrice = uint224(price);
        _setObservation(p, cumulative);
    }

    function _setObservation(Project storage p, uint256 cumulative) private {
        p.observationTime = uint32(block.timestamp);
        p.observationCumulative = cumulative;
    }

    function _wad(uint256 uq) private pure returns (uint256) {
        return Math.mulDiv(uq, 1e18, Q112);
    }
}

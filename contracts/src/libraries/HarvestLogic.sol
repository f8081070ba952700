// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IUniswapV2Pair} from "../interfaces/external/IUniswapV2.sol";
import {HarvestReport, Project} from "../types/DataTypes.sol";
import {PoolOps} from "./PoolOps.sol";
import {UniswapV2Math} from "./UniswapV2Math.sol";

/// @title HarvestLogic
/// @notice A harvest's pool work: the first harvest opens the pool, the others buy and add liquidity. An external
/// library, run by DELEGATECALL in the machine's context, so that the machine stays under the EIP-170 size limit
/// (about 3,000 gas a harvest).
library HarvestLogic {
    /// @dev Bit 95 of `Project.carryTokensTagged` (see DataTypes): keeps the project's slot 6 nonzero.
    uint256 internal constant SLOT_TAG = 1 << 95;

    /// @notice Opens the pool at exactly the launch price given all the wstETH it will hold. If the supply cap cannot
    /// price all of it, seeds with the tokens the cap allows and the wstETH they price; the rest is carried (never
    /// reverts, so one project can neither lock its yield nor block `harvestMany`). Returns the report and the
    /// pair's cumulative price after seeding (the first TWAP observation).
    function seed(Project storage p, HarvestReport memory r, address wstETH)
        external
        returns (HarvestReport memory, uint256 observed)
    {
        IUniswapV2Pair pair = p.pair;
        uint256 total = r.wstEthWrapped + r.carryWstEthIn;
        uint256 inPair = IERC20(wstETH).balanceOf(address(pair));
        (uint256 tokens, uint256 wst) = amounts(p, total, inPair);
        uint256 cap = p.emissionCap;
        (uint256 reserveWst,) = PoolOps.reserves(p);
        uint256 addedWst = inPair + wst - reserveWst; // what the pair's mint will count on the wstETH side
        r.carryWstEthOut = total;
        if (UniswapV2Math.sqrt(tokens * addedWst) > UniswapV2Math.MINIMUM_LIQUIDITY) {
            p.emissionCap = uint96(cap - tokens);
            p.seeded = true;
            PoolOps.safeTransfer(wstETH, address(pair), wst);
            p.token.seed(tokens);
            r.tokensSeeded = tokens;
            r.wstEthAdded = wst;
            r.tokensAdded = tokens;
            r.carryWstEthOut = total - wst;
            r.liquidityMinted = pair.mint(address(this));
        }
        p.carryWstEth = uint128(r.carryWstEthOut);
        PoolOps.reportPool(p, r);
        return (r, PoolOps.currentCumulative(p));
    }

    /// @notice Steady state: buy with half, add liquidity with what was bought and as much of the other half as the
    /// reserves need; whatever one side cannot use is carried to the next harvest.
    function swapAndAdd(Project storage p, HarvestReport memory r, address wstETH)
        external
        returns (HarvestReport memory)
    {
        IUniswapV2Pair pair = p.pair;
        uint256 wst = r.wstEthWrapped + r.carryWstEthIn;
        uint256 keep = wst - r.wstEthSwapped;
        (uint256 reserveWst, uint256 reserveTokens) = (r.reserveWstEth, r.reserveTokens); // set by the machine's price guard
        if (r.tokensBought != 0) {
            PoolOps.safeTransfer(wstETH, address(pair), r.wstEthSwapped);
            (uint256 out0, uint256 out1) = p.tokenIsToken0 ? (r.tokensBought, uint256(0)) : (uint256(0), r.tokensBought);
            pair.swap(out0, out1, address(this), "");
            (reserveWst, reserveTokens) = PoolOps.reserves(p);
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
        uint256 liquidity = Math.min(r.tokensAdded * supply / reserveTokens, r.wstEthAdded * supply / reserveWst);
        if (liquidity == 0) {
            r.wstEthAdded = 0;
            r.tokensAdded = 0;
        } else {
            PoolOps.safeTransfer(wstETH, address(pair), r.wstEthAdded);
            PoolOps.safeTransfer(address(p.token), address(pair), r.tokensAdded);
            r.liquidityMinted = pair.mint(address(this));
        }
        r.carryWstEthOut = keep - r.wstEthAdded;
        r.carryTokensOut = tokens - r.tokensAdded;
        p.carryWstEth = uint128(r.carryWstEthOut);
        p.carryTokensTagged = uint96(r.carryTokensOut | SLOT_TAG); // <= tokens bought + carried <= supply < 2^95
        PoolOps.reportPool(p, r);
        return r;
    }

    /// @dev Tokens to seed with and the wstETH they go with, for `total` wstETH on hand and `inPair` in the pair.
    function amounts(Project storage p, uint256 total, uint256 inPair) private view returns (uint256 tokens, uint256 wst) {
        wst = total;
        uint256 price = p.launchPrice;
        uint256 available = p.emissionCap - PoolOps.cumulativeEmission(p, block.timestamp);
        tokens = (inPair + wst) * 1e18 / price;
        if (tokens > available) {
            tokens = available;
            uint256 priced = tokens * price / 1e18;
            // Donations already worth more than the tokens the cap allows: seed with everything (the pool opens
            // above the launch price, at the donor's expense) rather than never opening.
            if (priced > inPair && priced - inPair < wst) wst = priced - inPair;
        }
    }
}

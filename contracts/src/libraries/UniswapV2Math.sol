// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title UniswapV2Math
/// @notice Uniswap V2's own formulas, reproduced bit for bit (0.3% fee, UQ112x112 prices, Babylonian sqrt).
library UniswapV2Math {
    uint256 internal constant Q112 = 2 ** 112;
    uint256 internal constant MINIMUM_LIQUIDITY = 1000;

    /// @notice UniswapV2Library.getAmountOut.
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) internal pure returns (uint256) {
        uint256 amountInWithFee = amountIn * 997;
        return amountInWithFee * reserveOut / (reserveIn * 1000 + amountInWithFee);
    }

    /// @notice Uniswap V2's Math.sqrt (floor of the square root).
    function sqrt(uint256 y) internal pure returns (uint256 z) {
        if (y > 3) {
            z = y;
            uint256 x = y / 2 + 1;
            while (x < z) {
                z = x;
                x = (y / x + x) / 2;
            }
        } else if (y != 0) {
            z = 1;
        }
    }

    /// @notice Price of `base` in `quote` as UQ112x112, as the pair accumulates it.
    function priceUQ112(uint256 reserveQuote, uint256 reserveBase) internal pure returns (uint256) {
        return (reserveQuote << 112) / reserveBase;
    }
}

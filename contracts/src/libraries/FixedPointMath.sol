// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title FixedPointMath
/// @notice Multiplication and division with the rounding direction in the name, and a RAY power.
library FixedPointMath {
    uint256 internal constant RAY = 1e27;

    function mulDivDown(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return x * y / d;
    }

    function mulDivUp(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        uint256 product = x * y;
        return product == 0 ? 0 : (product - 1) / d + 1;
    }

    /// @notice x^n for x in RAY (x <= RAY), rounding down at every multiplication (square-and-multiply).
    function rpowDown(uint256 x, uint256 n) internal pure returns (uint256 z) {
        z = n % 2 != 0 ? x : RAY;
        for (n /= 2; n != 0; n /= 2) {
            x = x * x / RAY;
            if (n % 2 != 0) z = z * x / RAY;
        }
    }
}

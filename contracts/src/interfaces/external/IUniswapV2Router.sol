// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The subset of the official UniswapV2Router02 that tests and the devnet use to play traders.
interface IUniswapV2Router02 {
    function swapExactTokensForTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external returns (uint256[] memory amounts);
}

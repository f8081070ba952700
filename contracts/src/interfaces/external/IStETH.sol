// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice The subset of Lido's stETH that TCM uses (share-based rebasing ERC-20).
interface IStETH is IERC20 {
    function sharesOf(address account) external view returns (uint256);
    function getTotalShares() external view returns (uint256);
    function getTotalPooledEther() external view returns (uint256);
    function getSharesByPooledEth(uint256 ethAmount) external view returns (uint256);
    function getPooledEthByShares(uint256 sharesAmount) external view returns (uint256);
    function transferShares(address recipient, uint256 sharesAmount) external returns (uint256);
    function transferSharesFrom(address sender, address recipient, uint256 sharesAmount) external returns (uint256);
}

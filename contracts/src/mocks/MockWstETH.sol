// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IStETH} from "../interfaces/external/IStETH.sol";

/// @title MockWstETH
/// @notice Lido's WstETH.sol reproduced: 1 wstETH is 1 stETH share; wrap and unwrap round as Lido's do.
contract MockWstETH is ERC20Permit {
    IStETH public immutable stETH;

    error MockWstETH_ZeroAmount();

    constructor(IStETH stETH_) ERC20("Wrapped liquid staked Ether 2.0", "wstETH") ERC20Permit("Wrapped liquid staked Ether 2.0") {
        stETH = stETH_;
    }

    function wrap(uint256 stETHAmount) external returns (uint256 wstETHAmount) {
        if (stETHAmount == 0) revert MockWstETH_ZeroAmount();
        wstETHAmount = stETH.getSharesByPooledEth(stETHAmount);
        _mint(msg.sender, wstETHAmount);
        stETH.transferFrom(msg.sender, address(this), stETHAmount);
    }

    function unwrap(uint256 wstETHAmount) external returns (uint256 stETHAmount) {
        if (wstETHAmount == 0) revert MockWstETH_ZeroAmount();
        stETHAmount = stETH.getPooledEthByShares(wstETHAmount);
        _burn(msg.sender, wstETHAmount);
        stETH.transfer(msg.sender, stETHAmount);
    }

    function getWstETHByStETH(uint256 stETHAmount) external view returns (uint256) {
        return stETH.getSharesByPooledEth(stETHAmount);
    }

    function getStETHByWstETH(uint256 wstETHAmount) external view returns (uint256) {
        return stETH.getPooledEthByShares(wstETHAmount);
    }

    function stEthPerToken() external view returns (uint256) {
        return stETH.getPooledEthByShares(1 ether);
    }

    function tokensPerStEth() external view returns (uint256) {
        return stETH.getSharesByPooledEth(1 ether);
    }
}

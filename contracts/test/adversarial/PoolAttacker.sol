// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Base.t.sol";
import {ProjectToken} from "../../src/ProjectToken.sol";
import {DeployReport} from "../../src/types/DataTypes.sol";

/// @notice What the adversarial suites share: an attacker with wstETH and approvals, one project's pool (reserves,
/// spot), trades through the official router, the honest keeper's step and the next block.
abstract contract PoolAttacker is Base {
    address internal attacker = makeAddr("attacker");
    uint32 internal id;

    /// @dev Funds the attacker with about `wst` wstETH (and 1 more), approvals for the router; returns its balance.
    function arm(uint256 wst) internal returns (uint256 balance) {
        fund(attacker, wst * 2 + 1 ether);
        vm.startPrank(attacker);
        stETH.approve(address(wstETH), type(uint256).max);
        wstETH.wrap(stETH.getPooledEthByShares(wst) + 1 ether);
        wstETH.approve(address(router), type(uint256).max);
        ProjectToken(project(id).token).approve(address(router), type(uint256).max);
        vm.stopPrank();
        return wstETH.balanceOf(attacker);
    }

    function reserves() internal view returns (uint256 wst, uint256 tok) {
        (uint112 r0, uint112 r1,) = pairOf(id).getReserves();
        (tok, wst) = project(id).tokenIsToken0 ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
    }

    function reserveWst() internal view returns (uint256 wst) {
        (wst,) = reserves();
    }

    function reserveTokens() internal view returns (uint256 tok) {
        (, tok) = reserves();
    }

    /// @dev The pool's price, wstETH per token, UQ112x112 (as the machine computes it).
    function spot() internal view returns (uint256) {
        (uint256 wst, uint256 tok) = reserves();
        return (wst << 112) / tok;
    }

    /// @dev `who` buys tokens with `wst` wstETH (nothing when 0); returns the tokens bought.
    function buy(address who, uint256 wst) internal returns (uint256 tokens) {
        if (wst == 0) return 0;
        address[] memory path = new address[](2);
        (path[0], path[1]) = (address(wstETH), project(id).token);
        vm.prank(who);
        tokens = router.swapExactTokensForTokens(wst, 0, path, who, block.timestamp)[1];
    }

    function buy(uint256 wst) internal returns (uint256 tokens) {
        return buy(attacker, wst);
    }

    /// @dev `who` sells every token of the project it holds.
    function sellAll(address who) internal {
        uint256 tokens = tokenOf(id).balanceOf(who);
        if (tokens == 0) return;
        address[] memory path = new address[](2);
        (path[0], path[1]) = (project(id).token, address(wstETH));
        vm.prank(who);
        router.swapExactTokensForTokens(tokens, 0, path, who, block.timestamp);
    }

    function sellAll() internal {
        sellAll(attacker);
    }

    /// @dev The honest keeper: runs the step when one is due.
    function keeperStep() internal returns (DeployReport memory r) {
        if (!machine.isDeployReady(id)) return r;
        vm.prank(keeper);
        r = machine.deploy(id);
    }

    function nextBlock() internal {
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
    }
}

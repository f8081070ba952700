// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ITechnoCapitalMachine} from "../interfaces/ITechnoCapitalMachine.sol";
import {IUniswapV2Pair} from "../interfaces/external/IUniswapV2.sol";
import {Project} from "../types/DataTypes.sol";
import {Emission} from "./Emission.sol";
import {UniswapV2Math} from "./UniswapV2Math.sol";

/// @title PoolOps
/// @notice What the machine and its seeding library both do with a project's pair and schedule (internal: compiled
/// into each).
library PoolOps {
    /// @dev The pair's cumulative price of the token (in wstETH) as of now, counterfactually accrued like
    ///      UniswapV2OracleLibrary.currentCumulativePrices.
    function currentCumulative(Project storage p) internal view returns (uint256 cumulative) {
        IUniswapV2Pair pair = p.pair;
        bool tokenIs0 = p.tokenIsToken0;
        cumulative = tokenIs0 ? pair.price0CumulativeLast() : pair.price1CumulativeLast();
        (uint112 r0, uint112 r1, uint32 last) = pair.getReserves();
        uint32 nowTs = uint32(block.timestamp);
        if (last != nowTs && r0 != 0 && r1 != 0) {
            unchecked {
                uint256 price = tokenIs0 ? UniswapV2Math.priceUQ112(r1, r0) : UniswapV2Math.priceUQ112(r0, r1);
                cumulative += price * (nowTs - last);
            }
        }
    }

    function reserves(Project storage p) internal view returns (uint256 reserveWst, uint256 reserveTokens) {
        (reserveWst, reserveTokens,) = reservesAndTime(p);
    }

    /// @dev The reserves and the pair's `blockTimestampLast` (the last block in which the pool was touched).
    function reservesAndTime(Project storage p)
        internal
        view
        returns (uint256 reserveWst, uint256 reserveTokens, uint256 touched)
    {
        (uint112 r0, uint112 r1, uint32 last) = p.pair.getReserves();
        (reserveTokens, reserveWst) = p.tokenIsToken0 ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
        touched = last;
    }

    function safeTransfer(address token, address to, uint256 amount) internal {
        (bool success, bytes memory data) = token.call(abi.encodeCall(IERC20.transfer, (to, amount)));
        if (!success || (data.length != 0 && !abi.decode(data, (bool)))) {
            revert ITechnoCapitalMachine.TCM_TransferFailed();
        }
    }

    /// @dev Tokens the project's schedule emits from its start up to `timestamp`.
    function cumulativeEmission(Project storage p, uint256 timestamp) internal view returns (uint256) {
        uint256 start = p.startTime;
        if (timestamp <= start) return 0;
        return Emission.between(p.dailyEmission, p.decayBps, p.emissionCap, 0, timestamp - start);
    }
}

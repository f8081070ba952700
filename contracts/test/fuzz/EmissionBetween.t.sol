// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Emission} from "../../src/libraries/Emission.sol";

/// @notice The machine accrues with `Emission.between`, the one-pass form that shares the squares of the four decay
/// factors; `Emission.cumulative` is the reference form the domain vectors pin. They must agree to the wei.
contract EmissionBetweenTest is Test {
    uint256 internal constant MAX_SUPPLY_LIMIT = (1 << 95) - 1;
    uint256 internal constant MAX_DECAY_BPS = 5_000;

    function between(uint256 daily, uint256 decayBps, uint256 cap, uint256 t0, uint256 t1)
        external
        pure
        returns (uint256)
    {
        return Emission.between(daily, decayBps, cap, t0, t1);
    }

    function testFuzz_BetweenEqualsDifferenceOfCumulatives(
        uint256 daily,
        uint256 decayBps,
        uint256 cap,
        uint256 t0,
        uint256 dt
    ) public view {
        daily = bound(daily, 0, MAX_SUPPLY_LIMIT);
        decayBps = bound(decayBps, 0, MAX_DECAY_BPS);
        cap = bound(cap, 0, MAX_SUPPLY_LIMIT);
        t0 = bound(t0, 0, 200 * 365 days);
        // Mostly within a few epochs (the accrual pattern), sometimes across decades.
        dt = dt % 4 == 0 ? bound(dt, 0, 200 * 365 days) : bound(dt, 0, 3 days);
        uint256 t1 = t0 + dt;
        uint256 expected = Emission.cumulative(daily, decayBps, cap, t1) - Emission.cumulative(daily, decayBps, cap, t0);
        assertEq(this.between(daily, decayBps, cap, t0, t1), expected);
    }

    function test_BetweenAtEpochBoundariesAndCap() public view {
        uint256 daily = 1_000e18;
        uint256 cap = 2_500e18;
        for (uint256 decayBps; decayBps <= MAX_DECAY_BPS; decayBps += 1_250) {
            for (uint256 t0; t0 <= 5 days; t0 += 1 days) {
                for (uint256 t1 = t0; t1 <= 6 days; t1 += 12 hours) {
                    uint256 expected =
                        Emission.cumulative(daily, decayBps, cap, t1) - Emission.cumulative(daily, decayBps, cap, t0);
                    assertEq(this.between(daily, decayBps, cap, t0, t1), expected);
                }
            }
        }
    }
}

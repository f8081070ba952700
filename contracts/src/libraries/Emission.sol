// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FixedPointMath} from "./FixedPointMath.sol";

/// @title Emission
/// @notice A project's emission schedule: `dailyEmission` tokens in its first epoch (86,400 s after launch),
/// decaying by `decayBps` each epoch, accrued linearly within an epoch, capped at `cap`.
/// @dev The cumulative amount after k whole epochs is the geometric sum
///      A(k) = floor(daily * (RAY - q^k) * 10_000 / (decayBps * RAY)), q = 1 - decayBps/10_000, q^k rounded down in RAY.
///      A factor q^k below DECAY_FLOOR is treated as 0 (the schedule is over): this keeps the rounded A(k)
///      non-decreasing in k, so the cumulative amount C(t) is monotone and an accrual C(t1) - C(t0) never underflows.
///      Within epoch k: C = A(k) + floor((A(k+1) - A(k)) * r / EPOCH), r the seconds into the epoch.
library Emission {
    uint256 internal constant EPOCH = 86_400;
    uint256 internal constant BPS = 10_000;
    uint256 internal constant DECAY_FLOOR = 1e18; // 1e-9 in RAY

    /// @notice q^k in RAY, or 0 once it falls below DECAY_FLOOR.
    function decayFactor(uint256 decayBps, uint256 k) internal pure returns (uint256 factor) {
        if (decayBps == 0) return FixedPointMath.RAY;
        factor = FixedPointMath.rpowDown(FixedPointMath.RAY / BPS * (BPS - decayBps), k);
        if (factor < DECAY_FLOOR) factor = 0;
    }

    /// @notice Uncapped cumulative emission after `k` whole epochs.
    function cumulativeAtEpoch(uint256 dailyEmission, uint256 decayBps, uint256 k) internal pure returns (uint256) {
        if (decayBps == 0) return dailyEmission * k;
        uint256 factor = decayFactor(decayBps, k);
        return dailyEmission * (FixedPointMath.RAY - factor) * BPS / (decayBps * FixedPointMath.RAY);
    }

    /// @notice Cumulative emission `elapsed` seconds after launch, capped at `cap`.
    function cumulative(uint256 dailyEmission, uint256 decayBps, uint256 cap, uint256 elapsed)
        internal
        pure
        returns (uint256 amount)
    {
        uint256 k = elapsed / EPOCH;
        uint256 atStart = cumulativeAtEpoch(dailyEmission, decayBps, k);
        if (atStart >= cap) return cap;
        uint256 atEnd = cumulativeAtEpoch(dailyEmission, decayBps, k + 1);
        amount = atStart + (atEnd - atStart) * (elapsed % EPOCH) / EPOCH;
        if (amount > cap) amount = cap;
    }

    /// @notice cumulative(t1) - cumulative(t0) for t0 <= t1, sharing the epoch sums the two ends have in common.
    function between(uint256 dailyEmission, uint256 decayBps, uint256 cap, uint256 elapsed0, uint256 elapsed1)
        internal
        pure
        returns (uint256)
    {
        uint256 k0 = elapsed0 / EPOCH;
        uint256 k1 = elapsed1 / EPOCH;
        uint256 a0 = cumulativeAtEpoch(dailyEmission, decayBps, k0);
        if (a0 >= cap) return 0;
        uint256 b0 = cumulativeAtEpoch(dailyEmission, decayBps, k0 + 1);
        uint256 c0 = a0 + (b0 - a0) * (elapsed0 % EPOCH) / EPOCH;
        if (c0 > cap) c0 = cap;
        uint256 a1;
        uint256 b1;
        if (k1 == k0) {
            (a1, b1) = (a0, b0);
        } else {
            a1 = k1 == k0 + 1 ? b0 : cumulativeAtEpoch(dailyEmission, decayBps, k1);
            if (a1 >= cap) return cap - c0;
            b1 = cumulativeAtEpoch(dailyEmission, decayBps, k1 + 1);
        }
        uint256 c1 = a1 + (b1 - a1) * (elapsed1 % EPOCH) / EPOCH;
        if (c1 > cap) c1 = cap;
        return c1 - c0;
    }
}

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
    uint256 internal constant RAY = 1e27;
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

    /// @notice cumulative(elapsed1) - cumulative(elapsed0) for elapsed0 <= elapsed1, bit for bit; `between(0, t)` is
    ///         `cumulative(t)`. For a stored schedule only (dailyEmission, cap < 2^96, decayBps <= 10_000, elapsed
    ///         < 2^64): the four decay factors q^k0, q^(k0+1), q^k1, q^(k1+1) come from one square-and-multiply pass
    ///         (the squares are shared; each factor is exactly FixedPointMath.rpowDown's), and the arithmetic is
    ///         unchecked where it provably cannot overflow: factors <= RAY < 2^90, so x * x < 2^180 and
    ///         daily * (RAY - f) * BPS < 2^96 * 2^90 * 2^14 = 2^200. The differences that rely on the schedule
    ///         being monotone stay checked.
    function between(uint256 dailyEmission, uint256 decayBps, uint256 cap, uint256 elapsed0, uint256 elapsed1)
        internal
        pure
        returns (uint256)
    {
        (uint256 a0, uint256 b0, uint256 a1, uint256 b1) =
            _epochSums(dailyEmission, decayBps, elapsed0 / EPOCH, elapsed1 / EPOCH);
        if (a0 >= cap) return 0;
        uint256 c0 = a0 + (b0 - a0) * (elapsed0 % EPOCH) / EPOCH;
        if (c0 > cap) c0 = cap;
        if (a1 >= cap) return cap - c0;
        uint256 c1 = a1 + (b1 - a1) * (elapsed1 % EPOCH) / EPOCH;
        if (c1 > cap) c1 = cap;
        return c1 - c0;
    }

    /// @dev cumulativeAtEpoch for k0, k0 + 1, k1 and k1 + 1 (bounded inputs, see `between`).
    function _epochSums(uint256 daily, uint256 decayBps, uint256 k0, uint256 k1)
        private
        pure
        returns (uint256 a0, uint256 b0, uint256 a1, uint256 b1)
    {
        unchecked {
            if (decayBps == 0) return (daily * k0, daily * (k0 + 1), daily * k1, daily * (k1 + 1));
            (uint256 f0, uint256 g0, uint256 f1, uint256 g1) = _decayFactors(RAY / BPS * (BPS - decayBps), k0, k1);
            uint256 d = decayBps * RAY;
            a0 = daily * (RAY - f0) * BPS / d;
            b0 = daily * (RAY - g0) * BPS / d;
            a1 = daily * (RAY - f1) * BPS / d;
            b1 = daily * (RAY - g1) * BPS / d;
        }
    }

    /// @dev decayFactor for k0, k0 + 1, k1 and k1 + 1 (x = q in RAY, x <= RAY): FixedPointMath.rpowDown for each
    ///      exponent, sharing the repeated squares (the same rounded squares rpowDown computes), then DECAY_FLOOR.
    function _decayFactors(uint256 x, uint256 k0, uint256 k1)
        private
        pure
        returns (uint256 z0, uint256 z1, uint256 z2, uint256 z3)
    {
        unchecked {
            uint256 n0 = k0;
            uint256 n1 = k0 + 1;
            uint256 n2 = k1;
            uint256 n3 = k1 + 1;
            z0 = n0 & 1 != 0 ? x : RAY;
            z1 = n1 & 1 != 0 ? x : RAY;
            z2 = n2 & 1 != 0 ? x : RAY;
            z3 = n3 & 1 != 0 ? x : RAY;
            while (true) {
                n0 >>= 1;
                n1 >>= 1;
                n2 >>= 1;
                n3 >>= 1;
                if (n0 | n1 | n2 | n3 == 0) break;
                x = x * x / RAY;
                if (n0 & 1 != 0) z0 = z0 * x / RAY;
                if (n1 & 1 != 0) z1 = z1 * x / RAY;
                if (n2 & 1 != 0) z2 = z2 * x / RAY;
                if (n3 & 1 != 0) z3 = z3 * x / RAY;
            }
            if (z0 < DECAY_FLOOR) z0 = 0;
            if (z1 < DECAY_FLOOR) z1 = 0;
            if (z2 < DECAY_FLOOR) z2 = 0;
            if (z3 < DECAY_FLOOR) z3 = 0;
        }
    }
}

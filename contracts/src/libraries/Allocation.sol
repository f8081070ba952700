// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Allocation
/// @notice Splits a principal across a position's projects so that the parts sum exactly to the principal.
/// @dev Each part is floor(principal * bps / 10_000); the remainder goes to the entry with the largest bps
///      (ties to the lowest project id; entries are sorted by id, so the first largest).
library Allocation {
    uint256 internal constant BPS = 10_000;

    function split(uint256 principal, uint16[8] memory bps, uint256 count)
        internal
        pure
        returns (uint256[8] memory parts)
    {
        uint256 assigned;
        uint256 largest;
        for (uint256 i; i < count; ++i) {
            uint256 part = principal * bps[i] / BPS;
            parts[i] = part;
            assigned += part;
            if (bps[i] > bps[largest]) largest = i;
        }
        if (count != 0) parts[largest] += principal - assigned;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title CreateAddress
/// @notice The address of the contract `deployer` creates with CREATE at `nonce`: keccak256(rlp([deployer, nonce])).
library CreateAddress {
    error CreateAddress_NonceOutOfRange(uint256 nonce);

    /// @dev For 1 <= nonce < 2^24 (a contract's first CREATE uses nonce 1, EIP-161).
    function compute(address deployer, uint256 nonce) internal pure returns (address created) {
        if (nonce == 0 || nonce > 0xffffff) revert CreateAddress_NonceOutOfRange(nonce);
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            // [0xc0 + payload length] [0x94] [deployer, 20 bytes] [nonce item]
            mstore(add(ptr, 2), shl(96, deployer))
            mstore8(add(ptr, 1), 0x94)
            let hash
            switch lt(nonce, 0x80)
            case 1 {
                mstore8(ptr, 0xd6)
                mstore8(add(ptr, 22), nonce)
                hash := keccak256(ptr, 23)
            }
            default {
                let n := add(add(gt(nonce, 0xff), gt(nonce, 0xffff)), 1) // bytes of the nonce
                mstore8(ptr, add(0xd6, n))
                mstore8(add(ptr, 22), add(0x80, n))
                mstore(add(ptr, 23), shl(sub(256, shl(3, n)), nonce))
                hash := keccak256(ptr, add(23, n))
            }
            created := and(hash, 0xffffffffffffffffffffffffffffffffffffffff)
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title ProjectToken
/// @notice A project's fair-launch token: ERC-20 with EIP-2612 permit, hard-capped, minted only by the machine.
/// Until the machine seeds its Uniswap V2 pool, nothing can be sent or minted to the pair, so nobody can open
/// the pool at a price other than the launch price.
contract ProjectToken is ERC20Permit {
    /// @notice The TCM machine: the only minter.
    address public immutable machine;
    /// @notice Hard cap on the total supply.
    uint256 public immutable maxSupply;
    /// @notice The token's Uniswap V2 pair against wstETH (created by the machine just before the token).
    address public immutable pair;
    /// @dev 1 until the machine seeds the pool, then 2: never zero, so opening the pool rewrites a slot (2,900 gas)
    ///      instead of creating one (20,000).
    uint256 private _poolState = 1;
    /// @notice The project's metadata (set by its owner through the machine).
    string public metadataURI;

    error ProjectToken_OnlyMachine(address caller);
    error ProjectToken_CapExceeded(uint256 supplyAfter, uint256 maxSupply);
    error ProjectToken_PoolNotOpen(address pair);

    constructor(
        string memory name_,
        string memory symbol_,
        string memory metadataURI_,
        uint256 maxSupply_,
        address machine_,
        address pair_
    ) ERC20(name_, symbol_) ERC20Permit(name_) {
        metadataURI = metadataURI_;
        maxSupply = maxSupply_;
        machine = machine_;
        pair = pair_;
    }

    /// @notice True once the machine has seeded the pool at the launch price.
    function poolOpen() external view returns (bool) {
        return _poolState == 2;
    }

    modifier onlyMachine() {
        if (msg.sender != machine) revert ProjectToken_OnlyMachine(msg.sender);
        _;
    }

    function setMetadataURI(string calldata metadataURI_) external onlyMachine {
        metadataURI = metadataURI_;
    }

    function mint(address to, uint256 amount) external onlyMachine {
        _mint(to, amount);
    }

    /// @notice Opens the pool and mints the seeding tokens straight into the pair.
    function seed(uint256 amount) external onlyMachine {
        _poolState = 2;
        _mint(pair, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (to == pair && _poolState != 2) revert ProjectToken_PoolNotOpen(to);
        super._update(from, to, value);
        if (from == address(0)) {
            uint256 supply = totalSupply();
            if (supply > maxSupply) revert ProjectToken_CapExceeded(supply, maxSupply);
        }
    }
}

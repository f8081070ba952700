// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ProjectToken} from "./ProjectToken.sol";

/// @title TokenDeployer
/// @notice Deploys project tokens for one machine (kept apart so the machine stays under the code-size limit).
/// The machine binds itself in its constructor and is then the only caller, so the deployer's n-th CREATE is project
/// n's token: the machine derives a token's address from its project id instead of reading it from storage.
contract TokenDeployer {
    /// @notice The machine this deployer works for (zero until bound).
    address public machine;

    error TokenDeployer_AlreadyBound(address machine);
    error TokenDeployer_NotMachine(address caller);

    /// @notice Binds the caller as the machine; once.
    function bind() external {
        if (machine != address(0)) revert TokenDeployer_AlreadyBound(machine);
        machine = msg.sender;
    }

    function deploy(
        string calldata name,
        string calldata symbol,
        string calldata metadataURI,
        uint256 maxSupply,
        address pair
    ) external returns (ProjectToken) {
        if (msg.sender != machine) revert TokenDeployer_NotMachine(msg.sender);
        return new ProjectToken(name, symbol, metadataURI, maxSupply, msg.sender, pair);
    }
}

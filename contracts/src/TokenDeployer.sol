// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ProjectToken} from "./ProjectToken.sol";

/// @title TokenDeployer
/// @notice Deploys project tokens for the machine (kept apart so the machine stays under the code-size limit).
/// The caller becomes the token's machine, so a token deployed by anyone else is useless to TCM.
contract TokenDeployer {
    function deploy(string calldata name, string calldata symbol, string calldata metadataURI, uint256 maxSupply)
        external
        returns (ProjectToken)
    {
        return new ProjectToken(name, symbol, metadataURI, maxSupply, msg.sender);
    }
}

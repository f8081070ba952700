// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Project, ProjectView} from "../types/DataTypes.sol";

/// @title ProjectViews
/// @notice Builds the integrator view of a project. An external library (linked at deployment) so that the
/// machine's own bytecode stays under the EIP-170 limit; it only reads storage.
library ProjectViews {
    function toView(Project storage p, uint32 projectId, uint256 pendingYieldScaled)
        external
        view
        returns (ProjectView memory v)
    {
        v.id = projectId;
        v.token = address(p.token);
        v.pair = address(p.pair);
        v.owner = p.owner;
        v.contributorRecipient = p.contributorRecipient;
        v.tokenIsToken0 = p.tokenIsToken0;
        v.seeded = p.seeded;
        v.launchPrice = p.launchPrice;
        v.dailyEmission = p.dailyEmission;
        v.decayBps = p.decayBps;
        v.maxSupply = p.token.maxSupply();
        v.contributorBps = p.contributorBps;
        v.startTime = p.startTime;
        v.emissionCap = p.emissionCap;
        v.allocatedPrincipal = p.allocatedPrincipal;
        v.lastAccrual = p.lastAccrual;
        v.rewardAcc = p.rewardAcc;
        v.contributorOwed = p.contributorOwedTagged & ((1 << 95) - 1); // without the slot tag (bit 95)
        v.lastHarvestEpoch = p.lastHarvestEpoch;
        v.lastStepTime = p.lastStepTime;
        v.seedReserve = p.seedReserve;
        v.referencePrice = p.referencePrice;
        v.observationTime = p.observationTime;
        v.observationCumulative = p.observationCumulative;
        v.pendingWstEth = p.pendingWstEth;
        v.carryTokens = p.carryTokensTagged & ((1 << 95) - 1); // without the slot tag (bit 95)
        v.pendingYieldScaled = pendingYieldScaled;
        v.totalYieldShares = p.totalYieldShares;
        v.totalLiquidity = p.totalLiquidity;
        v.metadataURI = p.token.metadataURI();
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITechnoCapitalMachine} from "../interfaces/ITechnoCapitalMachine.sol";
import {IUniswapV2Factory, IUniswapV2Pair} from "../interfaces/external/IUniswapV2.sol";
import {LaunchParams, Project} from "../types/DataTypes.sol";
import {ProjectToken} from "../ProjectToken.sol";
import {TokenDeployer} from "../TokenDeployer.sol";
import {CreateAddress} from "./CreateAddress.sol";

/// @title LaunchLogic
/// @notice `launchProject`'s body: validates the parameters, deploys the token, creates (or adopts) its pair and
/// registers the project. An external library, run by DELEGATECALL in the machine's context, so the machine stays
/// under the EIP-170 size limit; launches are rare, so the extra call costs nothing that matters.
library LaunchLogic {
    uint256 internal constant MIN_LAUNCH_PRICE = 1e6;
    /// @dev 1e6 wstETH per token: above it a day's yield would open the pool with a handful of token-wei, in which no
    ///      step could ever buy (domain FINDINGS F11).
    uint256 internal constant MAX_LAUNCH_PRICE = 1e24;
    uint256 internal constant MIN_MAX_SUPPLY = 1e18;
    uint256 internal constant MAX_SUPPLY_LIMIT = (1 << 95) - 1;
    uint256 internal constant MAX_DECAY_BPS = 5_000;
    uint256 internal constant MAX_CONTRIBUTOR_BPS = 2_000;
    /// @dev The seed reserve: at least 0.001 token, at most half of the supply (the rest is the emission schedule's).
    uint256 internal constant MIN_SEED_RESERVE = 1e15;
    /// @dev Bytes (UTF-8). Every reader gets the name, symbol and metadata URI back through eth_call, often many in one
    ///      Multicall3 aggregate whose return data is capped (24,576 bytes for a deployless one); an unbounded string
    ///      would let one project's owner break every snapshot read of the protocol. 512 bytes hold any IPFS/Arweave URI
    ///      and a long https URL.
    uint256 internal constant MAX_NAME_BYTES = 64;
    uint256 internal constant MAX_SYMBOL_BYTES = 32;
    uint256 internal constant MAX_METADATA_URI_BYTES = 512;

    /// @dev Same signature as {ITechnoCapitalMachine.ProjectLaunched}: indexers see one event.
    event ProjectLaunched(
        uint32 indexed projectId,
        address indexed token,
        address indexed pair,
        address owner,
        bool tokenIsToken0,
        uint256 startTime,
        LaunchParams params
    );

    function launch(
        Project storage p,
        LaunchParams calldata params,
        uint32 projectId,
        uint256 epoch,
        TokenDeployer tokenDeployer,
        IUniswapV2Factory factory,
        address wstETH
    ) external returns (address token, address pair) {
        validate(params);
        // The deployer's n-th CREATE is project n's token (it deploys for this machine only), so the pair is created
        // first and the token is born knowing it. A pair may already exist for that predictable address: it is
        // empty (nothing can be minted or synced on a pair whose token has no code), and the token refuses to go to
        // it until seeding, so adopting it is safe and keeps launches from being blocked.
        token = CreateAddress.compute(address(tokenDeployer), projectId);
        pair = factory.getPair(token, wstETH);
        if (pair == address(0)) pair = factory.createPair(token, wstETH);
        ProjectToken projectToken = deployToken(params, tokenDeployer, pair);
        if (address(projectToken) != token) {
            revert ITechnoCapitalMachine.TCM_TokenAddressMismatch(token, address(projectToken));
        }

        store(p, params, projectToken, IUniswapV2Pair(pair), epoch, wstETH);
        emit ProjectLaunched(projectId, token, pair, msg.sender, token < wstETH, block.timestamp, params);
    }

    function deployToken(LaunchParams calldata params, TokenDeployer tokenDeployer, address pair)
        private
        returns (ProjectToken)
    {
        return tokenDeployer.deploy(params.name, params.symbol, params.metadataURI, params.maxSupply, pair);
    }

    function store(
        Project storage p,
        LaunchParams calldata params,
        ProjectToken token,
        IUniswapV2Pair pair,
        uint256 epoch,
        address wstETH
    ) private {
        p.lastAccrual = uint32(block.timestamp);
        p.contributorOwedTagged = uint96(1 << 95); // slot tags: slots 1 and 6 are never zero (see DataTypes.Project)
        p.carryTokensTagged = uint96(1 << 95);
        p.dailyEmission = uint96(params.dailyEmission);
        p.decayBps = uint16(params.decayBps);
        p.contributorBps = uint16(params.contributorBps);
        p.startTime = uint32(block.timestamp);
        p.emissionCap = uint96(params.maxSupply - params.seedReserve);
        p.seedReserve = uint96(params.seedReserve);
        // Slot 11 (reference price, observation time) is then never zero: the opening rewrites it (2,900 gas)
        // instead of creating it (20,000); the opening sets both.
        p.observationTime = uint32(block.timestamp);
        p.token = token;
        p.lastHarvestEpoch = uint32(epoch);
        p.tokenIsToken0 = address(token) < wstETH;
        p.pair = pair;
        p.launchPrice = uint128(params.launchPrice);
        p.owner = msg.sender;
        p.contributorRecipient = params.contributorRecipient;
    }

    /// @notice Reverts when a metadata URI is longer than MAX_METADATA_URI_BYTES (launch and setMetadataURI).
    function validateMetadataURI(string calldata metadataURI) public pure {
        if (bytes(metadataURI).length > MAX_METADATA_URI_BYTES) {
            revert ITechnoCapitalMachine.TCM_MetadataURITooLong(bytes(metadataURI).length, MAX_METADATA_URI_BYTES);
        }
    }

    /// @notice Reverts with the error naming the first out-of-bounds parameter.
    function validate(LaunchParams calldata params) public pure {
        if (bytes(params.name).length == 0) revert ITechnoCapitalMachine.TCM_EmptyName();
        if (bytes(params.name).length > MAX_NAME_BYTES) {
            revert ITechnoCapitalMachine.TCM_NameTooLong(bytes(params.name).length, MAX_NAME_BYTES);
        }
        if (bytes(params.symbol).length == 0) revert ITechnoCapitalMachine.TCM_EmptySymbol();
        if (bytes(params.symbol).length > MAX_SYMBOL_BYTES) {
            revert ITechnoCapitalMachine.TCM_SymbolTooLong(bytes(params.symbol).length, MAX_SYMBOL_BYTES);
        }
        validateMetadataURI(params.metadataURI);
        if (params.launchPrice < MIN_LAUNCH_PRICE || params.launchPrice > MAX_LAUNCH_PRICE) {
            revert ITechnoCapitalMachine.TCM_LaunchPriceOutOfBounds(
                params.launchPrice, MIN_LAUNCH_PRICE, MAX_LAUNCH_PRICE
            );
        }
        if (params.maxSupply < MIN_MAX_SUPPLY || params.maxSupply > MAX_SUPPLY_LIMIT) {
            revert ITechnoCapitalMachine.TCM_MaxSupplyOutOfBounds(params.maxSupply, MIN_MAX_SUPPLY, MAX_SUPPLY_LIMIT);
        }
        if (params.seedReserve < MIN_SEED_RESERVE || params.seedReserve > params.maxSupply / 2) {
            revert ITechnoCapitalMachine.TCM_SeedReserveOutOfBounds(
                params.seedReserve, MIN_SEED_RESERVE, params.maxSupply / 2
            );
        }
        uint256 emissionCap = params.maxSupply - params.seedReserve;
        if (params.dailyEmission == 0 || params.dailyEmission > emissionCap) {
            revert ITechnoCapitalMachine.TCM_DailyEmissionOutOfBounds(params.dailyEmission, 1, emissionCap);
        }
        if (params.decayBps > MAX_DECAY_BPS) {
            revert ITechnoCapitalMachine.TCM_DecayOutOfBounds(params.decayBps, MAX_DECAY_BPS);
        }
        if (params.contributorBps > MAX_CONTRIBUTOR_BPS) {
            revert ITechnoCapitalMachine.TCM_ContributorShareOutOfBounds(params.contributorBps, MAX_CONTRIBUTOR_BPS);
        }
        if (params.contributorBps != 0 && params.contributorRecipient == address(0)) {
            revert ITechnoCapitalMachine.TCM_ContributorRecipientZero();
        }
    }
}

// Benchmark ceiling: the same handlers as src/mappings/machine.ts, doing nothing. graph-node still fetches, decodes
// and dispatches every event, so indexing with this mapping measures the node's own cost.
import { ethereum } from "@graphprotocol/graph-ts";

export function handleProjectLaunched(event: ethereum.Event): void {}
export function handleDeposited(event: ethereum.Event): void {}
export function handleToppedUp(event: ethereum.Event): void {}
export function handleReallocated(event: ethereum.Event): void {}
export function handleWithdrawn(event: ethereum.Event): void {}
export function handleClaimed(event: ethereum.Event): void {}
export function handleContributorClaimed(event: ethereum.Event): void {}
export function handleYieldAssigned(event: ethereum.Event): void {}
export function handleHarvested(event: ethereum.Event): void {}
export function handleDeployed(event: ethereum.Event): void {}
export function handlePauseSet(event: ethereum.Event): void {}
export function handleMetadataURISet(event: ethereum.Event): void {}
export function handleContributorShareLowered(event: ethereum.Event): void {}
export function handleContributorRecipientSet(event: ethereum.Event): void {}
export function handleProjectOwnershipTransferred(event: ethereum.Event): void {}

// Benchmark floor 1 (not the subgraph): each frequent event writes its immutable event record and nothing else —
// no account, position, line, project, protocol or day snapshot. Rare events (launch, deposit, withdrawal, yield
// checkpoint, harvest, admin) run the real handlers. A strict subset of what the subgraph must index, so its ratio to the
// no-op mapping bounds what any mapping with the required records can reach on this graph-node.
import { Claimed, Reallocated, ToppedUp } from "../../generated/TechnoCapitalMachine/TechnoCapitalMachine";
import { saveClaimRecord, saveReallocationRecord, saveTopUpRecord } from "../../src/helpers/records";
export {
  handleProjectLaunched,
  handleDeposited,
  handleWithdrawn,
  handleContributorClaimed,
  handleYieldAssigned,
  handleHarvested,
  handleDeployed,
  handlePauseSet,
  handleMetadataURISet,
  handleContributorShareLowered,
  handleContributorRecipientSet,
  handleProjectOwnershipTransferred,
} from "../../src/mappings/machine";

export function handleToppedUp(event: ToppedUp): void {
  saveTopUpRecord(event);
}

export function handleReallocated(event: Reallocated): void {
  saveReallocationRecord(event, [], []);
}

export function handleClaimed(event: Claimed): void {
  saveClaimRecord(event);
}

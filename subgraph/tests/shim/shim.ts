// TEST ONLY: turns the flat twins of ProjectLaunched / Harvested / Deployed (see datasource.yaml for why) into the real
// generated event classes, with the tuple rebuilt in ABI order, and runs the real handlers on them.
import { ethereum } from "@graphprotocol/graph-ts";
import { Deployed, Harvested, ProjectLaunched } from "../../generated/TechnoCapitalMachine/TechnoCapitalMachine";
import { handleDeployed, handleHarvested, handleProjectLaunched } from "../../src/mappings/machine";

/** Keeps the first `head` parameters and packs the rest into one tuple parameter named `name`. */
function repack(event: ethereum.Event, head: i32, name: string): Array<ethereum.EventParam> {
  let flat = event.parameters;
  let tuple = new ethereum.Tuple();
  for (let i = head; i < flat.length; i++) tuple.push(flat[i].value);
  let params = new Array<ethereum.EventParam>();
  for (let i = 0; i < head; i++) params.push(flat[i]);
  params.push(new ethereum.EventParam(name, ethereum.Value.fromTuple(tuple)));
  return params;
}

export function handleTestProjectLaunched(event: ethereum.Event): void {
  let params = repack(event, 6, "params");
  handleProjectLaunched(
    new ProjectLaunched(
      event.address,
      event.logIndex,
      event.transactionLogIndex,
      event.logType,
      event.block,
      event.transaction,
      params,
      event.receipt,
    ),
  );
}

export function handleTestHarvested(event: ethereum.Event): void {
  let params = repack(event, 2, "report");
  handleHarvested(
    new Harvested(
      event.address,
      event.logIndex,
      event.transactionLogIndex,
      event.logType,
      event.block,
      event.transaction,
      params,
      event.receipt,
    ),
  );
}

export function handleTestDeployed(event: ethereum.Event): void {
  let params = repack(event, 2, "report");
  handleDeployed(
    new Deployed(
      event.address,
      event.logIndex,
      event.transactionLogIndex,
      event.logType,
      event.block,
      event.transaction,
      params,
      event.receipt,
    ),
  );
}

/** The `tcm` command tree. */
import { Command } from "@effect/cli";
import { allocateCommand } from "./commands/allocate.js";
import { claimCommand } from "./commands/claim.js";
import { deployCommand } from "./commands/deploy.js";
import { devnetCommand } from "./commands/devnet.js";
import { depositCommand } from "./commands/deposit.js";
import { harvestCommand } from "./commands/harvest.js";
import { launchCommand } from "./commands/launch.js";
import { projectsCommand } from "./commands/projects.js";
import { statusCommand } from "./commands/status.js";
import { withdrawCommand } from "./commands/withdraw.js";
import { EXIT_CODES_HELP } from "./errors.js";

export const VERSION = "0.1.0";

export const tcm = Command.make("tcm").pipe(
  Command.withDescription(
    "TCM (Techno Capital Machine): deposit stETH, route its yield to open-source projects, earn their tokens. " +
      "Works against the local devnet with no flags (contracts/deployments/devnet.json and the RPC URL npm start wrote in it); " +
      "elsewhere pass --rpc and --deployment. Signing key: env TCM_PRIVATE_KEY, or --keystore <v3 json> with " +
      "TCM_KEYSTORE_PASSWORD or an interactive prompt (never a flag). Every transaction is previewed and confirmed " +
      "unless --yes; --dry-run prints it instead of sending. " +
      EXIT_CODES_HELP +
      ".",
  ),
  Command.withSubcommands([
    launchCommand,
    depositCommand,
    allocateCommand,
    withdrawCommand,
    claimCommand,
    harvestCommand,
    deployCommand,
    statusCommand,
    projectsCommand,
    devnetCommand,
  ]),
);

export const run = Command.run(tcm, { name: "tcm", version: VERSION });

import { parseArgs } from "node:util";

/** What `npm start -- …` accepts. Ports left undefined are chosen: the usual one when free, else any free one. */
export interface Flags {
  readonly days: number;
  readonly depositors: number;
  /** At most this many deploy steps a simulated day (the keeper runs them); undefined: every step that is due. */
  readonly steps: number | undefined;
  readonly subgraph: boolean;
  readonly rpcPort: number | undefined;
  readonly apiPort: number | undefined;
  readonly graphPort: number | undefined;
  readonly ipfsPort: number | undefined;
  readonly keeperPort: number | undefined;
  /** Use a private Postgres cluster (initdb) even when one answers on 127.0.0.1:5432. */
  readonly privatePostgres: boolean;
  /** Where logs, the pid file and the IPFS blocks go; any but the default also holds the deployment (deployment.json). */
  readonly stateDir: string | undefined;
  /** Stop everything right after the ready line (CI smoke runs). */
  readonly exitWhenReady: boolean;
  readonly help: boolean;
}

export const HELP = `npm start [-- options]    the complete local TCM, until Ctrl-C

Starts anvil, deploys the contracts with three demo projects, funds depositors, simulates days of
stETH rebases (one negative) and trading while the real keeper harvests and runs the deploy steps that
put the yield into the pools, runs Postgres + a local IPFS endpoint + graph-node (gnd) indexing the
subgraph, and the GraphQL API. Ctrl-C stops all of it.

Options
  --days N             simulated days (default 3; 0 skips the simulation)
  --depositors N       depositors to fund (default 30: anvil's dev accounts and generated keys)
  --steps N|all        deploy steps per simulated day, at most (default all: the clock moves one
                       stepInterval at a time and the keeper runs every step that is due, up to 72 a
                       day at the devnet's 20 minutes; fewer means a faster start and more yield pending)
  --no-subgraph        skip Postgres, IPFS and graph-node (the API then reads the chain only)
  --rpc-port P         anvil's JSON-RPC port          (default 8545, or a free one if taken)
  --api-port P         the GraphQL API's port          (default 4000, or a free one if taken)
  --graph-port P       graph-node's GraphQL port       (default 8000, or a free one if taken)
  --ipfs-port P        the IPFS endpoint's port        (default 5001, or a free one if taken)
  --keeper-port P      the keeper's /metrics port      (default 9464, or a free one if taken)
  --private-postgres   run a private Postgres cluster (initdb) even if 127.0.0.1:5432 answers
  --state-dir DIR      logs, pid file, IPFS blocks     (default .tcm-devnet/ in the repository); any other
                       folder also gets this start's deployment, DIR/deployment.json (see below)
  --exit-when-ready    stop everything once ready (a smoke test)
  -h, --help           this text

A port given explicitly must be free; a taken one stops the start with a message naming it.
Environment: PGHOST / PGPORT / PGUSER pick the shared Postgres (default 127.0.0.1:5432, postgres).
Logs of every process: <state-dir>/logs/.
The deployment belongs to the start that wrote it. With the default state folder it is
contracts/deployments/devnet.json, the file the CLI reads with no flags. While a start runs, another with
the same state folder refuses (exit code 2, naming its pid), so only one writes that file. A second start takes
--state-dir DIR: its deployment goes to DIR/deployment.json (contracts/deployments/devnet.json is left
alone), and its summary prints TCM_DEPLOYMENT_FILE=DIR/deployment.json for the CLI, a keeper or an API.
`;

export class FlagError extends Error {
  override readonly name = "FlagError";
}

const port = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65_535)
    throw new FlagError(`--${name} must be a TCP port from 1 to 65535, got "${value}"`);
  return n;
};

const count = (name: string, value: string, min: number, max: number): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new FlagError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
};

export const parseFlags = (argv: ReadonlyArray<string>): Flags => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        days: { type: "string", default: "3" },
        depositors: { type: "string", default: "30" },
        steps: { type: "string", default: "all" },
        "no-subgraph": { type: "boolean", default: false },
        "rpc-port": { type: "string" },
        "api-port": { type: "string" },
        "graph-port": { type: "string" },
        "ipfs-port": { type: "string" },
        "keeper-port": { type: "string" },
        "private-postgres": { type: "boolean", default: false },
        "state-dir": { type: "string" },
        "exit-when-ready": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new FlagError(`${(error as Error).message} (see npm start -- --help)`);
  }
  const v = parsed.values;
  return {
    days: count("days", v.days, 0, 365),
    depositors: count("depositors", v.depositors, 1, 500),
    steps: v.steps === "all" ? undefined : count("steps", v.steps, 0, 72),
    subgraph: !v["no-subgraph"],
    rpcPort: port("rpc-port", v["rpc-port"]),
    apiPort: port("api-port", v["api-port"]),
    graphPort: port("graph-port", v["graph-port"]),
    ipfsPort: port("ipfs-port", v["ipfs-port"]),
    keeperPort: port("keeper-port", v["keeper-port"]),
    privatePostgres: v["private-postgres"],
    stateDir: v["state-dir"],
    exitWhenReady: v["exit-when-ready"],
    help: v.help,
  };
};

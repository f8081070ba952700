// A start's state folder and the deployment file that belongs to it. The default folder (.tcm-devnet/ in the
// repository) goes with contracts/deployments/devnet.json, the file the CLI reads with no flags; any other folder
// keeps its deployment inside itself, so a second start (or the e2e test run beside a developer's start) never
// rewrites the file another start's CLI, keeper and API are reading.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { StartError, isAlive, readPidFile } from "./processes.js";

/** The state folder when --state-dir is not given, relative to the repository. */
export const DEFAULT_STATE_DIR = ".tcm-devnet";
/** Where a start with the default state folder writes its deployment, relative to the repository. */
export const DEFAULT_DEPLOYMENT_FILE = join("contracts", "deployments", "devnet.json");
/** The deployment file's name inside any other state folder. */
export const DEPLOYMENT_FILE_NAME = "deployment.json";

export interface StatePaths {
  /** Absolute. */
  readonly dir: string;
  /** The repository's .tcm-devnet/ (by default or named explicitly): the start owns the CLI's default deployment. */
  readonly isDefault: boolean;
  readonly logDir: string;
  readonly pidFile: string;
  /** Absolute: contracts/deployments/devnet.json for the default folder, else <dir>/deployment.json. */
  readonly deploymentFile: string;
}

/** The paths of a start with `--state-dir <flag>` (undefined: the default), a relative flag resolved against `cwd`. */
export const statePaths = (root: string, flag: string | undefined, cwd: string = process.cwd()): StatePaths => {
  const defaultDir = resolve(root, DEFAULT_STATE_DIR);
  const dir = flag === undefined ? defaultDir : resolve(cwd, flag);
  const isDefault = dir === defaultDir;
  return {
    dir,
    isDefault,
    logDir: join(dir, "logs"),
    pidFile: join(dir, "pids.json"),
    deploymentFile: isDefault ? resolve(root, DEFAULT_DEPLOYMENT_FILE) : join(dir, DEPLOYMENT_FILE_NAME),
  };
};

/** Another live start holds the state folder (and, for the default one, the CLI's default deployment): exit code 2. */
export class StateDirTaken extends StartError {
  readonly exitCode = 2;
}

/** The process's command line, or undefined where it cannot be read. */
const commandLine = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {}
  const ps = spawnSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8", timeout: 5_000 });
  return ps.status === 0 ? ps.stdout.trim() : undefined;
};

/** `node …/packages/start/scripts/start.mjs` (npm start) or the orchestrator run directly (tsx …/src/main.ts). */
const looksLikeStart = (pid: number): boolean => {
  const command = commandLine(pid);
  return command === undefined || /packages[\\/]start[\\/](?:scripts[\\/]start\.mjs|src[\\/]main\.ts)/.test(command);
};

/**
 * The PID of the start, other than this process, that owns the state folder's pid file and is still running: its
 * owner is alive and is a start (or a process it started is still alive — a PID reused by an unrelated process counts
 * only then). A start claims the pid file before it starts anything (ProcessRegistry.claim).
 */
export const liveOwner = (pidFile: string): number | undefined => {
  const earlier = readPidFile(pidFile);
  if (earlier === undefined || earlier.owner === process.pid || !isAlive(earlier.owner)) return undefined;
  return earlier.processes.some((p) => isAlive(p.pid)) || looksLikeStart(earlier.owner) ? earlier.owner : undefined;
};

/** Throws StateDirTaken, naming the other start's PID and state folder and how to run a second one, when one owns it. */
export const refuseIfTaken = (root: string, paths: StatePaths): void => {
  const owner = liveOwner(paths.pidFile);
  if (owner === undefined) return;
  const stop = `stop it with Ctrl-C (or kill ${owner})`;
  throw new StateDirTaken(
    paths.isDefault
      ? `refusing to start: another \`npm start\` (pid ${owner}) is running with the default state folder ${relative(root, paths.dir)}/ (${paths.dir}) ` +
          `and owns ${DEFAULT_DEPLOYMENT_FILE}, the deployment the CLI reads by default: ${stop}, or run a second start beside it ` +
          `with a state folder of its own, npm start -- --state-dir <folder> (its deployment then goes to <folder>/${DEPLOYMENT_FILE_NAME}; ` +
          `point the CLI, a keeper or an API at it with TCM_DEPLOYMENT_FILE)`
      : `refusing to start: another \`npm start\` (pid ${owner}) is running with the state folder ${paths.dir}: ${stop}, ` +
          `or pass --state-dir <another folder>`,
  );
};

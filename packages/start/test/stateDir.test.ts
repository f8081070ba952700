// Which deployment file a start writes, and when a start refuses because another live one owns its state folder.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HELP, parseFlags } from "../src/flags.js";
import { StateDirTaken, liveOwner, refuseIfTaken, statePaths } from "../src/stateDir.js";

const root = mkdtempSync(join(tmpdir(), "tcm-start-state-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("statePaths", () => {
  it("the default state folder writes contracts/deployments/devnet.json", () => {
    const paths = statePaths(root, undefined);
    expect(paths).toEqual({
      dir: join(root, ".tcm-devnet"),
      isDefault: true,
      logDir: join(root, ".tcm-devnet", "logs"),
      pidFile: join(root, ".tcm-devnet", "pids.json"),
      deploymentFile: join(root, "contracts", "deployments", "devnet.json"),
    });
    // Named explicitly (relative to where the start runs), it is still the default one.
    expect(statePaths(root, ".tcm-devnet", root)).toEqual(paths);
    expect(statePaths(root, `${root}/./.tcm-devnet/`)).toEqual(paths);
  });

  it("any other state folder keeps the deployment inside itself", () => {
    const other = join(root, "second");
    expect(statePaths(root, other)).toMatchObject({
      dir: other,
      isDefault: false,
      deploymentFile: join(other, "deployment.json"),
    });
    expect(statePaths(root, "second", root).deploymentFile).toBe(join(other, "deployment.json"));
    expect(statePaths(root, "x", join(root, "sub")).deploymentFile).toBe(join(root, "sub", "x", "deployment.json"));
  });
});

describe("a state folder another start owns", () => {
  const children: ChildProcess[] = [];
  /** A long-running process whose command line is `args` (node -e ignores the arguments after the script). */
  const running = async (...args: string[]) => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", ...args], { stdio: "ignore" });
    children.push(child);
    await new Promise((resolveSpawn) => child.once("spawn", resolveSpawn));
    return child.pid!;
  };
  const exited = async () => {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((resolveExit) => child.once("exit", resolveExit));
    return child.pid!;
  };
  const withPidFile = (name: string, owner: number, processes: Array<{ name: string; pid: number }>) => {
    const paths = name === ".tcm-devnet" ? statePaths(root, undefined) : statePaths(root, join(root, name));
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(paths.pidFile, JSON.stringify({ owner, processes }));
    return paths;
  };
  const refusal = (paths: ReturnType<typeof statePaths>) => {
    try {
      refuseIfTaken(root, paths);
    } catch (error) {
      return error;
    }
    return undefined;
  };

  let start: number;
  let anvil: number;
  let unrelated: number;
  beforeAll(async () => {
    start = await running(join(root, "packages/start/scripts/start.mjs"), "--days", "2");
    anvil = await running("anvil");
    unrelated = await running("something-else");
  });
  afterAll(() => {
    for (const child of children) child.kill("SIGKILL");
  });

  it("the default folder: refused with exit code 2, naming the owner's pid, its folder, the file and --state-dir", () => {
    const paths = withPidFile(".tcm-devnet", start, [{ name: "anvil", pid: anvil }]);
    const error = refusal(paths);
    expect(error).toBeInstanceOf(StateDirTaken);
    expect((error as StateDirTaken).exitCode).toBe(2);
    const message = (error as Error).message;
    expect(message).toContain(`(pid ${start})`);
    expect(message).toContain(paths.dir);
    expect(message).toContain("contracts/deployments/devnet.json");
    expect(message).toContain("npm start -- --state-dir <folder>");
    expect(message).toContain("<folder>/deployment.json");
  });

  it("a start that has not started anything yet owns its folder too (its command line is a start's)", () => {
    const paths = withPidFile("early", start, []);
    expect(liveOwner(paths.pidFile)).toBe(start);
    const message = (refusal(paths) as Error).message;
    expect(message).toContain(`another \`npm start\` (pid ${start}) is running with the state folder ${paths.dir}`);
    expect(message).toContain("--state-dir <another folder>");
    expect(message).not.toContain("contracts/deployments/devnet.json");
  });

  it("no refusal for an owner that is gone, this process, a reused pid or no pid file", async () => {
    const gone = await exited();
    expect(refusal(withPidFile("gone", gone, [{ name: "anvil", pid: gone }]))).toBeUndefined();
    expect(refusal(withPidFile("self", process.pid, [{ name: "anvil", pid: anvil }]))).toBeUndefined();
    // A PID now held by a process that is not a start, with nothing of the old start left: a stale file.
    expect(refusal(withPidFile("reused", unrelated, [{ name: "anvil", pid: gone }]))).toBeUndefined();
    expect(refusal(statePaths(root, join(root, "fresh")))).toBeUndefined();
    // The same PID while a process it started still runs: owned.
    expect(liveOwner(withPidFile("reused-live", unrelated, [{ name: "anvil", pid: anvil }]).pidFile)).toBe(unrelated);
  });
});

describe("flags", () => {
  it("--state-dir is passed through, and --help says where each start's deployment goes", () => {
    expect(parseFlags(["--state-dir", "elsewhere"]).stateDir).toBe("elsewhere");
    expect(parseFlags([]).stateDir).toBeUndefined();
    expect(HELP).toContain("DIR/deployment.json");
    expect(HELP).toContain("contracts/deployments/devnet.json, the file the CLI reads with no flags");
    expect(HELP).toContain("exit code 2");
    expect(HELP).toContain("TCM_DEPLOYMENT_FILE=DIR/deployment.json");
  });
});

import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProcessRegistry, StartError, anyFreePort, isAlive } from "./processes.js";

export interface Database {
  /** What gnd's --postgres-url takes (gnd wants some password even under trust auth). */
  readonly url: string;
  readonly description: string;
}

const run = (command: string, args: ReadonlyArray<string>, options: { env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(command, [...args], { encoding: "utf8", env: options.env ?? process.env });

const which = (command: string): string | undefined => {
  const found = run("sh", ["-c", `command -v ${command}`]).stdout.trim();
  if (found !== "") return found;
  // Debian keeps the server binaries off PATH.
  for (const version of ["17", "16", "15", "14", "13"]) {
    const candidate = `/usr/lib/postgresql/${version}/bin/${command}`;
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
};

const psql = (host: string, port: string, user: string, sql: string) =>
  run("psql", ["-h", host, "-p", port, "-U", user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qAtc", sql]);

const NO_POSTGRES = `PostgreSQL is needed for graph-node. Either start one on 127.0.0.1:5432 with trust auth for user postgres
  (Debian: apt-get install -y postgresql-15 && service postgresql start), or install the server binaries
  (initdb, pg_ctl) so a private cluster can be made, or run without the subgraph: npm start -- --no-subgraph`;

/**
 * A fresh C-locale database for graph-node: on the machine's Postgres (PGHOST:PGPORT, default 127.0.0.1:5432) when
 * it answers, else on a private cluster made with initdb in a temporary folder. Whatever is created is registered
 * for removal (database dropped, cluster stopped and deleted).
 */
export const provideDatabase = async (
  registry: ProcessRegistry,
  options: { readonly forcePrivate: boolean; readonly log: (m: string) => void },
): Promise<Database> => {
  const host = process.env["PGHOST"] ?? "127.0.0.1";
  const port = process.env["PGPORT"] ?? "5432";
  const user = process.env["PGUSER"] ?? "postgres";
  const hasPsql = which("psql") !== undefined;
  if (!options.forcePrivate && hasPsql && psql(host, port, user, "select 1").status === 0) {
    const name = `tcm_devnet_${process.pid}`;
    const created = psql(
      host,
      port,
      user,
      `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
    );
    if (created.status !== 0)
      throw new StartError(`cannot create database ${name} on ${host}:${port}: ${created.stderr.trim()}`);
    registry.onStop(`dropped database ${name}`, () => {
      const dropped = psql(host, port, user, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      if (dropped.status !== 0) throw new Error(dropped.stderr.trim());
    });
    return {
      url: `postgresql://${user}:unused@${host}:${port}/${name}`,
      description: `database ${name} on ${host}:${port}`,
    };
  }
  return privateCluster(registry, options.log);
};

const privateCluster = async (registry: ProcessRegistry, log: (m: string) => void): Promise<Database> => {
  const initdb = which("initdb");
  const pgCtl = which("pg_ctl");
  if (initdb === undefined || pgCtl === undefined) throw new StartError(NO_POSTGRES);
  // Postgres refuses to run as root: as root, the cluster belongs to the postgres user (runuser, no sudo needed).
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "tcm-pg-"));
  const data = join(dir, "data");
  const as = (command: string, args: ReadonlyArray<string>) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", command, ...args]) : run(command, args);
  if (asRoot) {
    const id = run("id", ["-u", "postgres"]);
    const gid = run("id", ["-g", "postgres"]);
    if (id.status !== 0)
      throw new StartError(
        `running as root, a private cluster needs the "postgres" user (install postgresql) — ${NO_POSTGRES}`,
      );
    chownSync(dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  }
  chmodSync(dir, 0o700);
  registry.onStop(`removed private Postgres cluster ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  log(`initdb a private Postgres cluster in ${dir}`);
  const init = as(initdb, ["-D", data, "-U", "postgres", "--auth=trust", "--locale=C", "-E", "UTF8", "--no-sync"]);
  if (init.status !== 0) throw new StartError(`initdb failed: ${init.stderr.trim() || init.stdout.trim()}`);
  const port = await anyFreePort();
  const start = as(pgCtl, [
    "-D",
    data,
    "-l",
    join(dir, "postgres.log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    "start",
  ]);
  if (start.status !== 0)
    throw new StartError(
      `pg_ctl start failed: ${start.stderr.trim()}\n${existsSync(join(dir, "postgres.log")) ? readFileSync(join(dir, "postgres.log"), "utf8") : ""}`,
    );
  const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  registry.add({
    name: "postgres",
    pid,
    logFile: join(dir, "postgres.log"),
    stop: async () => {
      as(pgCtl, ["-D", data, "-m", "fast", "-w", "stop"]);
      if (isAlive(pid)) await ProcessRegistry.terminate(pid);
    },
  });
  // The cluster is private and fresh: the default database is ours.
  return {
    url: `postgresql://postgres:unused@127.0.0.1:${port}/postgres`,
    description: `private cluster on 127.0.0.1:${port} (pid ${pid})`,
  };
};

export const ensureDir = (dir: string) => mkdirSync(dir, { recursive: true });

/** Drops the database an earlier start (killed before it could clean up) left on the shared Postgres, if any. */
export const dropLeftoverDatabase = (ownerPid: number): string | undefined => {
  const host = process.env["PGHOST"] ?? "127.0.0.1";
  const port = process.env["PGPORT"] ?? "5432";
  const user = process.env["PGUSER"] ?? "postgres";
  const name = `tcm_devnet_${ownerPid}`;
  const found = psql(host, port, user, `SELECT 1 FROM pg_database WHERE datname = '${name}'`);
  if (found.status !== 0 || found.stdout.trim() !== "1") return undefined;
  return psql(host, port, user, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).status === 0 ? name : undefined;
};

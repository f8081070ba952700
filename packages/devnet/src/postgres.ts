import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { DevnetError } from "./errors.js";
import { freePort, isAlive, stopPid } from "./processes.js";

/** Where the machine's Postgres is: PGHOST, PGPORT, PGUSER (default 127.0.0.1:5432, user postgres, trust auth). */
export interface PostgresServer {
  readonly host: string;
  readonly port: string;
  readonly user: string;
}

export const sharedPostgres = (): PostgresServer => ({
  host: process.env["PGHOST"] ?? "127.0.0.1",
  port: process.env["PGPORT"] ?? "5432",
  user: process.env["PGUSER"] ?? "postgres",
});

const run = (command: string, args: ReadonlyArray<string>) =>
  spawnSync(command, [...args], { encoding: "utf8", env: process.env });

/** A Postgres binary: on PATH, or where Debian keeps the server's (/usr/lib/postgresql/<version>/bin). */
export const postgresBinary = (command: string): string | undefined => {
  const found = run("sh", ["-c", `command -v ${command}`]).stdout?.trim() ?? "";
  if (found !== "") return found;
  for (const version of ["17", "16", "15", "14", "13"]) {
    const candidate = `/usr/lib/postgresql/${version}/bin/${command}`;
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
};

/** Runs `sql` with psql on `database` (default postgres); the result's stdout holds unaligned tuples. */
export const psql = (sql: string, options: { readonly server?: PostgresServer; readonly database?: string } = {}) => {
  const { host, port, user } = options.server ?? sharedPostgres();
  const database = options.database ?? "postgres";
  return run("psql", ["-h", host, "-p", port, "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-qAtc", sql]);
};

/** Whether psql is installed and the server answers. */
export const postgresAnswers = (server: PostgresServer = sharedPostgres()): boolean =>
  postgresBinary("psql") !== undefined && psql("select 1", { server }).status === 0;

export interface Database {
  readonly name: string;
  /** What gnd's --postgres-url takes (gnd wants some password even under trust auth). */
  readonly url: string;
  readonly description: string;
}

const urlOf = (server: PostgresServer, name: string) =>
  `postgresql://${server.user}:unused@${server.host}:${server.port}/${name}`;

/** Drops a database (WITH FORCE: graph-node's connections go too); nothing to do when it does not exist. */
export const dropDatabase = (name: string, server: PostgresServer = sharedPostgres()) =>
  Effect.suspend(() => {
    const dropped = psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, { server });
    return dropped.status === 0
      ? Effect.void
      : Effect.fail(new DevnetError({ message: `cannot drop database ${name}: ${dropped.stderr?.trim()}` }));
  });

/** Whether a database of that name exists. */
export const databaseExists = (name: string, server: PostgresServer = sharedPostgres()): boolean => {
  const found = psql(`SELECT 1 FROM pg_database WHERE datname = '${name}'`, { server });
  return found.status === 0 && found.stdout.trim() === "1";
};

/**
 * Creates a fresh C-locale database (graph-node wants one) named `name` (default `<prefix>_<pid>_<random>`).
 * Drop it with `dropDatabase`, or use the scoped `database`.
 */
export const createDatabase = (
  options: { readonly name?: string; readonly prefix?: string; readonly server?: PostgresServer } = {},
): Effect.Effect<Database, DevnetError> =>
  Effect.suspend(() => {
    const server = options.server ?? sharedPostgres();
    const name = options.name ?? `${options.prefix ?? "tcm_test"}_${process.pid}_${randomBytes(4).toString("hex")}`;
    const created = psql(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`, {
      server,
    });
    if (created.status !== 0) {
      const why = created.error?.message ?? created.stderr?.trim();
      return Effect.fail(
        new DevnetError({ message: `cannot create database ${name} on ${server.host}:${server.port}: ${why}` }),
      );
    }
    return Effect.succeed({
      name,
      url: urlOf(server, name),
      description: `database ${name} on ${server.host}:${server.port}`,
    });
  }).pipe(Effect.withSpan("Devnet.createDatabase"));

/** A fresh database as a scoped resource: created on acquire, dropped on release. */
export const database = (options: { readonly prefix?: string; readonly server?: PostgresServer } = {}) =>
  Effect.acquireRelease(createDatabase(options), (db) => Effect.ignore(dropDatabase(db.name, options.server)));

export interface PrivateCluster {
  readonly dir: string;
  readonly port: number;
  readonly pid: number;
  readonly logFile: string;
  /** Its default database: the cluster is private and fresh, so it is ours. */
  readonly database: Database;
  /** `pg_ctl stop`, then the PID by signal if it is still there; the folder is removed. */
  readonly stop: Effect.Effect<void>;
}

/**
 * A private Postgres cluster (initdb in a temporary folder, pg_ctl on a free port, listening on 127.0.0.1 only), for
 * machines without a Postgres to share. As root, the cluster belongs to the postgres user (runuser; Postgres refuses
 * root). `hint` ends the error when the binaries are missing.
 */
export const startPrivateCluster = (hint = ""): Effect.Effect<PrivateCluster, DevnetError> =>
  Effect.gen(function* () {
    const initdb = postgresBinary("initdb");
    const pgCtl = postgresBinary("pg_ctl");
    if (initdb === undefined || pgCtl === undefined)
      return yield* Effect.fail(new DevnetError({ message: `initdb and pg_ctl are not installed${hint}` }));
    const asRoot = process.getuid?.() === 0;
    const dir = mkdtempSync(join(tmpdir(), "tcm-pg-"));
    const data = join(dir, "data");
    const logFile = join(dir, "postgres.log");
    const as = (command: string, args: ReadonlyArray<string>) =>
      asRoot ? run("runuser", ["-u", "postgres", "--", command, ...args]) : run(command, args);
    const fail = (message: string) =>
      Effect.sync(() => rmSync(dir, { recursive: true, force: true })).pipe(
        Effect.zipRight(Effect.fail(new DevnetError({ message }))),
      );
    if (asRoot) {
      const uid = run("id", ["-u", "postgres"]);
      const gid = run("id", ["-g", "postgres"]);
      if (uid.status !== 0) return yield* fail(`running as root, a private cluster needs the "postgres" user${hint}`);
      chownSync(dir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
    }
    chmodSync(dir, 0o700);
    const init = as(initdb, ["-D", data, "-U", "postgres", "--auth=trust", "--locale=C", "-E", "UTF8", "--no-sync"]);
    if (init.status !== 0) return yield* fail(`initdb failed: ${init.stderr.trim() || init.stdout.trim()}`);
    const port = yield* freePort;
    const started = as(pgCtl, [
      "-D",
      data,
      "-l",
      logFile,
      "-w",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "start",
    ]);
    if (started.status !== 0) {
      const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
      return yield* fail(`pg_ctl start failed: ${started.stderr.trim()}\n${log}`);
    }
    const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    const server: PostgresServer = { host: "127.0.0.1", port: String(port), user: "postgres" };
    return {
      dir,
      port,
      pid,
      logFile,
      database: {
        name: "postgres",
        url: urlOf(server, "postgres"),
        description: `private cluster on 127.0.0.1:${port} (pid ${pid})`,
      },
      stop: Effect.gen(function* () {
        as(pgCtl, ["-D", data, "-m", "fast", "-w", "stop"]);
        if (isAlive(pid)) yield* stopPid(pid);
        rmSync(dir, { recursive: true, force: true });
      }),
    } satisfies PrivateCluster;
  }).pipe(Effect.withSpan("Devnet.startPrivateCluster"));

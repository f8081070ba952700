import {
  type Database,
  createDatabase,
  databaseExists,
  dropDatabase,
  postgresAnswers,
  sharedPostgres,
  startPrivateCluster,
} from "@tcm/devnet";
import { Effect } from "effect";
import { type ProcessRegistry, StartError } from "./processes.js";

export type { Database };

const NO_POSTGRES = `PostgreSQL is needed for graph-node. Either start one on 127.0.0.1:5432 with trust auth for user postgres
  (Debian: apt-get install -y postgresql-15 && service postgresql start), or install the server binaries
  (initdb, pg_ctl) so a private cluster can be made, or run without the subgraph: npm start -- --no-subgraph`;

/** The database a start owns on the shared Postgres: named after its PID, so a later start can drop a leftover. */
const databaseName = (ownerPid: number) => `tcm_devnet_${ownerPid}`;

/**
 * A fresh C-locale database for graph-node (@tcm/devnet): on the machine's Postgres (PGHOST:PGPORT, default
 * 127.0.0.1:5432) when it answers, else on a private cluster made with initdb in a temporary folder. Whatever is
 * created is registered for removal (database dropped, cluster stopped and deleted).
 */
export const provideDatabase = async (
  registry: ProcessRegistry,
  options: { readonly forcePrivate: boolean; readonly log: (m: string) => void },
): Promise<Database> => {
  if (!options.forcePrivate && postgresAnswers()) {
    const name = databaseName(process.pid);
    const database = await Effect.runPromise(
      createDatabase({ name }).pipe(Effect.mapError((e) => new StartError(e.message))),
    );
    registry.onStop(`dropped database ${name}`, () => Effect.runPromise(dropDatabase(name)));
    return database;
  }
  options.log("initdb a private Postgres cluster in a temporary folder");
  const cluster = await Effect.runPromise(
    startPrivateCluster(` — ${NO_POSTGRES}`).pipe(Effect.mapError((e) => new StartError(e.message))),
  );
  registry.add({
    name: "postgres",
    pid: cluster.pid,
    logFile: cluster.logFile,
    stop: () => Effect.runPromise(cluster.stop),
  });
  return cluster.database;
};

/** Drops the database an earlier start (killed before it could clean up) left on the shared Postgres, if any. */
export const dropLeftoverDatabase = async (ownerPid: number): Promise<string | undefined> => {
  const name = databaseName(ownerPid);
  if (!postgresAnswers(sharedPostgres()) || !databaseExists(name)) return undefined;
  const dropped = await Effect.runPromiseExit(dropDatabase(name));
  return dropped._tag === "Success" ? name : undefined;
};

// Where proofs run: the embedded PGlite (default) or, with --database-url, a real PostgreSQL
// server. On a server everything happens in a throwaway schema `bka_<random>` that is the whole
// search_path and is dropped at the end: an unqualified name can only reach bka's own tables, so
// existing tables are never read or changed (not even when one of bka's tables failed to create).
import { randomBytes } from "node:crypto";
import type { SqlRunner } from "./synthetic.ts";
import { startEngine, type Engine } from "./pglite.ts";

export interface ProofDatabase extends SqlRunner {
  /** "PGlite 0.5.16 (PostgreSQL 18.6)" or "PostgreSQL 15.18 (server)". */
  label: string;
  /** Empties the schema the proofs use. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** PGlite through `exec`: it plans $n parameters without binding values. */
export function pgliteDatabase(engine: Engine, ownsEngine: boolean): ProofDatabase {
  return {
    label: engine.label,
    async run(sql) {
      const results = await engine.db.exec(sql);
      return (results[results.length - 1]?.rows ?? []) as Record<string, unknown>[];
    },
    async reset() {
      await engine.db.exec("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; SET search_path TO public");
    },
    async close() {
      if (ownsEngine) await engine.close();
    },
  };
}

export async function openPglite(extensions: readonly string[]): Promise<ProofDatabase> {
  return pgliteDatabase(await startEngine({ extensions }), true);
}

/** A connection to a real PostgreSQL server, working only inside a schema of its own. */
export async function openServer(databaseUrl: string): Promise<ProofDatabase> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot connect to the --database-url server: ${error instanceof Error ? error.message : String(error)}`);
  }
  const schema = `bka_${randomBytes(6).toString("hex")}`;
  const run = async (sql: string) => {
    const result = await client.query(sql);
    return (Array.isArray(result) ? result[result.length - 1] : result)?.rows ?? [];
  };
  try {
    await run(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
    const version = String((await run("SHOW server_version"))[0]?.server_version ?? "?").split(" ")[0];
    return {
      label: `PostgreSQL ${version} (server)`,
      run,
      async reset() {
        await run(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
      },
      async close() {
        try {
          await run(`ROLLBACK; DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await client.end();
        }
      },
    };
  } catch (error) {
    await client.end();
    throw error;
  }
}

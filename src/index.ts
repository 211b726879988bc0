// Library API: review() runs the pipeline ingest → model → rules and returns both.
import { ingest, type IngestOptions } from "./ingest/index.ts";
import { runRules } from "./rules/engine.ts";
import { ALL_RULES } from "./rules/index.ts";
import { SourceReader } from "./ingest/source-reader.ts";
import type { ArchitectureModel } from "./model/types.ts";
import type { Finding } from "./model/finding.ts";
import { measureMigrationLocks } from "./verify/migration-locks.ts";
import { proveIndexes } from "./verify/index-proof.ts";

export * from "./model/index.ts";
export { BadInputError } from "./ingest/workspace/types.ts";

export interface ReviewOptions extends IngestOptions {
  /** Measure claims on an embedded PostgreSQL (migration locks and rewrites); default true. */
  verify?: boolean;
  /** Synthetic rows per queried table for index proofs; default 200,000. */
  rows?: number;
  /** Prove index advice on this PostgreSQL server (in a throwaway schema) instead of the embedded one. */
  databaseUrl?: string;
}

export interface ReviewResult {
  model: ArchitectureModel;
  findings: Finding[];
}

export async function review(path: string, options: ReviewOptions = {}): Promise<ReviewResult> {
  const { model, root } = await ingest(path, options);
  if (options.verify !== false) {
    // One embedded engine for both: starting PGlite costs 1.5–2.5 s.
    const { engine } = await measureMigrationLocks(model, { keepEngine: true });
    try {
      await proveIndexes(model, { rows: options.rows, databaseUrl: options.databaseUrl, ...(engine ? { engine, cache: true } : {}) });
    } finally {
      await engine?.close();
    }
  }
  const findings = runRules(model, ALL_RULES, new SourceReader(root));
  return { model, findings };
}

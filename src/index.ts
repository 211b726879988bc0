// Library API: review() runs the pipeline ingest → model → rules and returns both.
import { ingest, type IngestOptions } from "./ingest/index.ts";
import { runRules } from "./rules/engine.ts";
import { ALL_RULES } from "./rules/index.ts";
import { SourceReader } from "./ingest/source-reader.ts";
import type { ArchitectureModel } from "./model/types.ts";
import type { Finding } from "./model/finding.ts";
import { measureMigrationLocks } from "./verify/migration-locks.ts";

export * from "./model/index.ts";
export { BadInputError } from "./ingest/workspace/types.ts";

export interface ReviewOptions extends IngestOptions {
  /** Measure claims on an embedded PostgreSQL (migration locks and rewrites); default true. */
  verify?: boolean;
}

export interface ReviewResult {
  model: ArchitectureModel;
  findings: Finding[];
}

export async function review(path: string, options: ReviewOptions = {}): Promise<ReviewResult> {
  const { model, root } = await ingest(path, options);
  if (options.verify !== false) await measureMigrationLocks(model);
  const findings = runRules(model, ALL_RULES, new SourceReader(root));
  return { model, findings };
}

// database/no-lock-timeout: a migration that can queue behind a long query and block everyone behind it.
import type { ArchitectureModel, Migration, MigrationStatement } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";
import { LOCK_TIMEOUT_LINE, lockLevel, measurement, pg, squawk, statementEvidence } from "../database-support.ts";

export const meta: RuleMeta = {
  id: "database/no-lock-timeout",
  area: "database",
  severity: "medium",
  title: "Migration without a lock_timeout",
  rationale:
    "Finds migration files that change a table created by an earlier migration without first setting lock_timeout. " +
    "A schema change must wait for every transaction using the table to finish; while it waits in the lock queue, " +
    "every later query on the table — even plain SELECTs — queues behind it. One long report or idle-in-transaction " +
    "session then turns a millisecond ALTER into an outage. With SET lock_timeout the migration gives up after a " +
    "few seconds instead, and can be retried. The locks each statement takes are measured on an embedded PostgreSQL.",
  examples: {
    bad: "ALTER TABLE orders ADD COLUMN note text;",
    good: `SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN note text;`,
  },
  references: [
    refs.asvs("15.2.2", "Defenses against loss of availability due to time-consuming functionality"),
    pg.doc("runtime-config-client", "lock_timeout", "GUC-LOCK-TIMEOUT"),
    pg.locks(),
    squawk("require-timeout-settings"),
  ],
};

/** Confidence: a measured ACCESS EXCLUSIVE lock waits in the queue ahead of every reader (90); other blocking locks (85). */
const CONFIDENCE = { accessExclusive: 90, blocking: 85 } as const;

/** Statements on an existing table that need a lock conflicting with writes, when not measured. */
const LOCKING_KINDS = new Set(["create-index", "add-column", "drop-column", "rename-column", "alter-column-type", "set-not-null", "drop-not-null", "set-default", "drop-default", "add-constraint", "drop-constraint", "rename-table", "drop-table"]);
/** ShareLock and above block writes. */
const BLOCKING_LEVEL = lockLevel("ShareLock");

const OPTIONS: Option[] = [
  { title: "SET lock_timeout at the top of the migration, and retry on timeout", pros: ["A blocked migration fails fast instead of stalling all traffic"], cons: ["Deploys need a retry when the table is busy"] },
  { title: "Set it once for the migration role (ALTER ROLE migrator SET lock_timeout = '5s')", pros: ["Every migration gets it"], cons: ["Invisible in the migration files"] },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const migration of model.migrations ?? []) {
    const first = firstUnprotected(migration);
    if (first) report(model, ctx, migration, first);
  }
}

/** The first statement that takes a blocking lock on an existing table before any SET lock_timeout. */
function firstUnprotected(migration: Migration): MigrationStatement | undefined {
  for (const statement of migration.statements) {
    if (statement.actions.some((a) => a.kind === "set-lock-timeout")) return undefined;
    if (takesBlockingLock(statement)) return statement;
  }
  return undefined;
}

function takesBlockingLock(statement: MigrationStatement): boolean {
  const onExisting = statement.actions.filter((a) => a.existingTable && LOCKING_KINDS.has(a.kind) && !(a.kind === "create-index" && a.concurrently));
  if (!onExisting.length) return false;
  const measured = measurement(statement);
  if (!measured) return true;
  return measured.locks.some((l) => onExisting.some((a) => a.table === l.table) && lockLevel(l.mode) >= BLOCKING_LEVEL);
}

function report(model: ArchitectureModel, ctx: RuleContext, migration: Migration, statement: MigrationStatement): void {
  const lock = measurement(statement)?.locks.reduce((a, b) => (lockLevel(b.mode) > lockLevel(a.mode) ? b : a));
  const confidence = lock?.mode === "AccessExclusiveLock" ? CONFIDENCE.accessExclusive : CONFIDENCE.blocking;
  const what = lock ? `takes ${lock.mode} on ${lock.table} (measured on ${statement.measured!.engine})` : "takes a lock that blocks writes (not measured)";
  ctx.report({
    confidence,
    message: `${migration.file} sets no lock_timeout, and its statement at line ${statement.location.line} ${what}: while it waits for running transactions, every query on the table queues behind it.`,
    location: statement.location,
    subject: migration.file,
    evidence: statementEvidence(ctx.codeEvidence(statement.location, "first blocking statement, no lock_timeout before it"), statement),
    remediation: {
      summary: "Set a lock_timeout before the first schema change, and retry the migration when it times out.",
      options: OPTIONS,
      fix: { description: "Add at the top of the migration.", location: { file: migration.file, line: 1, column: 1 }, replacement: LOCK_TIMEOUT_LINE },
    },
    ...questionIfAsk(model, confidence, `Is ${migration.file} run while the application serves traffic? If so, set a lock_timeout first.`),
  });
}

export const rule: Rule = { meta, check };

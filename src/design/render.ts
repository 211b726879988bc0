// The design as files: schema.sql, openapi.yaml, SECURITY.md, CAPACITY.md, RELIABILITY.md,
// IMPLEMENTATION.md, architecture.mmd, er.mmd, design.md linking them, adr/NNNN-title.md
// (decisions in the 70–89 band) and questions.md (< 70). Pure and deterministic: same input,
// same bytes.
import { stringify } from "yaml";
import type { Requirements } from "../ingest/requirements/schema.ts";
import type { CapacityPlan } from "./capacity.ts";
import { decisionBand, sortDecisions, type Decision } from "./decisions.ts";
import type { GuideSection } from "./implementation.ts";
import { compareText, formatNumber } from "./plan.ts";
import { formatNumber as withThousands } from "../emit/common.ts";
import type { DegradationMode, ReliabilityPlan } from "./reliability.ts";
import { capacityMd } from "./render-capacity.ts";
import { designArchitectureMermaid, designErMermaid } from "./render-diagrams.ts";
import { implementationMd } from "./render-implementation.ts";
import { reliabilityMd } from "./render-reliability.ts";
import { securityMd } from "./render-security.ts";
import { schemaDdl, type SchemaDesign } from "./schema.ts";
import type { SecurityPlan } from "./security.ts";
import type { SchemaVerification } from "./verify.ts";

export interface Design {
  requirements: Requirements;
  schema: SchemaDesign;
  api: Record<string, unknown>;
  decisions: Decision[];
  questions: Decision[];
  security: SecurityPlan;
  capacity: CapacityPlan;
  reliability: ReliabilityPlan;
  degradation: DegradationMode[];
  guide: GuideSection[];
  verification?: SchemaVerification;
}

export function renderDesign(design: Design): Record<string, string> {
  const adrs = sortDecisions(design.decisions).filter((d) => decisionBand(d) === "decide");
  const files: Record<string, string> = {
    "schema.sql": schemaSql(design),
    "openapi.yaml": stringify(design.api, { lineWidth: 0, aliasDuplicateObjects: false }),
    "questions.md": questionsMd(design.questions),
    "SECURITY.md": securityMd(design.requirements.service.name, design.security),
    "CAPACITY.md": capacityMd(design.requirements.service.name, design.capacity),
    "RELIABILITY.md": reliabilityMd(design.requirements.service.name, design.reliability, design.degradation),
    "IMPLEMENTATION.md": implementationMd(design.requirements.service.name, design.guide),
    "architecture.mmd": designArchitectureMermaid(design),
    "er.mmd": designErMermaid(design),
  };
  adrs.forEach((adr, i) => (files[adrPath(adr, i)] = adrMd(adr, i)));
  files["design.md"] = designMd(design, adrs);
  return Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]]));
}

export function schemaSql(design: Design): string {
  const body = schemaDdl(design.schema, design.requirements.service.name).split("\n").slice(2);
  return [`-- ${design.requirements.service.name}: the schema bka designed from the requirements.`, "-- PostgreSQL DDL; apply it to an empty database or turn it into your first migration.", ...body].join("\n");
}

function adrPath(adr: Decision, i: number): string {
  return `adr/${String(i + 1).padStart(4, "0")}-${adr.id}.md`;
}

function adrMd(adr: Decision, i: number): string {
  const options = adr.options.map((o) => [`### ${o.name}`, "", ...o.pros.map((p) => `- + ${p}`), ...o.cons.map((c) => `- − ${c}`)].join("\n"));
  return [
    `# ${String(i + 1).padStart(4, "0")}. ${adr.title}`, "",
    `Status: proposed (confidence ${adr.confidence}, band decide: confirm the trade-off).`, "",
    "## Context", "", adr.context, "",
    "## Options and trade-offs", "", options.join("\n\n"), "",
    "## Recommendation", "", adr.recommendation, "",
  ].join("\n");
}

function questionsMd(questions: readonly Decision[]): string {
  if (!questions.length) return "# Open questions\n\nNone: the requirements gave every number the design needs.\n";
  return ["# Open questions", "", "Information the requirements do not give; the design assumed what each line says.", "",
    ...questions.map((q) => `- **${q.title}** ${q.context} ${q.recommendation}`), ""].join("\n");
}

function designMd(design: Design, adrs: readonly Decision[]): string {
  const req = design.requirements;
  const lines = [`# ${req.service.name}: design`, ""];
  if (req.service.description) lines.push(req.service.description, "");
  lines.push(
    "| file | what it holds |", "|---|---|",
    "| [schema.sql](schema.sql) | PostgreSQL DDL: keys, foreign keys, checks, indexes from the access patterns |",
    "| [openapi.yaml](openapi.yaml) | OpenAPI 3.1: one operation per access pattern |",
    "| [er.mmd](er.mmd) | Mermaid ER diagram of schema.sql |",
    "| [architecture.mmd](architecture.mmd) | Mermaid C4 container view |",
    "| [SECURITY.md](SECURITY.md) | authentication flow, role × operation matrix, STRIDE threats, personal data |",
    "| [CAPACITY.md](CAPACITY.md) | connection pool, cache plan, storage growth, replica and partition thresholds |",
    "| [RELIABILITY.md](RELIABILITY.md) | timeout budgets, retries, circuit breakers, availability, degradation modes |",
    "| [IMPLEMENTATION.md](IMPLEMENTATION.md) | TypeScript (Fastify + Kysely) for the patterns the design relies on |",
    "| [questions.md](questions.md) | what the requirements leave open |",
    "| adr/ | one record per decision to confirm |",
    "",
  );
  lines.push("## Decisions", "", "| decision | confidence | band | record |", "|---|---|---|---|");
  for (const d of sortDecisions([...design.decisions, ...design.questions])) {
    const adr = adrs.indexOf(d);
    const record = adr >= 0 ? `[ADR](${adrPath(d, adr)})` : decisionBand(d) === "ask" ? "[question](questions.md)" : "applied";
    lines.push(`| ${d.title} | ${d.confidence} | ${decisionBand(d)} | ${record} |`);
  }
  lines.push("", "## Indexes", "", "| table | index | serves |", "|---|---|---|");
  for (const i of design.schema.indexes) lines.push(`| ${i.table} | ${i.index} | ${i.serves.join("; ")} |`);
  lines.push("", ...enforcedSection(design), ...verificationSection(design.verification), "", ...summarySection(design), "");
  return lines.join("\n");
}

/** What the database itself guarantees, whatever the application code does. */
function enforcedSection(design: Design): string[] {
  const req = design.requirements;
  const rules: string[] = [];
  const tenancy = design.schema.tenancy;
  if (tenancy) rules.push(`Row-level security on ${tenancy.tables.join(", ")}: a row is visible and writable only when its ${tenancy.column} equals the \`${tenancy.setting}\` setting of the transaction (FORCE: the table owner too).`);
  const audited = req.compliance?.audit ?? [];
  if (audited.length) rules.push(`Changes to ${audited.join(", ")} are written to audit_log by a trigger; audit rows cannot be updated or deleted${req.compliance?.retentionDays ? ` (except after ${req.compliance.retentionDays} days)` : ""}.`);
  for (const e of req.entities) {
    if (e.appendOnly) rules.push(`${e.name} is append-only: a trigger refuses UPDATE and DELETE.`);
    if (e.doubleEntry) rules.push(`${e.name}: the ${e.doubleEntry.amount} of the rows sharing a ${e.doubleEntry.groupBy} sum to zero, checked at commit${e.doubleEntry.balance ? `; ${e.doubleEntry.balance} is kept equal to their sum in the same transaction` : ""}.`);
  }
  return rules.length ? ["## Rules the database enforces", "", ...rules.map((r) => `- ${r}`), ""] : [];
}

function verificationSection(verification: SchemaVerification | undefined): string[] {
  if (!verification) return ["## Verification", "", "Not run (--no-verify)."];
  const unserved = verification.plans.filter((p) => p.needsIndex && !p.index);
  const rows = Object.entries(verification.rows).sort(([a], [b]) => compareText(a, b)).map(([t, n]) => `${t} ${withThousands(n)}`).join(", ");
  const asTenant = verification.tenant ? ` Plans were made as the application role ${verification.tenant.role} with \`${verification.tenant.setting}\` set, so row-level security's tenant test is part of each index condition.` : "";
  return [
    "## Verification", "",
    `On ${verification.engine}, with synthetic rows (${rows}) and ANALYZE. Costs are the planner's estimates on uniform synthetic data, not production figures.${asTenant}`, "",
    unserved.length ? `**${unserved.length} access pattern(s) use no index: ${unserved.map((p) => p.pattern).join(", ")}.**` : "Every access pattern that reads rows uses an index.", "",
    "| pattern | plan | index | index condition | cost |", "|---|---|---|---|---|",
    ...verification.plans.map((p) => `| ${p.pattern} | ${p.node}${p.indexNode ? ` → ${p.indexNode}` : ""} | ${p.index ?? (p.needsIndex ? "**none**" : "not needed (insert)")} | ${p.condition ? `\`${p.condition.replace(/\|/g, "\\|")}\`` : ""} | ${p.totalCost} |`),
  ];
}

function summarySection(design: Design): string[] {
  const { security, capacity, reliability } = design;
  const cached = capacity.cache.filter((c) => c.cache).map((c) => c.pattern);
  const availability = reliability.availability;
  const target = availability.target === undefined ? "no objective declared" : `objective ${availability.target}%: ${availability.meetsTarget ? "met" : "**not met**"}`;
  const async = reliability.dependencies.filter((d) => d.path === "async").map((d) => d.name);
  return [
    "## Security", "",
    `${security.matrix.rows.length} operations × ${security.matrix.roles.length} roles, ${security.threats.length} STRIDE threats over ${new Set(security.threats.map((t) => t.flow)).size} data flows, ${security.pii.length} personal or secret field(s): [SECURITY.md](SECURITY.md).`, "",
    "## Capacity", "",
    `Pool ${capacity.pool.total.value} connections (${capacity.pool.perInstance.value} per instance × ${capacity.pool.instances}); ${cached.length ? `cache-aside for ${cached.join(", ")}` : "no read is cached"}; ${capacity.replicas.replicas.value} read replica(s) by the upper bound: [CAPACITY.md](CAPACITY.md).`, "",
    "## Reliability", "",
    `Availability ${formatNumber(availability.composite.value)}% with ${availability.instances} instances (${target})${async.length ? `; off the request path: ${async.join(", ")}` : ""}: [RELIABILITY.md](RELIABILITY.md).`,
  ];
}

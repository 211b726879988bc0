// The design as files: schema.sql, openapi.yaml, design.md, adr/NNNN-title.md (decisions in the
// 70–89 band) and questions.md (< 70). Pure and deterministic: same input, same bytes.
import { stringify } from "yaml";
import { toSchemaSql } from "../emit/sql.ts";
import type { Requirements } from "../ingest/requirements/schema.ts";
import { decisionBand, sortDecisions, type Decision } from "./decisions.ts";
import type { CapacityPlan, ReliabilityPlan } from "./plan.ts";
import type { SchemaDesign } from "./schema.ts";
import type { SchemaVerification } from "./verify.ts";

export interface Design {
  requirements: Requirements;
  schema: SchemaDesign;
  api: Record<string, unknown>;
  decisions: Decision[];
  questions: Decision[];
  capacity: CapacityPlan;
  reliability: ReliabilityPlan;
  verification?: SchemaVerification;
}

export function renderDesign(design: Design): Record<string, string> {
  const adrs = sortDecisions(design.decisions).filter((d) => decisionBand(d) === "decide");
  const files: Record<string, string> = {
    "schema.sql": schemaSql(design),
    "openapi.yaml": stringify(design.api, { lineWidth: 0, aliasDuplicateObjects: false }),
    "questions.md": questionsMd(design.questions),
  };
  adrs.forEach((adr, i) => (files[adrPath(adr, i)] = adrMd(adr, i)));
  files["design.md"] = designMd(design, adrs);
  return Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]]));
}

export function schemaSql(design: Design): string {
  const body = toSchemaSql({ project: design.requirements.service.name, entities: design.schema.entities } as never).split("\n").slice(2);
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
  lines.push("Files: [schema.sql](schema.sql), [openapi.yaml](openapi.yaml), [questions.md](questions.md).", "");
  lines.push("## Decisions", "", "| decision | confidence | band | record |", "|---|---|---|---|");
  for (const d of sortDecisions([...design.decisions, ...design.questions])) {
    const adr = adrs.indexOf(d);
    const record = adr >= 0 ? `[ADR](${adrPath(d, adr)})` : decisionBand(d) === "ask" ? "[question](questions.md)" : "applied";
    lines.push(`| ${d.title} | ${d.confidence} | ${decisionBand(d)} | ${record} |`);
  }
  lines.push("", "## Indexes", "", "| table | index | serves |", "|---|---|---|");
  for (const i of design.schema.indexes) lines.push(`| ${i.table} | ${i.index} | ${i.serves.join("; ")} |`);
  lines.push("", ...verificationSection(design.verification), "", ...capacitySection(design.capacity), "", ...reliabilitySection(design.reliability), "");
  return lines.join("\n");
}

function verificationSection(verification: SchemaVerification | undefined): string[] {
  if (!verification) return ["## Verification", "", "Not run (--no-verify)."];
  const unserved = verification.plans.filter((p) => p.needsIndex && !p.index);
  const rows = Object.entries(verification.rows).sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, n]) => `${t} ${n.toLocaleString("en-US")}`).join(", ");
  return [
    "## Verification", "",
    `On ${verification.engine}, with synthetic rows (${rows}) and ANALYZE. Costs are the planner's estimates on uniform synthetic data, not production figures.`, "",
    unserved.length ? `**${unserved.length} access pattern(s) use no index: ${unserved.map((p) => p.pattern).join(", ")}.**` : "Every access pattern that reads rows uses an index.", "",
    "| pattern | plan | index | cost |", "|---|---|---|---|",
    ...verification.plans.map((p) => `| ${p.pattern} | ${p.node}${p.indexNode ? ` → ${p.indexNode}` : ""} | ${p.index ?? (p.needsIndex ? "**none**" : "not needed (insert)")} | ${p.totalCost} |`),
  ];
}

function capacitySection(capacity: CapacityPlan): string[] {
  return [
    "## Capacity", "",
    "Little's law: requests in flight = arrival rate × time in the system. With each pattern's p99 as its time (an upper bound):", "",
    "| pattern | peak/s | p99 ms | in flight |", "|---|---|---|---|",
    ...capacity.perPattern.map((p) => `| ${p.pattern} | ${p.ratePerSecond} | ${p.latencyMs} | ${p.inFlight} |`), "",
    `Total in flight at peak ≤ ${capacity.inFlightUpperBound}: a database pool of ${capacity.poolSize} connections across all instances covers it. Reads:writes at peak = ${capacity.readWriteRatio}.`,
  ];
}

function reliabilitySection(reliability: ReliabilityPlan): string[] {
  const lines = ["## Reliability", ""];
  if (!reliability.dependencies.length) return [...lines, "No external dependencies declared."];
  lines.push("| dependency | availability % | timeout ms | retries |", "|---|---|---|---|");
  for (const d of reliability.dependencies) lines.push(`| ${d.name} | ${d.availability} | ${d.timeoutMs} | ${d.retries} |`);
  const target = reliability.target === undefined ? "no objective declared" : `objective ${reliability.target}%: ${reliability.meetsTarget ? "met" : "**not met**"}`;
  lines.push("", `All dependencies on the request path: ${reliability.compositeAvailability}% (product of their availabilities; ${target}).`);
  return lines;
}

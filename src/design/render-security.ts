// SECURITY.md: the authentication flow as a Mermaid sequence diagram, the role × operation
// matrix, STRIDE threats per data flow and the handling of personal and secret data.
import type { AuthFlow, SecurityPlan } from "./security.ts";
import { markdownTable } from "./render-common.ts";

export function securityMd(service: string, plan: SecurityPlan): string {
  const flows = [...new Set(plan.threats.map((t) => t.flow))];
  return [
    `# ${service}: security`, "",
    "Derived from the requirements and openapi.yaml by bka. Roles are the requirements' actors; each is an OAuth2 scope.", "",
    "## Authentication flow", "",
    "```mermaid", authSequenceMermaid(plan.authFlow).trimEnd(), "```", "",
    "## Role × operation matrix", "",
    "`allow`: the role may call the operation; `own: …`: only on rows the predicate ties to the caller (token `sub`), enforced in the query; `—`: denied (403).", "",
    markdownTable(["operation", "pattern", ...plan.matrix.roles], plan.matrix.rows.map((r) => [`\`${r.operation}\``, r.pattern, ...r.cells])), "",
    "## STRIDE threats per data flow", "",
    `${plan.threats.length} threats over ${flows.length} data flows.`, "",
    markdownTable(["data flow", "category", "threat", "mitigation"], plan.threats.map((t) => [t.flow, t.category, t.threat, t.mitigation])), "",
    "## Personal and secret data", "",
    plan.pii.length
      ? markdownTable(["field", "tag", "encryption", "retention", "audit", "readable by"], plan.pii.map((p) => [`${p.entity}.${p.field}`, p.tag, p.encryption, p.retention, p.audit, p.exposedTo.join(", ") || "no role"]))
      : "No field is tagged pii or secret.",
    "",
  ].join("\n");
}

/** Mermaid sequence text; message text cannot hold `;` or `#` (statement separator, entity codes). */
export function authSequenceMermaid(flow: AuthFlow): string {
  const lines = ["sequenceDiagram", "  autonumber"];
  for (const p of flow.participants) lines.push(`  ${p.actor ? "actor" : "participant"} ${p.id} as ${clean(p.label)}`);
  let depth = 1;
  for (const step of flow.steps) {
    if (step.kind === "message") lines.push(`${"  ".repeat(depth)}${step.from}${step.reply ? "-->>" : "->>"}${step.to}: ${clean(step.text)}`);
    else if (step.kind === "alt") lines.push(`${"  ".repeat(depth++)}alt ${clean(step.label)}`);
    else if (step.kind === "else") lines.push(`${"  ".repeat(depth - 1)}else ${clean(step.label)}`);
    else lines.push(`${"  ".repeat(--depth)}end`);
  }
  return `${lines.join("\n")}\n`;
}

function clean(text: string): string {
  return text.replace(/[;#]/g, ",").replace(/[\r\n]+/g, " ");
}

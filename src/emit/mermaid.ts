// er.mmd and architecture.mmd: the report's diagrams as Mermaid text, for READMEs, wikis and
// pull requests that render Mermaid. Names from the analysed code are sanitised to what
// Mermaid's grammar accepts; when that changes a name, the original is kept in a comment.
import type { ArchitectureModel, Entity } from "../model/types.ts";
import { architectureView, foreignKeyColumns, relationships, sortedEntities, type DependencyNode } from "./views.ts";

export function toErMermaid(model: ArchitectureModel): string {
  const entities = sortedEntities(model);
  const lines = ["erDiagram"];
  if (entities.length === 0) {
    lines.push("  %% no entities found: bka saw no table or model declarations in this project");
    return `${lines.join("\n")}\n`;
  }
  for (const entity of entities) lines.push(...entityBlock(entity));
  for (const rel of relationships(entities)) {
    const parent = rel.optional ? "|o" : "||";
    const child = rel.oneToOne ? "o|" : "o{";
    lines.push(`  ${entityName(rel.to)} ${parent}--${child} ${entityName(rel.from)} : "${commentText(rel.columns.join(", "))}"`);
  }
  return `${lines.join("\n")}\n`;
}

function entityBlock(entity: Entity): string[] {
  const fks = foreignKeyColumns(entity);
  const uniques = new Set(entity.uniques.filter((u) => u.length === 1).map((u) => u[0]));
  const rows = entity.columns.map((column) => {
    const keys = [
      entity.primaryKey.includes(column.name) ? "PK" : "",
      fks.has(column.name) ? "FK" : "",
      uniques.has(column.name) ? "UK" : "",
    ].filter(Boolean);
    const type = word(column.type);
    const name = word(column.name);
    const notes = [
      name !== column.name ? column.name : "",
      type !== column.type ? column.type : "",
      column.nullable ? "nullable" : "",
      column.default !== undefined ? `default ${column.default}` : "",
    ].filter(Boolean);
    const comment = notes.length > 0 ? ` "${commentText(notes.join("; "))}"` : "";
    return `    ${type} ${name}${keys.length > 0 ? ` ${keys.join(", ")}` : ""}${comment}`;
  });
  return [`  ${entityName(entity.name)} {`, ...rows, "  }"];
}

/** Quoted entity names may hold anything but quotes, `%`, backslashes and line breaks. */
function entityName(name: string): string {
  return `"${name.replace(/["%\\\r\n\v\b]/g, "_")}"`;
}

/** Attribute types and names: a letter or underscore, then letters, digits, `_` and `-`. */
function word(text: string): string {
  const cleaned = text.trim().replace(/[^A-Za-z0-9_-]+/g, "_").replace(/_+$/, "");
  if (cleaned.length === 0) return "unknown";
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

function commentText(text: string): string {
  return text.replace(/["\r\n]/g, "'").replace(/%/g, " percent");
}

export function toArchitectureMermaid(model: ArchitectureModel): string {
  const view = architectureView(model);
  const lines = ["flowchart LR", `  clients(["${label("Clients")}"])`];
  const serviceIds = new Map(view.services.map((s, i) => [s.id, `service${i}`]));
  const dependencyIds = new Map([...view.datastores, ...view.externals].map((d, i) => [d.key, `dependency${i}`]));
  if (view.services.length > 0) {
    lines.push("  subgraph services");
    for (const service of view.services) {
      const details = [service.frameworks.join(" · ") || "framework not recognised", `${service.endpointCount} endpoints`];
      lines.push(`    ${serviceIds.get(service.id)}["${label(service.id)}<br/>${label(details.join(" · "))}"]`);
    }
    lines.push("  end");
  }
  for (const node of [...view.datastores, ...view.externals]) lines.push(`  ${dependencyIds.get(node.key)}${shape(node)}`);
  if (dependencyIds.size === 0) lines.push("  %% no datastores or external calls found");
  for (const service of view.services) lines.push(`  clients --> ${serviceIds.get(service.id)}`);
  for (const edge of view.edges) {
    const arrow = edge.declaredOnly ? "-.->" : "-->";
    lines.push(`  ${serviceIds.get(edge.serviceId)} ${arrow}|${edgeLabel(edge.clients.join(", "))}| ${dependencyIds.get(edge.dependencyKey)}`);
  }
  return `${lines.join("\n")}\n`;
}

function shape(node: DependencyNode): string {
  const text = `${label(node.label)}<br/>${label(`via ${node.clients.join(", ")}${node.declaredOnly ? " (declared; no query seen)" : ""}`)}`;
  if (node.kind === "database" || node.kind === "cache") return `[("${text}")]`;
  if (node.kind === "queue") return `>"${text}"]`;
  return `{{"${text}"}}`;
}

/** Text inside a quoted Mermaid label: quotes and angle brackets as Mermaid entity codes. */
function label(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/[\r\n]+/g, " ");
}

/** Unquoted edge labels: only characters the flowchart grammar reads as plain text. */
function edgeLabel(text: string): string {
  return text.replace(/[^A-Za-z0-9 @/._:,-]/g, "_");
}

// architecture.mmd (a C4 container view drawn as a Mermaid flowchart: flowcharts render
// everywhere Mermaid does, C4Container is still experimental) and er.mmd (the designed schema
// through the same writer `bka review` uses).
import { toErMermaid } from "../emit/mermaid.ts";
import type { ArchitectureModel } from "../model/types.ts";
import type { Design } from "./render.ts";

export function designErMermaid(design: Design): string {
  return toErMermaid({ entities: design.schema.entities } as Pick<ArchitectureModel, "entities"> as ArchitectureModel);
}

export function designArchitectureMermaid(design: Design): string {
  const req = design.requirements;
  const service = req.service.name;
  const operations = Object.values((design.api.paths ?? {}) as Record<string, object>).reduce((n, item) => n + Object.keys(item).length, 0);
  const cached = design.capacity.cache.filter((c) => c.cache);
  const async = design.reliability.dependencies.filter((d) => d.path === "async");
  const protectedActors = req.actors.filter((a) => !a.public);
  const lines = [
    "flowchart LR",
    `  %% C4 container view of ${service}: people, the containers bka designed, external systems.`,
  ];
  for (const actor of req.actors) lines.push(`  actor_${actor.name}(["${label(actor.name)}<br/>[Person${actor.public ? ", anonymous" : ""}]"])`);
  lines.push(`  subgraph system_${service}["${label(service)} [Software System]"]`);
  lines.push(`    api["${label(`${service} API`)}<br/>[Container: Node.js, Fastify]<br/>${operations} operations, openapi.yaml"]`);
  lines.push(`    db[("PostgreSQL<br/>[Container: database]<br/>${design.schema.entities.length} tables, schema.sql")]`);
  if (cached.length) lines.push(`    cache[("Cache<br/>[Container: Redis]<br/>${cached.length} cached patterns")]`);
  if (async.length) lines.push(`    worker["Outbox worker<br/>[Container: Node.js]"]`);
  lines.push("  end");
  if (protectedActors.length) lines.push(`  idp{{"Identity provider<br/>[External System]<br/>OAuth2, JWKS"}}`);
  for (const d of design.reliability.dependencies) lines.push(`  dep_${d.name}{{"${label(d.name)}<br/>[External System]<br/>p99 ${d.p99Ms} ms, ${d.availability}%"}}`);
  for (const actor of req.actors) lines.push(`  actor_${actor.name} -->|"${actor.public ? "HTTPS, public operations" : `HTTPS + JWT, scope ${actor.name}`}"| api`);
  lines.push(`  api -->|"SQL, pool ${design.capacity.pool.perInstance.value} per instance"| db`);
  if (cached.length) lines.push(`  api -->|"cache-aside, TTL ≤ ${Math.max(...cached.map((c) => c.ttl!.value))} s"| cache`);
  if (protectedActors.length) lines.push(`  api -.->|"JWKS, cached"| idp`);
  for (const d of design.reliability.dependencies.filter((x) => x.path === "sync")) lines.push(`  api -->|"HTTPS, timeout ${d.timeout!.value} ms, breaker"| dep_${d.name}`);
  if (async.length) {
    lines.push(`  worker -->|"SQL, outbox"| db`);
    for (const d of async) lines.push(`  worker -->|"HTTPS, retried from the outbox"| dep_${d.name}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Text inside a quoted Mermaid label: quotes and angle brackets as Mermaid entity codes. */
function label(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

// Diagram views derived from the model: what the architecture, auth-flow and ER diagrams show,
// independent of how they are drawn. The SVG renderer (svg.ts) and the Mermaid writer
// (mermaid.ts) both read these, so report.html and the .mmd files always agree.
import type { ArchitectureModel, AuthState, DataAccess, Endpoint, Entity, HttpMethod, OutboundCall, Service } from "../model/types.ts";
import { compareText } from "./common.ts";
import { serviceOfFile } from "../model/files.ts";

export interface ServiceNode {
  id: string;
  frameworks: string[];
  root: string;
  endpointCount: number;
}

/** A datastore or an external system a service talks to. */
export interface DependencyNode {
  key: string; // stable identity, also the sort key within its group
  label: string; // "PostgreSQL", "api.stripe.com"
  kind: "database" | "cache" | "queue" | "http" | "other";
  /** Client libraries seen talking to it ("pg", "axios"), sorted. */
  clients: string[];
  /** Only declared in package.json: no query or call was seen in code. */
  declaredOnly: boolean;
}

export interface DependencyEdge {
  serviceId: string;
  dependencyKey: string;
  clients: string[];
  declaredOnly: boolean;
}

export interface ArchitectureView {
  services: ServiceNode[];
  datastores: DependencyNode[];
  externals: DependencyNode[];
  edges: DependencyEdge[];
}

/** Database products by the driver package that talks to them. */
const DRIVERS: Record<string, string> = {
  pg: "PostgreSQL", postgres: "PostgreSQL", "pg-promise": "PostgreSQL", slonik: "PostgreSQL", "@neondatabase/serverless": "PostgreSQL",
  mysql: "MySQL", mysql2: "MySQL", mariadb: "MariaDB",
  sqlite: "SQLite", sqlite3: "SQLite", "better-sqlite3": "SQLite", "node:sqlite": "SQLite",
  mongodb: "MongoDB", mongoose: "MongoDB",
  mssql: "SQL Server", tedious: "SQL Server",
  oracledb: "Oracle",
};

/** Clients that sit on top of a driver: the product comes from the service's dependencies. */
const ORMS = new Set(["prisma", "@prisma/client", "typeorm", "sequelize", "knex", "drizzle", "drizzle-orm", "mikro-orm", "objection", "kysely"]);

const CACHES: Record<string, string> = { redis: "Redis", ioredis: "Redis", memcached: "Memcached", "@upstash/redis": "Redis" };

const QUEUES: Record<string, string> = {
  amqplib: "RabbitMQ", kafkajs: "Kafka", bullmq: "BullMQ (Redis)", bull: "Bull (Redis)", "@aws-sdk/client-sqs": "Amazon SQS",
  "@google-cloud/pubsub": "Google Pub/Sub", nats: "NATS",
};

export function architectureView(model: ArchitectureModel): ArchitectureView {
  const services = [...model.services]
    .sort((a, b) => compareText(a.id, b.id))
    .map((s) => ({
      id: s.id,
      frameworks: [...s.frameworks].sort(compareText),
      root: s.root,
      endpointCount: model.endpoints.filter((e) => e.serviceId === s.id).length,
    }));
  const nodes = new Map<string, DependencyNode>();
  const edges = new Map<string, DependencyEdge>();
  const link = (service: Service | undefined, node: Omit<DependencyNode, "clients">, client: string) => {
    if (!service) return;
    const existing = nodes.get(node.key) ?? { ...node, clients: [] };
    existing.declaredOnly &&= node.declaredOnly;
    addSorted(existing.clients, client);
    nodes.set(node.key, existing);
    const edgeKey = `${service.id}\u0000${node.key}`;
    const edge = edges.get(edgeKey) ?? { serviceId: service.id, dependencyKey: node.key, clients: [], declaredOnly: node.declaredOnly };
    edge.declaredOnly &&= node.declaredOnly;
    addSorted(edge.clients, client);
    edges.set(edgeKey, edge);
  };
  for (const access of model.dataAccesses) {
    const service = serviceOfFile(model.services, access.location.file);
    link(service, databaseOf(access, service), access.client);
  }
  for (const call of model.outboundCalls) {
    link(serviceOfFile(model.services, call.location.file), dependencyOfCall(call), call.client);
  }
  for (const service of model.services) {
    if (model.dataAccesses.some((a) => serviceOfFile(model.services, a.location.file) === service)) continue;
    for (const dependency of service.dependencies) {
      const product = DRIVERS[dependency];
      if (product) link(service, { key: `db:${product}`, label: product, kind: "database", declaredOnly: true }, dependency);
    }
  }
  const all = [...nodes.values()].sort((a, b) => compareText(a.key, b.key));
  return {
    services,
    datastores: all.filter((n) => n.kind === "database" || n.kind === "cache"),
    externals: all.filter((n) => n.kind !== "database" && n.kind !== "cache"),
    edges: [...edges.values()].sort((a, b) => compareText(a.serviceId, b.serviceId) || compareText(a.dependencyKey, b.dependencyKey)),
  };
}

function databaseOf(access: DataAccess, service: Service | undefined): Omit<DependencyNode, "clients"> {
  const direct = DRIVERS[access.client];
  if (direct) return { key: `db:${direct}`, label: direct, kind: "database", declaredOnly: false };
  if (ORMS.has(access.client)) {
    const driver = service?.dependencies.map((d) => DRIVERS[d]).find((product) => product !== undefined);
    const label = driver ?? "SQL database";
    return { key: `db:${label}`, label, kind: "database", declaredOnly: false };
  }
  return { key: "db:unknown", label: "Database (client not recognised)", kind: "database", declaredOnly: false };
}

function dependencyOfCall(call: OutboundCall): Omit<DependencyNode, "clients"> {
  if (call.kind === "cache") {
    const label = CACHES[call.client] ?? "Cache";
    return { key: `cache:${label}`, label, kind: "cache", declaredOnly: false };
  }
  if (call.kind === "queue") {
    const label = QUEUES[call.client] ?? "Message queue";
    return { key: `queue:${label}`, label, kind: "queue", declaredOnly: false };
  }
  const label = targetLabel(call.target);
  return { key: `${call.kind}:${label}`, label, kind: call.kind, declaredOnly: false };
}

/** The host of a URL, the expression a templated URL starts with, or a plain "unknown target". */
export function targetLabel(target: string | undefined): string {
  if (!target) return "unknown target";
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]+)/i.exec(target);
  if (url && !url[1].includes("${")) return url[1];
  const template = /^\$\{([^}]+)\}/.exec(target);
  if (template) return template[1].trim();
  if (url) return url[1];
  return target.length > 40 ? `${target.slice(0, 39)}…` : target;
}

function addSorted(list: string[], item: string): void {
  if (list.includes(item)) return;
  list.push(item);
  list.sort(compareText);
}

// ---- auth flow -------------------------------------------------------------------------------

export interface AuthGate {
  key: string;
  label: string;
  /** "mechanism" for a real mechanism; the others stand for endpoints without one. */
  kind: "mechanism" | "none" | "unknown" | "unnamed";
}

export interface AuthRoute {
  key: string;
  method: HttpMethod | "various";
  label: string; // path, or a grouped prefix
  count: number; // endpoints this row stands for
  state: AuthState;
}

export interface AuthLink {
  gateKey: string;
  routeKey: string;
  state: AuthState;
}

export interface AuthFlowView {
  gates: AuthGate[];
  routes: AuthRoute[];
  links: AuthLink[];
  /** True when endpoints were grouped by path prefix to keep the diagram readable. */
  grouped: boolean;
}

/** Beyond this many endpoints the auth flow groups them by their first path segments. */
export const AUTH_FLOW_ROW_LIMIT = 60;

const STATE_ORDER: readonly AuthState[] = ["required", "optional", "unknown", "none"];
const NO_AUTH_GATE: AuthGate = { key: "gate:none", label: "no auth", kind: "none" };
const UNKNOWN_GATE: AuthGate = { key: "gate:unknown", label: "not determined", kind: "unknown" };
const UNNAMED_GATE: AuthGate = { key: "gate:unnamed", label: "unnamed mechanism", kind: "unnamed" };

/** Gates an endpoint passes through: its mechanisms, or a stand-in saying why there is none. */
function gatesOf(endpoint: Endpoint): AuthGate[] {
  const { state, mechanisms } = endpoint.auth;
  if (mechanisms.length > 0) {
    return [...mechanisms].sort(compareText).map((m) => ({ key: `mech:${m}`, label: m, kind: "mechanism" as const }));
  }
  if (state === "none") return [NO_AUTH_GATE];
  if (state === "unknown") return [UNKNOWN_GATE];
  return [UNNAMED_GATE];
}

export function authFlowView(model: ArchitectureModel): AuthFlowView {
  const withService = new Set(model.endpoints.map((e) => e.serviceId)).size > 1;
  const grouped = model.endpoints.length > AUTH_FLOW_ROW_LIMIT;
  const gates = new Map<string, AuthGate>();
  const routes = new Map<string, AuthRoute & { gateKeys: string[]; methods: Set<HttpMethod> }>();
  for (const endpoint of model.endpoints) {
    const endpointGates = gatesOf(endpoint);
    for (const gate of endpointGates) gates.set(gate.key, gate);
    const gateKeys = endpointGates.map((g) => g.key);
    const service = withService ? `${endpoint.serviceId} ` : "";
    const label = grouped ? `${service}${pathPrefix(endpoint.path)}` : `${service}${endpoint.path}`;
    const key = grouped
      ? `${endpoint.auth.state}|${gateKeys.join(",")}|${label}`
      : `${endpoint.serviceId}|${endpoint.method}|${endpoint.path}`;
    const route = routes.get(key) ?? { key, method: endpoint.method, label, count: 0, state: endpoint.auth.state, gateKeys, methods: new Set() };
    route.count += 1;
    route.methods.add(endpoint.method);
    route.method = route.methods.size > 1 ? "various" : endpoint.method;
    routes.set(key, route);
  }
  const gateList = [...gates.values()].sort(compareGates);
  const gateRank = new Map(gateList.map((g, i) => [g.key, i]));
  // Rows ordered by the first gate they pass, so most links run straight across.
  const routeList = [...routes.values()].sort(
    (a, b) =>
      gateRank.get(a.gateKeys[0])! - gateRank.get(b.gateKeys[0])! ||
      compareText(a.gateKeys.join(","), b.gateKeys.join(",")) ||
      STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) ||
      compareText(a.label, b.label) ||
      compareText(a.method, b.method),
  );
  return {
    gates: gateList,
    routes: routeList.map(({ key, method, label, count, state }) => ({ key, method, label, count, state })),
    links: routeList.flatMap((r) => r.gateKeys.map((gateKey) => ({ gateKey, routeKey: r.key, state: r.state }))),
    grouped,
  };
}

const GATE_KIND_ORDER: readonly AuthGate["kind"][] = ["mechanism", "unnamed", "unknown", "none"];

function compareGates(a: AuthGate, b: AuthGate): number {
  return GATE_KIND_ORDER.indexOf(a.kind) - GATE_KIND_ORDER.indexOf(b.kind) || compareText(a.label, b.label);
}

/** "/api/admin/products/{id}" → "/api/admin/*": the first two segments. */
function pathPrefix(path: string): string {
  const segments = path.split("/").filter(Boolean);
  if (segments.length <= 2) return path;
  return `/${segments.slice(0, 2).join("/")}/*`;
}

// ---- entities --------------------------------------------------------------------------------

export interface Relationship {
  from: string; // the entity holding the foreign key
  to: string; // the referenced entity
  columns: string[];
  referencedColumns: string[];
  /** Every foreign-key column is nullable: the child may exist without a parent. */
  optional: boolean;
  /** The foreign-key columns are unique: at most one child per parent. */
  oneToOne: boolean;
}

export function sortedEntities(model: ArchitectureModel): Entity[] {
  return [...model.entities].sort((a, b) => compareText(a.name, b.name));
}

/** Foreign keys whose target entity is in the model (others cannot be drawn as an edge). */
export function relationships(entities: readonly Entity[]): Relationship[] {
  const names = new Set(entities.map((e) => e.name));
  const result: Relationship[] = [];
  for (const entity of entities) {
    for (const fk of entity.foreignKeys) {
      if (!names.has(fk.references.entity)) continue;
      const nullable = fk.columns.every((c) => entity.columns.find((col) => col.name === c)?.nullable ?? false);
      const unique =
        entity.uniques.some((u) => sameSet(u, fk.columns)) ||
        entity.indexes.some((i) => i.unique && sameSet(i.columns, fk.columns)) ||
        sameSet(entity.primaryKey, fk.columns);
      result.push({
        from: entity.name,
        to: fk.references.entity,
        columns: fk.columns,
        referencedColumns: fk.references.columns,
        optional: nullable,
        oneToOne: unique,
      });
    }
  }
  return result.sort(
    (a, b) => compareText(a.from, b.from) || compareText(a.to, b.to) || compareText(a.columns.join(","), b.columns.join(",")),
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export function foreignKeyColumns(entity: Entity): Set<string> {
  return new Set(entity.foreignKeys.flatMap((fk) => fk.columns));
}

// Helpers for project-level rules (one finding per service): which services serve HTTP, their
// endpoints, where a finding about the whole service points, and how an absence claim's
// confidence follows the run's understanding.
import type { ArchitectureModel, Endpoint, ObservabilityControlKind, Service, SourceLocation } from "../model/types.ts";
import type { Evidence, Option } from "../model/finding.ts";
import type { RuleContext } from "./types.ts";
import { byLocation, questionIfAsk } from "./support.ts";

export interface ServedService {
  service: Service;
  /** Its endpoints in source order (at least one). */
  endpoints: Endpoint[];
}

/**
 * Frameworks whose app is a long-running Node server the project starts itself. File-routed
 * frameworks (Next.js, Nitro) and serverless adapters bring their own lifecycle.
 */
const SERVER_FRAMEWORKS = new Set(["express", "fastify", "koa", "nestjs", "hono"]);
const SERVERLESS_ADAPTERS = ["serverless-http", "@vendia/serverless-express", "@codegenie/serverless-express", "aws-serverless-express", "@fastify/aws-lambda", "@as-integrations/aws-lambda"];

/** Services that run their own HTTP server process: where shutdown, health and process-level telemetry are the project's job. */
export function serverServices(model: ArchitectureModel): ServedService[] {
  return servicesServingHttp(model).filter(({ service }) => {
    if (dependsOnAny(service, SERVERLESS_ADAPTERS)) return false;
    // Hono often runs on edge runtimes; it is a Node server only with @hono/node-server.
    const frameworks = service.frameworks.filter((f) => SERVER_FRAMEWORKS.has(f) && (f !== "hono" || service.dependencies.includes("@hono/node-server")));
    return frameworks.length > 0;
  });
}

/** Services with endpoints, sorted by id; an endpoint whose service is missing from the model still counts. */
export function servicesServingHttp(model: ArchitectureModel): ServedService[] {
  const ids = [...new Set(model.endpoints.map((e) => e.serviceId))].sort();
  return ids.map((id) => {
    const endpoints = model.endpoints.filter((e) => e.serviceId === id).sort((a, b) => byLocation(a.location, b.location));
    const service = model.services.find((s) => s.id === id) ?? { id, root: ".", frameworks: [...new Set(endpoints.map((e) => e.framework))].sort(), dependencies: [] };
    return { service, endpoints };
  });
}

/** An observability control of one of the kinds, configured in the service. */
export function hasControl(model: ArchitectureModel, serviceId: string, kinds: readonly ObservabilityControlKind[], accept: (library: string) => boolean = () => true): boolean {
  return model.observabilityControls.some((c) => c.serviceId === serviceId && kinds.includes(c.kind) && accept(c.library));
}

/** A declared dependency from the list, or one under a listed scope ("@opentelemetry/"). */
export function dependsOnAny(service: Service, packages: readonly string[]): string | undefined {
  return service.dependencies.find((d) => packages.some((p) => (p.endsWith("/") ? d.startsWith(p) : d === p)));
}

/**
 * An absence claim ("no metrics anywhere") is only as good as the run's view of the project: a
 * file bka could not parse may hold the missing piece. Below these levels of understanding the
 * claim steps down a band.
 */
export function absenceConfidence(model: ArchitectureModel, base: number): number {
  const understanding = model.coverage.understanding;
  if (understanding >= 80) return base;
  if (understanding >= 50) return base - 10;
  return base - 20;
}

/**
 * Where a finding about a whole service points: the first app-level middleware of the file that
 * registers most of them (the app's setup file), else the service's first route.
 */
export function serviceAnchor(served: ServedService): { location: SourceLocation; label: string } {
  const byFile = new Map<string, Map<string, SourceLocation>>();
  for (const m of served.endpoints.flatMap((e) => e.middleware.filter((mw) => mw.scope === "app"))) {
    const inFile = byFile.get(m.location.file) ?? new Map<string, SourceLocation>();
    inFile.set(`${m.location.line}:${m.location.column}`, m.location);
    byFile.set(m.location.file, inFile);
  }
  const setup = [...byFile.values()].sort((a, b) => b.size - a.size || byLocation([...a.values()][0], [...b.values()][0]))[0];
  if (setup) return { location: [...setup.values()].sort(byLocation)[0], label: "the app's middleware chain starts here" };
  return { location: firstRouteOfBusiestFile(served.endpoints), label: "first route registered in the service's main routing file" };
}

function firstRouteOfBusiestFile(endpoints: Endpoint[]): SourceLocation {
  const counts = new Map<string, number>();
  for (const e of endpoints) counts.set(e.location.file, (counts.get(e.location.file) ?? 0) + 1);
  const file = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
  return endpoints.filter((e) => e.location.file === file).map((e) => e.location).sort(byLocation)[0];
}

/** The major version a declared range allows ("^4.19.2" → 4, "~5.0.0" → 5); undefined for tags, URLs, workspaces. */
export function declaredMajor(service: Service, pkg: string): number | undefined {
  const range = service.dependencyVersions?.[pkg];
  const match = range?.match(/^\s*(?:[\^~=v]|>=)?\s*(\d+)(?:\.|$|\s)/);
  return match ? Number(match[1]) : undefined;
}

export interface AbsenceReport {
  confidence: number;
  message: string;
  /** What the anchor line shows, after the anchor's own label ("; no tracing SDK or agent anywhere"). */
  missing: string;
  summary: string;
  options: Option[];
  question: string;
  extraEvidence?: Evidence[];
}

/** The one finding a project-level rule reports when a service lacks something: anchored where the service starts. */
export function reportAbsence(model: ArchitectureModel, ctx: RuleContext, served: ServedService, report: AbsenceReport): void {
  const anchor = serviceAnchor(served);
  ctx.report({
    confidence: report.confidence,
    message: report.message,
    location: anchor.location,
    subject: `service ${served.service.id}`,
    evidence: [ctx.codeEvidence(anchor.location, `${anchor.label}; ${report.missing}`), ...(report.extraEvidence ?? [])],
    remediation: { summary: report.summary, options: report.options },
    ...questionIfAsk(model, report.confidence, report.question),
  });
}

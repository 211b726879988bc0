// reliability/no-health-endpoint: nothing tells the platform whether the service can take traffic.
import type { ArchitectureModel, Endpoint } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { absenceConfidence, dependsOnAny, hasControl, serverServices, reportAbsence } from "../service-support.ts";

export const meta: RuleMeta = {
  id: "reliability/no-health-endpoint",
  area: "reliability",
  severity: "low",
  title: "No health or readiness endpoint",
  rationale:
    "Finds HTTP services with no health, liveness or readiness endpoint (`/health`, `/healthz`, `/ready`, `/livez`, " +
    "`/ping`…) and no health-check library (@nestjs/terminus, @godaddy/terminus, lightship, fastify-healthcheck, " +
    "@fastify/under-pressure). Load balancers and orchestrators decide where to send traffic and when to restart a " +
    "process by probing it: without an endpoint they can only check that the port is open, so a process whose event loop " +
    "is stuck or whose database is gone keeps receiving requests, and a starting process gets traffic before it is ready. " +
    "A readiness endpoint that checks the service's critical dependencies also lets a deploy wait until it can serve. " +
    "One finding per service.",
  examples: {
    bad: `app.use("/api", routes);
app.listen(3000);`,
    good: `app.get("/healthz", (req, res) => res.json({ status: "ok" }));
app.get("/readyz", async (req, res) => {
  await pool.query("SELECT 1");
  res.json({ status: "ready" });
});`,
  },
  references: [
    refs.cwe(754, "Improper Check for Unusual or Exceptional Conditions"),
    refs.asvs("16.5.2", "The application keeps operating securely when external resource access fails"),
    { title: "Kubernetes: Configure liveness, readiness and startup probes", url: "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/" },
  ],
};

/** An absence claim about something often handled outside the code (a TCP probe): decide, scaled by understanding. */
const CONFIDENCE = 75;

const HEALTH_SEGMENT = /^(health|healthz|healthcheck|health-check|_health|ready|readyz|readiness|live|livez|liveness|alive|ping|heartbeat)$/i;
const HEALTH_PACKAGES = ["@nestjs/terminus", "@godaddy/terminus", "lightship", "fastify-healthcheck", "@fastify/under-pressure", "express-healthcheck", "express-actuator", "@cloudnative/health-connect"];

const messages = {
  finding: (service: string, endpoints: number) =>
    `Service ${service} serves ${endpoints} endpoint${endpoints === 1 ? "" : "s"} but none for health or readiness checks: a load balancer or orchestrator cannot tell a stuck or unready process from a healthy one.`,
  question: (service: string) => `Is ${service} probed some other way (a TCP check, a health route outside this code)? If so, note it in the bka config.`,
};

const OPTIONS: Option[] = [
  {
    title: "Add a cheap liveness route (/healthz) and a readiness route (/readyz) that checks critical dependencies",
    pros: ["A few lines; works with every orchestrator and load balancer"],
    cons: ["A readiness check that calls slow dependencies can flap: keep it cheap, with a short timeout"],
  },
  {
    title: "Use a health-check library (@nestjs/terminus, @godaddy/terminus, lightship)",
    pros: ["Ready-made dependency indicators; pairs with graceful shutdown"],
    cons: ["One more dependency"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const served of serverServices(model)) {
    const { service, endpoints } = served;
    if (endpoints.some(isHealthRoute) || hasControl(model, service.id, ["health-check"]) || dependsOnAny(service, HEALTH_PACKAGES)) continue;
    const confidence = absenceConfidence(model, CONFIDENCE);
    reportAbsence(model, ctx, served, {
      confidence,
      message: messages.finding(service.id, endpoints.length),
      missing: "no health route among the service's endpoints",
      summary: `Give ${service.id} a liveness and a readiness endpoint and point the platform's probes at them.`,
      options: OPTIONS,
      question: messages.question(service.id),
      extraEvidence: [{ kind: "measure", what: `endpoints of ${service.id}, none a health check`, value: endpoints.length, unit: "endpoints" }],
    });
  }
}

/** `/health`, `/api/healthz`, `/status` at the top; `/orders/{id}/status` is not one. */
function isHealthRoute(endpoint: Endpoint): boolean {
  if (endpoint.method !== "GET" && endpoint.method !== "HEAD" && endpoint.method !== "ALL") return false;
  const segments = endpoint.path.split("/").filter(Boolean);
  const last = segments.at(-1) ?? "";
  return HEALTH_SEGMENT.test(last) || (last === "status" && segments.length <= 2 && !endpoint.path.includes("{"));
}

export const rule: Rule = { meta, check };

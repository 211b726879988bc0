// security/missing-security-headers: a service serves HTTP without helmet or equivalent headers.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";
import { absenceConfidence, serviceAnchor, servicesServingHttp } from "../service-support.ts";

export const meta: RuleMeta = {
  id: "security/missing-security-headers",
  area: "security",
  severity: "medium",
  title: "No security headers",
  rationale:
    "Finds services that serve HTTP endpoints but configure no security headers: no helmet, @fastify/helmet, " +
    "koa-helmet or hono/secure-headers, and no `Content-Security-Policy`, `X-Content-Type-Options`, " +
    "`X-Frame-Options` or `Strict-Transport-Security` set by hand. Without them browsers sniff content types (an " +
    "uploaded file runs as script), any site can frame the pages (clickjacking), injected script loads from " +
    "anywhere, and the first request can go over plain HTTP. One finding per service; headers added by a proxy " +
    "or CDN are out of bka's sight, so this is a decision, not a fact.",
  examples: {
    bad: `const app = express();
app.use("/api", routes);`,
    good: `import helmet from "helmet";
const app = express();
app.use(helmet());
app.use("/api", routes);`,
  },
  references: [
    refs.cwe(693, "Protection Mechanism Failure"),
    refs.asvs("3.4.3", "HTTP responses include a Content-Security-Policy response header"),
    refs.asvs("3.4.4", "All HTTP responses contain an X-Content-Type-Options: nosniff header"),
    refs.asvs("3.4.1", "A Strict-Transport-Security header is included on all responses"),
    refs.top10(2021, 5, "Security Misconfiguration"),
    refs.cheatSheet("HTTP_Headers"),
  ],
};

/** The absence is read from the code; a proxy adding the headers is the open option. */
const CONFIDENCE = 75;

const OPTIONS: Option[] = [
  {
    title: "Add helmet (or @fastify/helmet, koa-helmet, hono/secure-headers) first in the middleware chain",
    pros: ["One line; sensible defaults for CSP, nosniff, frame-ancestors, HSTS, referrer policy"],
    cons: ["The default CSP can break inline scripts of server-rendered pages: tune it"],
  },
  {
    title: "Set the headers at the proxy or CDN in front of the service",
    pros: ["One place for every service"],
    cons: ["Lost when the service is reached directly; record it in the bka config so the finding is answered"],
  },
];

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const confidence = absenceConfidence(model, CONFIDENCE);
  for (const served of servicesServingHttp(model)) {
    const serviceId = served.service.id;
    if (model.securityControls.some((c) => c.serviceId === serviceId && c.kind === "security-headers")) continue;
    const count = served.endpoints.length;
    const anchor = serviceAnchor(served);
    ctx.report({
      confidence,
      message: `Service ${serviceId} serves ${count} endpoint${count === 1 ? "" : "s"} without security headers: no helmet or equivalent, and no CSP, X-Content-Type-Options or X-Frame-Options set by hand.`,
      location: anchor.location,
      subject: `service ${serviceId}`,
      evidence: [ctx.codeEvidence(anchor.location, `${anchor.label}, without security headers`)],
      references: meta.references,
      remediation: { summary: `Add helmet() (or the framework's equivalent) before the routes of ${serviceId}.`, options: OPTIONS },
      ...questionIfAsk(model, confidence, `Does a proxy or CDN in front of ${serviceId} add security headers (CSP, nosniff, frame-ancestors, HSTS)?`),
    });
  }
}

export const rule: Rule = { meta, check };

// security/ssrf: request input decides which URL the server requests.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { checkSinks, type SinkLike } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/ssrf",
  area: "security",
  severity: "high",
  title: "Outbound request to a URL from request input",
  rationale:
    "Finds outbound HTTP calls (fetch, axios, got, undici, node:http …) whose URL carries request input. The server " +
    "makes the request from inside the network: a client can reach internal services, cloud metadata endpoints " +
    "(169.254.169.254) and admin ports that are not exposed to it, or use the server to scan and attack others. " +
    "Values encoded with encodeURIComponent into a fixed host's path are not reported, and neither is a URL whose " +
    "host was checked against an allowlist or a constant before the call (`if (!ALLOWED.has(url.hostname)) return`).",
  examples: {
    bad: `const image = await fetch(req.body.imageUrl);`,
    good: `const url = new URL(req.body.imageUrl);
if (url.protocol !== "https:" || !ALLOWED_HOSTS.has(url.hostname)) return res.sendStatus(400);
const image = await fetch(url, { redirect: "error" });`,
  },
  references: [
    refs.cwe(918, "Server-Side Request Forgery (SSRF)"),
    refs.asvs("1.3.6", "The application protects against SSRF with an allowlist of protocols, domains, paths and ports"),
    refs.top10(2021, 10, "Server-Side Request Forgery (SSRF)"),
    refs.cheatSheet("Server_Side_Request_Forgery_Prevention"),
  ],
};

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const sinks: SinkLike[] = model.outboundCalls.map((call) => ({
    id: call.id,
    location: call.location,
    api: call.client,
    flows: call.urlFlows,
    interpolation: call.urlFlows.length ? "request" : "constant",
  }));
  checkSinks(meta, sinks, model, ctx, {
    sinkLabel: "request sent here",
    flowMessage: (inputs, where, api) => `${inputs.join(", ")} decides the URL the server requests with ${api} at ${where}.`,
    unknownMessage: (where, api) => `The URL requested with ${api} at ${where} comes from a value bka could not trace.`,
    question: (where) => `Can a client choose the URL requested at ${where}?`,
    remediation: "Parse the URL and allow only expected protocols and hosts (resolve the host and reject private and link-local addresses); do not follow redirects blindly.",
  });
}

export const rule: Rule = { meta, check };

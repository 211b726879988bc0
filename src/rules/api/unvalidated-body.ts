// api/unvalidated-body: a handler reads the request body that nothing has checked.
import type { ArchitectureModel, Endpoint, Framework, HttpMethod, RequestInput } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeEndpoint, questionIfAsk, refs } from "../support.ts";
import { compareText } from "../../model/order.ts";
import { massAssignedEndpoints } from "../security/mass-assignment.ts";

export const meta: RuleMeta = {
  id: "api/unvalidated-body",
  area: "api",
  severity: "medium",
  title: "Request body used without validation",
  rationale:
    "Finds write endpoints whose handler reads the request body while no schema or validation step checks it first " +
    "(no route schema, no validation middleware, pipe or decorator). Unchecked bodies let wrong types, missing " +
    "fields and oversized values reach the database and business logic, where they fail late with a 500 or, worse, " +
    "are stored. Passing the whole body to a model (`update(req.body)`) is mass assignment: a client can set fields " +
    "it should never control, such as a role, an owner or a price. Validating at the edge with one schema per route " +
    "also documents the API contract, which bka turns into the OpenAPI description.",
  examples: {
    bad: `router.put("/articles/:id", requireAuth, async (req, res) => {
  await article.update(req.body); // any field, any type
});`,
    good: `const articleInput = z.object({ title: z.string().max(200), body: z.string() }).strict();

router.put("/articles/:id", requireAuth, async (req, res) => {
  const input = articleInput.parse(req.body);
  await article.update(input);
});`,
  },
  references: [
    refs.cwe(20, "Improper Input Validation"),
    refs.cwe(915, "Improperly Controlled Modification of Dynamically-Determined Object Attributes"),
    refs.asvs("2.2.1", "Input is validated against expected structure and limits"),
    refs.asvs("15.3.3", "Countermeasures against mass assignment"),
    refs.apiTop10(3),
    refs.cheatSheet("Input_Validation"),
  ],
};

/**
 * Confidence: the model says no validation ran and the handler reads the body. What remains
 * uncertain is validation bka does not recognise (a hand-written check inside a service call),
 * hence the decide band. The whole body handed on is a stronger claim (mass assignment).
 */
const CONFIDENCE = { fieldsRead: 80, wholeBodyUsed: 85 } as const;

const BODY_METHODS: readonly HttpMethod[] = ["POST", "PUT", "PATCH", "DELETE", "ALL"];
const MAX_INPUT_EVIDENCE = 5;

const messages = {
  fields: (route: string, fields: string[]) =>
    `${route} reads ${fields.map((f) => `\`${f}\``).join(", ")} from the request body, but no schema or validation step checks the body first.`,
  wholeBody: (route: string) =>
    `${route} uses the whole request body without validating it: every field a client sends, with any type, reaches the handler (mass assignment).`,
  service: (serviceId: string, count: number) =>
    `No write endpoint of ${serviceId} validates its request body: ${count} endpoints read body fields that no schema or validation step checks.`,
  question: (route: string) =>
    `Is the body of ${route} validated somewhere bka did not see (a service-layer check, a custom middleware)? If so, name the validator in the bka config.`,
};

const SCHEMA_OPTIONS: Record<"fastify" | "nestjs" | "default", Option> = {
  fastify: {
    title: "Declare a JSON Schema in the route's `schema.body`",
    pros: ["Built into Fastify (Ajv): fast, no extra dependency", "Feeds the OpenAPI description and response serialisation"],
    cons: ["JSON Schema is verbose; TypeScript types need a type provider (TypeBox, json-schema-to-ts)"],
  },
  nestjs: {
    title: "Use a DTO class with class-validator decorators and the global ValidationPipe ({ whitelist: true })",
    pros: ["Idiomatic NestJS; whitelist strips fields the DTO does not declare", "DTOs feed @nestjs/swagger"],
    cons: ["Decorators on every field; validation is only as strict as the decorators"],
  },
  default: {
    title: "Validate with a schema library (zod, valibot, joi) in a middleware or at the top of the handler",
    pros: ["One declarative schema per route: types, limits and unknown-field rejection in one place", "The schema doubles as API documentation"],
    cons: ["A dependency, and a schema to keep in step with the handler"],
  },
};

const HANDWRITTEN_OPTION: Option = {
  title: "Hand-written checks in the handler (typeof, length, allow-list of fields)",
  pros: ["No dependency; fine for one or two fields"],
  cons: ["Easy to miss a field or a type; grows into an ad-hoc schema library", "Not visible to API documentation"],
};

/** Endpoints named in a service-wide finding's evidence; the message counts them all. */
const MAX_ENDPOINT_EVIDENCE = 10;

/**
 * Per endpoint where the service validates other bodies (the gap is the exception worth fixing
 * route by route); one service-wide finding where it validates none (that is one decision, how
 * the service validates input, not forty).
 */
export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const unvalidated = new Map<string, { endpoint: Endpoint; bodyInputs: RequestInput[] }[]>();
  const validatesSome = new Set<string>();
  // Where the whole body is written to a model, security/mass-assignment reports it (with the columns at stake).
  const massAssigned = massAssignedEndpoints(model);
  for (const endpoint of model.endpoints) {
    if (!BODY_METHODS.includes(endpoint.method) || massAssigned.has(endpoint.id)) continue;
    if (isValidated(endpoint)) {
      validatesSome.add(endpoint.serviceId);
      continue;
    }
    const bodyInputs = endpoint.inputs.filter((i) => i.kind === "body").sort((a, b) => byLocation(a.location, b.location));
    // Nothing is read from the body, so there is nothing to validate (DELETE /x/:id, POST /x/:id/favorite).
    if (bodyInputs.length === 0) continue;
    unvalidated.set(endpoint.serviceId, [...(unvalidated.get(endpoint.serviceId) ?? []), { endpoint, bodyInputs }]);
  }
  for (const [serviceId, gaps] of unvalidated) {
    if (validatesSome.has(serviceId) || gaps.length === 1) for (const { endpoint, bodyInputs } of gaps) report(model, ctx, endpoint, bodyInputs);
    else reportService(model, ctx, serviceId, gaps.map((g) => g.endpoint));
  }
}

function reportService(model: ArchitectureModel, ctx: RuleContext, serviceId: string, endpoints: Endpoint[]): void {
  const sorted = [...endpoints].sort((a, b) => byLocation(a.location, b.location));
  const framework = sorted[0].framework;
  ctx.report({
    confidence: CONFIDENCE.fieldsRead,
    message: messages.service(serviceId, sorted.length),
    location: sorted[0].location,
    subject: `service ${serviceId}`,
    occurrences: sorted.length,
    evidence: sorted.slice(0, MAX_ENDPOINT_EVIDENCE).map((e) => ctx.codeEvidence(e.location, `${describeEndpoint(e)} reads ${bodyFields(e)} unchecked`)),
    remediation: {
      summary: `Choose one way to validate request bodies in ${serviceId} and apply it to every write endpoint (${sorted.length} today), rejecting unknown fields.`,
      options: [SCHEMA_OPTIONS[schemaFlavour(framework)], HANDWRITTEN_OPTION],
    },
    ...questionIfAsk(model, CONFIDENCE.fieldsRead, messages.question(`the ${sorted.length} write endpoints of ${serviceId}`)),
  });
}

function bodyFields(endpoint: Endpoint): string {
  const fields = [...new Set(endpoint.inputs.filter((i) => i.kind === "body").map((i) => i.path))].sort(compareText);
  return fields.length <= 3 ? fields.join(", ") : `${fields.slice(0, 3).join(", ")} and ${fields.length - 3} more`;
}

function report(model: ArchitectureModel, ctx: RuleContext, endpoint: Endpoint, bodyInputs: RequestInput[]): void {
  const route = describeEndpoint(endpoint);
  const wholeBody = bodyInputs.find((i) => i.path === "body");
  const confidence = wholeBody ? CONFIDENCE.wholeBodyUsed : CONFIDENCE.fieldsRead;
  const fields = [...new Set(bodyInputs.map((i) => i.path))];
  ctx.report({
    confidence,
    severity: wholeBody ? "high" : meta.severity,
    message: wholeBody ? messages.wholeBody(route) : messages.fields(route, fields),
    location: endpoint.location,
    subject: route,
    evidence: [
      ctx.codeEvidence(endpoint.location, "route registered without body validation"),
      ...(wholeBody ? [ctx.codeEvidence(wholeBody.location, "whole request body used here")] : readsEvidence(ctx, bodyInputs)),
    ],
    remediation: {
      summary: `Validate the body of ${route} against a schema before the handler uses it, and reject unknown fields.`,
      options: [SCHEMA_OPTIONS[schemaFlavour(endpoint.framework)], HANDWRITTEN_OPTION],
    },
    ...questionIfAsk(model, confidence, messages.question(route)),
  });
}

/** One evidence per place the body is read (destructuring reads several fields on one line). */
function readsEvidence(ctx: RuleContext, bodyInputs: RequestInput[]) {
  const byPlace = new Map<string, RequestInput[]>();
  for (const input of bodyInputs) {
    const key = `${input.location.file}:${input.location.line}`;
    byPlace.set(key, [...(byPlace.get(key) ?? []), input]);
  }
  return [...byPlace.values()]
    .slice(0, MAX_INPUT_EVIDENCE)
    .map((inputs) => ctx.codeEvidence(inputs[0].location, `reads ${inputs.map((i) => i.path).join(", ")} unchecked`));
}

function isValidated(endpoint: Endpoint): boolean {
  return endpoint.validation.validated || endpoint.request.body !== undefined;
}

function schemaFlavour(framework: Framework): keyof typeof SCHEMA_OPTIONS {
  return framework === "fastify" || framework === "nestjs" ? framework : "default";
}

export const rule: Rule = { meta, check };

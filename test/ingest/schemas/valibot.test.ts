import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { exportedSchema } from "./helper.ts";

describe("valibot", () => {
  it("converts objects with pipes of checks, optionals with defaults, picklists and nullables", () => {
    const files = {
      "src/schemas.ts": `import * as v from 'valibot';
export const LoginSchema = v.object({
  email: v.pipe(v.string(), v.trim(), v.email()),
  password: v.pipe(v.string(), v.minLength(8), v.maxLength(72)),
  remember: v.optional(v.boolean(), false),
  plan: v.picklist(['free', 'pro']),
  referrer: v.nullable(v.string()),
  attempts: v.pipe(v.number(), v.integer(), v.minValue(0)),
  tags: v.pipe(v.array(v.string()), v.nonEmpty()),
});`,
    };
    const converted = exportedSchema(files, "src/schemas.ts", "LoginSchema");
    assert.equal(converted.library, "valibot");
    assert.equal(converted.name, "Login");
    assert.deepEqual(converted.schema, {
      type: "object",
      properties: {
        email: { type: "string", format: "email" },
        password: { type: "string", minLength: 8, maxLength: 72 },
        remember: { type: "boolean", default: false },
        plan: { type: "string", enum: ["free", "pro"] },
        referrer: { type: ["string", "null"] },
        attempts: { type: "integer", minimum: 0 },
        tags: { type: "array", items: { type: "string" }, minItems: 1 },
      },
      required: ["email", "password", "plan", "referrer", "attempts", "tags"],
    });
  });

  it("reads strictObject, partial, pick and descriptions", () => {
    const files = {
      "src/user.ts": `import { strictObject, string, pipe, email, description, partial, pick, url } from 'valibot';
export const UserSchema = strictObject({ email: pipe(string(), email()), image: pipe(string(), url(), description('avatar')) });
export const UpdateUserSchema = partial(UserSchema);
export const EmailOnly = pick(UserSchema, ['email']);`,
    };
    assert.deepEqual(exportedSchema(files, "src/user.ts", "UpdateUserSchema").schema, {
      type: "object",
      properties: { email: { type: "string", format: "email" }, image: { type: "string", format: "uri", description: "avatar" } },
      additionalProperties: false,
    });
    assert.deepEqual(exportedSchema(files, "src/user.ts", "EmailOnly").schema, {
      type: "object",
      properties: { email: { type: "string", format: "email" } },
      required: ["email"],
      additionalProperties: false,
    });
  });
});

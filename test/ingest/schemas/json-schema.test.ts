import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { exportedSchema, NAME_KEY } from "./helper.ts";

describe("JSON Schema literals", () => {
  it("keeps a literal as it is, with shared constants in schema positions marked by name", () => {
    const files = {
      "src/schemas/common.ts": `export const profileSchema = {
  type: 'object',
  required: ['username'],
  properties: { username: { type: 'string' }, following: { type: 'boolean' } },
} as const;
export const requiredFields = ['slug', 'author'];`,
      "src/schemas/article.ts": `import { profileSchema, requiredFields } from './common.js';
const base = { type: 'object', additionalProperties: false };
export const articleResponseSchema = {
  ...base,
  required: requiredFields,
  properties: {
    slug: { type: 'string', pattern: '^[a-z0-9-]+$' },
    author: profileSchema,
    coAuthors: { type: 'array', items: profileSchema },
    status: { anyOf: [{ const: 'draft' }, { const: 'published' }] },
  },
};`,
    };
    const converted = exportedSchema(files, "src/schemas/article.ts", "articleResponseSchema");
    assert.equal(converted.library, "json-schema");
    assert.equal(converted.name, "ArticleResponse");
    const profile = { [NAME_KEY]: "Profile", type: "object", required: ["username"], properties: { username: { type: "string" }, following: { type: "boolean" } } };
    assert.deepEqual(converted.schema, {
      type: "object",
      additionalProperties: false,
      required: ["slug", "author"],
      properties: {
        slug: { type: "string", pattern: "^[a-z0-9-]+$" },
        author: profile,
        coAuthors: { type: "array", items: profile },
        status: { anyOf: [{ const: "draft" }, { const: "published" }] },
      },
    });
  });

  it("understands a TypeBox value written inside a literal", () => {
    const files = {
      "src/s.ts": `import { Type } from '@sinclair/typebox';
export const querystring = { type: 'object', properties: { page: Type.Integer({ minimum: 1 }), q: { type: 'string' } } };`,
    };
    assert.deepEqual(exportedSchema(files, "src/s.ts", "querystring").schema, {
      type: "object",
      properties: { page: { type: "integer", minimum: 1 }, q: { type: "string" } },
    });
  });
});

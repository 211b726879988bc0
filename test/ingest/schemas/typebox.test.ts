import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { exportedSchema, NAME_KEY } from "./helper.ts";

describe("TypeBox", () => {
  it("converts Type.Object with options, Optional, unions of literals and enums", () => {
    const files = {
      "src/schemas/article.ts": `import { Type, type Static } from '@sinclair/typebox';
export enum Visibility { Public = 'public', Private = 'private' }
export const ArticleBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 120 }),
  body: Type.String(),
  tagList: Type.Optional(Type.Array(Type.String(), { maxItems: 10 })),
  status: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
  visibility: Type.Enum(Visibility),
  rating: Type.Integer({ minimum: 1, maximum: 5 }),
}, { additionalProperties: false });
export type ArticleBody = Static<typeof ArticleBody>;`,
    };
    const converted = exportedSchema(files, "src/schemas/article.ts", "ArticleBody");
    assert.equal(converted.library, "typebox");
    assert.equal(converted.name, "ArticleBody");
    assert.deepEqual(converted.schema, {
      type: "object",
      properties: {
        title: { type: "string", minLength: 1, maxLength: 120 },
        body: { type: "string" },
        tagList: { type: "array", items: { type: "string" }, maxItems: 10 },
        status: { anyOf: [{ type: "string", const: "draft" }, { type: "string", const: "published" }] },
        visibility: { type: "string", enum: ["public", "private"] },
        rating: { type: "integer", minimum: 1, maximum: 5 },
      },
      required: ["title", "body", "status", "visibility", "rating"],
      additionalProperties: false,
    });
  });

  it("reads Partial, Pick and a shared schema imported through Fastify's type provider", () => {
    const files = {
      "src/schemas/user.ts": `import { Type } from '@fastify/type-provider-typebox';
export const User = Type.Object({ email: Type.String({ format: 'email' }), name: Type.String() });
export const UserPatch = Type.Partial(Type.Pick(User, ['name']));
export const UserList = Type.Object({ users: Type.Array(User), total: Type.Integer() });`,
    };
    assert.deepEqual(exportedSchema(files, "src/schemas/user.ts", "UserPatch").schema, { type: "object", properties: { name: { type: "string" } } });
    const user = { [NAME_KEY]: "User", type: "object", properties: { email: { type: "string", format: "email" }, name: { type: "string" } }, required: ["email", "name"] };
    assert.deepEqual(exportedSchema(files, "src/schemas/user.ts", "UserList").schema, {
      type: "object",
      properties: { users: { type: "array", items: user }, total: { type: "integer" } },
      required: ["users", "total"],
    });
  });
});

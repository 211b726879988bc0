import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { converts, exportedSchema, NAME_KEY } from "./helper.ts";

describe("zod", () => {
  it("converts a RealWorld registration body with nested objects, checks, optional and default", () => {
    const files = {
      "src/schemas.ts": `import { z } from 'zod';
export const createArticleSchema = z.object({
  article: z.object({
    title: z.string().min(1).max(120),
    description: z.string().min(1),
    body: z.string(),
    tagList: z.array(z.string().min(1)).default([]),
    coverUrl: z.string().url().optional(),
    authorEmail: z.string().email(),
  }),
});`,
    };
    const converted = exportedSchema(files, "src/schemas.ts", "createArticleSchema");
    assert.equal(converted.library, "zod");
    assert.equal(converted.name, "CreateArticle");
    assert.deepEqual(converted.schema, {
      type: "object",
      properties: {
        article: {
          type: "object",
          properties: {
            title: { type: "string", minLength: 1, maxLength: 120 },
            description: { type: "string", minLength: 1 },
            body: { type: "string" },
            tagList: { type: "array", items: { type: "string", minLength: 1 }, default: [] },
            coverUrl: { type: "string", format: "uri" },
            authorEmail: { type: "string", format: "email" },
          },
          required: ["title", "description", "body", "authorEmail"],
        },
      },
      required: ["article"],
    });
  });

  it("reads numbers, enums, literals, unions, nullables, uuids, regexes and coercion", () => {
    const files = {
      "src/query.ts": `import { z } from 'zod';
export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().nonnegative().optional(),
  sort: z.enum(['new', 'top']),
  kind: z.literal('article'),
  id: z.string().uuid(),
  slug: z.string().regex(/^[a-z0-9-]+$/),
  tag: z.union([z.string(), z.array(z.string())]),
  bio: z.string().nullable(),
  price: z.number().positive(),
  draft: z.boolean().nullish(),
});`,
    };
    assert.deepEqual(exportedSchema(files, "src/query.ts", "listQuery").schema, {
      type: "object",
      properties: {
        limit: { type: "integer", minimum: 1, maximum: 100, default: 20 },
        offset: { type: "integer", minimum: 0 },
        sort: { type: "string", enum: ["new", "top"] },
        kind: { type: "string", const: "article" },
        id: { type: "string", format: "uuid" },
        slug: { type: "string", pattern: "^[a-z0-9-]+$" },
        tag: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
        bio: { type: ["string", "null"] },
        price: { type: "number", exclusiveMinimum: 0 },
        draft: { type: ["boolean", "null"] },
      },
      required: ["sort", "kind", "id", "slug", "tag", "bio", "price"],
    });
  });

  it("follows .extend, .merge, .pick, .omit, .partial and .strict through consts and files", () => {
    const files = {
      "src/base.ts": `import { z } from 'zod';
const timestamps = z.object({ createdAt: z.string().datetime(), updatedAt: z.string().datetime() });
export const userBase = z.object({ email: z.string().email(), username: z.string(), bio: z.string() });
export const userRecord = userBase.merge(timestamps).extend({ id: z.number().int() });`,
      "src/users.ts": `import { userBase, userRecord } from './base';
export const updateUser = userBase.partial().strict();
export const publicUser = userRecord.pick({ username: true, bio: true });
export const userNoBio = userRecord.omit({ bio: true, createdAt: true, updatedAt: true });`,
    };
    assert.deepEqual(exportedSchema(files, "src/users.ts", "updateUser").schema, {
      type: "object",
      properties: { email: { type: "string", format: "email" }, username: { type: "string" }, bio: { type: "string" } },
      additionalProperties: false,
    });
    assert.deepEqual(exportedSchema(files, "src/users.ts", "publicUser").schema, {
      type: "object",
      properties: { username: { type: "string" }, bio: { type: "string" } },
      required: ["username", "bio"],
    });
    assert.deepEqual(exportedSchema(files, "src/users.ts", "userNoBio").schema, {
      type: "object",
      properties: { email: { type: "string", format: "email" }, username: { type: "string" }, id: { type: "integer" } },
      required: ["email", "username", "id"],
    });
  });

  it("understands the v4 API: top-level formats, z.int, z.strictObject, z.iso", () => {
    const files = {
      "src/v4.ts": `import * as z from 'zod/v4';
export const signup = z.strictObject({
  email: z.email(),
  site: z.url().optional(),
  age: z.int().gte(13),
  birthday: z.iso.date(),
  seenAt: z.iso.datetime(),
  role: z.enum(['reader', 'writer']).default('reader'),
});`,
    };
    assert.deepEqual(exportedSchema(files, "src/v4.ts", "signup").schema, {
      type: "object",
      properties: {
        email: { type: "string", format: "email" },
        site: { type: "string", format: "uri" },
        age: { type: "integer", minimum: 13 },
        birthday: { type: "string", format: "date" },
        seenAt: { type: "string", format: "date-time" },
        role: { type: "string", enum: ["reader", "writer"], default: "reader" },
      },
      required: ["email", "age", "birthday", "seenAt"],
      additionalProperties: false,
    });
  });

  it("marks a schema used inside another with its own name, so it can be shared", () => {
    const files = {
      "src/profile.ts": `import { z } from 'zod';\nexport const profileSchema = z.object({ username: z.string(), following: z.boolean() });`,
      "src/article.ts": `import { z } from 'zod';
import { profileSchema } from './profile';
export const articleSchema = z.object({ slug: z.string(), author: profileSchema, editors: z.array(profileSchema).optional() });`,
    };
    const profile = { [NAME_KEY]: "Profile", type: "object", properties: { username: { type: "string" }, following: { type: "boolean" } }, required: ["username", "following"] };
    assert.deepEqual(exportedSchema(files, "src/article.ts", "articleSchema").schema, {
      type: "object",
      properties: { slug: { type: "string" }, author: profile, editors: { type: "array", items: profile } },
      required: ["slug", "author"],
    });
  });

  it("keeps a shared schema shared when it is made nullable, and unshares it when it is changed", () => {
    const files = {
      "src/s.ts": `import { z } from 'zod';
export const tagSchema = z.object({ name: z.string() });
export const holder = z.object({ maybe: tagSchema.nullable(), changed: tagSchema.extend({ count: z.number() }) });`,
    };
    const { schema } = exportedSchema(files, "src/s.ts", "holder");
    const props = schema.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(props.maybe, { anyOf: [{ [NAME_KEY]: "Tag", type: "object", properties: { name: { type: "string" } }, required: ["name"] }, { type: "null" }] });
    assert.equal(props.changed[NAME_KEY], undefined);
    assert.deepEqual(props.changed.required, ["name", "count"]);
  });

  it("takes enum values from a TypeScript enum in another file, and names from .openapi()", () => {
    const files = {
      "src/role.ts": `export enum Role { Admin = 'admin', Editor = 'editor' }\nexport enum Level { Low, Mid, High = 10, Top }`,
      "src/s.ts": `import { z } from '@hono/zod-openapi';
import { Role, Level } from './role';
export const member = z.object({ role: z.nativeEnum(Role), level: z.nativeEnum(Level) }).openapi('Member');`,
    };
    const converted = exportedSchema(files, "src/s.ts", "member");
    assert.equal(converted.name, "Member");
    assert.deepEqual(converted.schema, {
      type: "object",
      properties: { role: { type: "string", enum: ["admin", "editor"] }, level: { type: "integer", enum: [0, 1, 10, 11] } },
      required: ["role", "level"],
    });
  });

  it("reads a property of another schema's shape, and refine/transform do not change the input", () => {
    const files = {
      "src/s.ts": `import { z } from 'zod';
const user = z.object({ email: z.string().email(), password: z.string().min(8) });
export const login = z.object({ email: user.shape.email, password: user.shape.password.transform((p) => p.trim()) })
  .refine((v) => v.email !== v.password, 'different');`,
    };
    assert.deepEqual(exportedSchema(files, "src/s.ts", "login").schema, {
      type: "object",
      properties: { email: { type: "string", format: "email" }, password: { type: "string", minLength: 8 } },
      required: ["email", "password"],
    });
  });

  it("does not take a value that is not a zod schema for one", () => {
    const files = { "src/s.ts": `import { z } from 'zod';\nimport { something } from 'other-lib';\nexport const a = something.object({});\nexport const b = z.someFutureThing();` };
    assert.equal(converts(files, "src/s.ts", "a"), false);
    assert.equal(converts(files, "src/s.ts", "b"), false);
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { exportedSchema, NAME_KEY } from "./helper.ts";

describe("joi", () => {
  it("converts an object: keys optional unless required, unknown keys rejected", () => {
    const files = {
      "src/validation/user.js": `const Joi = require('joi');
const registerUser = Joi.object({
  username: Joi.string().alphanum().min(3).max(30).required(),
  email: Joi.string().email().required(),
  password: Joi.string().min(8).required(),
  age: Joi.number().integer().min(13),
  role: Joi.string().valid('reader', 'writer').default('reader'),
  bio: Joi.string().allow(null),
  website: Joi.string().uri(),
});
module.exports = { registerUser };`,
    };
    const converted = exportedSchema(files, "src/validation/user.js", "registerUser");
    assert.equal(converted.library, "joi");
    assert.equal(converted.name, "RegisterUser");
    assert.deepEqual(converted.schema, {
      type: "object",
      properties: {
        username: { type: "string", pattern: "^[a-zA-Z0-9]*$", minLength: 3, maxLength: 30 },
        email: { type: "string", format: "email" },
        password: { type: "string", minLength: 8 },
        age: { type: "integer", minimum: 13 },
        role: { type: "string", enum: ["reader", "writer"], default: "reader" },
        bio: { type: ["string", "null"] },
        website: { type: "string", format: "uri" },
      },
      required: ["username", "email", "password"],
      additionalProperties: false,
    });
  });

  it("reads arrays, alternatives, dates, .keys() and .unknown() with the Joi that celebrate exports", () => {
    const files = {
      "src/schemas.ts": `import { Joi } from 'celebrate';
const tag = Joi.string().max(20);
export const articleQuery = Joi.object()
  .keys({
    tags: Joi.array().items(tag).max(5),
    since: Joi.date().iso(),
    id: Joi.alternatives().try(Joi.number().integer(), Joi.string().guid()),
  })
  .unknown(true);`,
    };
    assert.deepEqual(exportedSchema(files, "src/schemas.ts", "articleQuery").schema, {
      type: "object",
      properties: {
        tags: { type: "array", items: { type: "string", maxLength: 20 }, maxItems: 5 },
        since: { type: "string", format: "date-time" },
        id: { anyOf: [{ type: "integer" }, { type: "string", format: "uuid" }] },
      },
    });
  });

  it("nests a shared schema from another file under its name", () => {
    const files = {
      "src/address.ts": `import Joi from 'joi';\nexport const addressSchema = Joi.object({ city: Joi.string().required() });`,
      "src/order.ts": `import Joi from 'joi';\nimport { addressSchema } from './address';\nexport const orderSchema = Joi.object({ shipTo: addressSchema.required(), note: Joi.string().description('free text') });`,
    };
    assert.deepEqual(exportedSchema(files, "src/order.ts", "orderSchema").schema, {
      type: "object",
      properties: {
        shipTo: { [NAME_KEY]: "Address", type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
        note: { type: "string", description: "free text" },
      },
      required: ["shipTo"],
      additionalProperties: false,
    });
  });
});

// class-validator DTO classes (NestJS bodies and queries): each property's type annotation gives a
// base type, its decorators (`@IsEmail()`, `@Min(1)`, `@IsOptional()`, `@ValidateNested()` with
// `@Type(() => Other)`, `@ApiProperty({...})`) refine it. Superclasses contribute their properties;
// `PartialType(X)`, `PickType`, `OmitType`, `IntersectionType` (@nestjs/mapped-types, @nestjs/swagger)
// reshape them.
import type { JsonSchema } from "../../model/types.ts";
import type { DecoratorFact } from "../js/facts.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ClassConverter, SchemaReader } from "./reader.ts";
import { anyOf, arrayOf, enumOf, literal, nullable, objectOf, regexPattern, withKeywords, withName, type Converted } from "./shape.ts";

interface Property {
  name: string;
  optional: boolean;
  type?: string;
  decorators: DecoratorFact[];
  file: string;
}

interface Decorator {
  name: string;
  args: Sym[];
  file: string;
}

const MAX_INHERITANCE = 8;

const PRIMITIVES: Record<string, JsonSchema> = {
  string: { type: "string" },
  number: { type: "number" },
  boolean: { type: "boolean" },
  bigint: { type: "integer", format: "int64" },
  Date: { type: "string", format: "date-time" },
  object: { type: "object" },
  any: {},
  unknown: {},
};

/** Decorators that fix the value's type or format. */
const TYPE_DECORATORS: Record<string, JsonSchema> = {
  IsString: { type: "string" },
  IsNumber: { type: "number" },
  IsNumberString: { type: "string", pattern: "^-?\\d+(\\.\\d+)?$" },
  IsInt: { type: "integer" },
  IsBoolean: { type: "boolean" },
  IsBooleanString: { type: "string", enum: ["true", "false", "1", "0"] },
  IsEmail: { type: "string", format: "email" },
  IsUrl: { type: "string", format: "uri" },
  IsURL: { type: "string", format: "uri" },
  IsUUID: { type: "string", format: "uuid" },
  IsDate: { type: "string", format: "date-time" },
  IsDateString: { type: "string", format: "date-time" },
  IsISO8601: { type: "string", format: "date-time" },
  IsIP: { type: "string", format: "ip" },
  IsObject: { type: "object" },
  IsArray: { type: "array" },
  IsAlphanumeric: { type: "string", pattern: "^[a-zA-Z0-9]*$" },
  IsPositive: { exclusiveMinimum: 0 },
  IsNegative: { exclusiveMaximum: 0 },
  ArrayNotEmpty: { minItems: 1 },
  ArrayUnique: { uniqueItems: true },
};

/** Decorators whose first argument is a number that becomes one keyword. */
const NUMBER_DECORATORS: Record<string, string> = {
  Min: "minimum",
  Max: "maximum",
  MinLength: "minLength",
  MaxLength: "maxLength",
  ArrayMinSize: "minItems",
  ArrayMaxSize: "maxItems",
};

/** @nestjs/swagger options that are JSON Schema keywords as they are. */
const API_PROPERTY_KEYWORDS = ["description", "default", "format", "minimum", "maximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "title", "deprecated", "readOnly", "writeOnly"];

const MAPPED_TYPE_PACKAGES = new Set(["@nestjs/mapped-types", "@nestjs/swagger", "@nestjs/graphql"]);

export const classValidatorConverter: ClassConverter = {
  library: "class-validator",
  convert(classId, reader) {
    const cls = reader.index.classes.get(classId);
    if (!cls) return undefined;
    // A DTO that contains itself (a tree of comments) refers to its own component.
    if (reader.classStack.has(classId)) return { schema: { $ref: `#/components/schemas/${cls.name}` } };
    reader.classStack.add(classId);
    try {
      const entries = classProperties(classId, reader, 0).map((p): [string, Converted] => [p.name, propertySchema(p, reader)]);
      return { schema: withName(objectOf(entries), cls.name) };
    } finally {
      reader.classStack.delete(classId);
    }
  },
};

/** Own properties after inherited ones; a redeclared property replaces the inherited one. */
function classProperties(classId: string, reader: SchemaReader, depth: number): Property[] {
  const cls = reader.index.classes.get(classId);
  if (!cls || depth > MAX_INHERITANCE) return [];
  const inherited = cls.superClass ? baseProperties(cls.superClass, reader, depth + 1) : [];
  const own = cls.properties.map((p) => ({ name: p.name, optional: p.optional, type: p.type, decorators: p.decorators, file: cls.loc.file }));
  const byName = new Map(inherited.map((p) => [p.name, p]));
  for (const p of own) {
    byName.delete(p.name);
    byName.set(p.name, p);
  }
  return [...byName.values()];
}

/** `extends Base`, `extends PartialType(CreateDto)`, `extends PickType(Dto, ['a'] as const)`. */
function baseProperties(sym: Sym, reader: SchemaReader, depth: number): Property[] {
  const base = reader.index.resolve(sym);
  if (base.k === "class") return classProperties(base.id, reader, depth);
  if (base.k !== "call" || base.callee.k !== "ext" || !MAPPED_TYPE_PACKAGES.has(base.callee.pkg)) return [];
  const helper = base.callee.path[base.callee.path.length - 1];
  const [first, second] = base.args;
  switch (helper) {
    case "PartialType":
      return first ? baseProperties(first, reader, depth + 1).map((p) => ({ ...p, optional: true })) : [];
    case "PickType":
    case "OmitType": {
      const keys = new Set(reader.keys(second));
      return first ? baseProperties(first, reader, depth + 1).filter((p) => keys.has(p.name) === (helper === "PickType")) : [];
    }
    case "IntersectionType":
      return base.args.flatMap((a) => baseProperties(a, reader, depth + 1));
    default:
      return [];
  }
}

function propertySchema(p: Property, reader: SchemaReader): Converted {
  const decorators = p.decorators.map((d) => decoratorOf(d, reader)).filter((d): d is Decorator => d !== undefined);
  let schema = typeSchema(p.type, p.file, reader);
  let optional = p.optional;
  for (const d of decorators) {
    const each = eachOption(d, reader) && schema.type === "array";
    const apply = (fn: (s: JsonSchema) => JsonSchema) => {
      schema = each ? { ...schema, items: fn((schema.items as JsonSchema | undefined) ?? {}) } : fn(schema);
    };
    if (d.name === "IsOptional" || d.name === "ApiPropertyOptional") optional = true;
    if (d.name === "IsDefined") optional = false;
    if (d.name === "ApiProperty" || d.name === "ApiPropertyOptional") {
      const options = reader.json(d.args[0]);
      if (isRecord(options) && options.required === false) optional = true;
      schema = apiProperty(schema, options, d, reader);
      continue;
    }
    apply((s) => validatorKeywords(s, d, reader));
  }
  const nested = nestedClass(decorators, reader);
  if (nested) schema = schema.type === "array" ? { ...schema, items: nested } : nested;
  return { schema, optional };
}

/** What one class-validator decorator adds to the schema. */
function validatorKeywords(schema: JsonSchema, d: Decorator, reader: SchemaReader): JsonSchema {
  if (TYPE_DECORATORS[d.name]) return withKeywords(schema, TYPE_DECORATORS[d.name]);
  const keyword = NUMBER_DECORATORS[d.name];
  if (keyword) return numberKeyword(schema, keyword, reader.number(d.args[0]));
  switch (d.name) {
    case "Length":
      return numberKeyword(numberKeyword(schema, "minLength", reader.number(d.args[0])), "maxLength", reader.number(d.args[1]));
    case "IsNotEmpty":
      return schema.type === "string" || schema.type === undefined ? withKeywords(schema, { minLength: 1 }) : schema;
    case "IsEnum":
    case "IsIn": {
      const values = reader.enumValues(d.args[0], d.file);
      return values ? withKeywords(schema, enumOf(values)) : schema;
    }
    case "Matches": {
      const pattern = regexPattern(d.args[0]?.k === "unknown" ? d.args[0].text : undefined) ?? reader.text(d.args[0]);
      return pattern === undefined ? schema : withKeywords(schema, { type: "string", pattern });
    }
    case "Equals": {
      const value = reader.json(d.args[0]);
      return value === undefined ? schema : withKeywords(schema, literal(value));
    }
    default:
      return schema;
  }
}

/** `@ApiProperty({ description, example, enum, nullable })` from @nestjs/swagger. */
function apiProperty(schema: JsonSchema, options: unknown, d: Decorator, reader: SchemaReader): JsonSchema {
  if (!isRecord(options)) return schema;
  const keywords: JsonSchema = {};
  for (const k of API_PROPERTY_KEYWORDS) if (own(options, k) !== undefined) keywords[k] = options[k];
  if (options.example !== undefined) keywords.examples = [options.example];
  const enumSym = optionSym(d.args[0], "enum", reader);
  const values = enumSym ? reader.enumValues(enumSym, d.file) : undefined;
  const isArray = options.isArray === true;
  const target = isArray && schema.type === "array" ? ((schema.items as JsonSchema | undefined) ?? {}) : schema;
  let next = withKeywords(target, { ...(values ? enumOf(values) : {}), ...keywords });
  if (isArray && schema.type === "array") next = { ...schema, items: next };
  else if (isArray) next = arrayOf(next);
  return options.nullable === true ? nullable(next) : next;
}

/** `@ValidateNested()` with `@Type(() => Other)`: the nested DTO's schema (named, so it is shared). */
function nestedClass(decorators: Decorator[], reader: SchemaReader): JsonSchema | undefined {
  const returned = reader.returnedBy(decorators.find((d) => d.name === "Type")?.args[0]);
  const cls = returned && reader.index.resolve(returned);
  return cls?.k === "class" ? reader.convertClass(cls.id)?.schema : undefined;
}

/** The schema a TypeScript type annotation spells: primitives, arrays, literal unions, DTO classes, enums. */
function typeSchema(text: string | undefined, file: string, reader: SchemaReader): JsonSchema {
  if (!text) return {};
  const parts = splitUnion(text.trim());
  const hasNull = parts.includes("null");
  const rest = parts.filter((p) => p !== "null" && p !== "undefined");
  const literals = rest.map(literalValue);
  let schema: JsonSchema;
  if (rest.length > 1 && literals.every((v) => v !== undefined)) schema = enumOf(literals);
  else if (rest.length === 1) schema = singleType(rest[0], file, reader);
  else schema = anyOf(rest.map((r) => singleType(r, file, reader)));
  return hasNull ? nullable(schema) : schema;
}

function singleType(text: string, file: string, reader: SchemaReader): JsonSchema {
  const t = text.replace(/^readonly\s+/, "").trim();
  const array = /^(.+)\[\]$/.exec(t) ?? /^(?:Readonly)?Array<(.+)>$/.exec(t);
  if (array) return arrayOf(typeSchema(array[1].replace(/^\((.*)\)$/, "$1"), file, reader));
  if (PRIMITIVES[t]) return { ...PRIMITIVES[t] };
  if (/^Record</.test(t)) return { type: "object" };
  const value = literalValue(t);
  if (value !== undefined) return literal(value);
  if (!/^[A-Za-z_$][\w$]*$/.test(t)) return {};
  const classId = reader.classNamed(t, file);
  if (classId) return reader.convertClass(classId)?.schema ?? {};
  const values = reader.enumNamed(t, file);
  return values ? enumOf(values) : {};
}

/** `'a' | 'b' | null` → ["'a'", "'b'", "null"], leaving unions inside generics alone. */
function splitUnion(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if ("<([{".includes(ch)) depth++;
    else if (">)]}".includes(ch)) depth--;
    else if (ch === "|" && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter(Boolean);
}

function literalValue(text: string): string | number | boolean | undefined {
  const quoted = /^(['"`])(.*)\1$/.exec(text);
  if (quoted) return quoted[2];
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return undefined;
}

/** The decorator's name, when it comes from a package (or is written without an import, in tests). */
function decoratorOf(d: DecoratorFact, reader: SchemaReader): Decorator | undefined {
  const callee = reader.index.resolve(d.callee);
  const name = callee.k === "ext" ? callee.path[callee.path.length - 1] : callee.k === "unknown" ? callee.text : undefined;
  return name ? { name, args: d.args, file: d.loc.file } : undefined;
}

/** `{ each: true }` in a decorator's last argument: the check applies to each array item. */
function eachOption(d: Decorator, reader: SchemaReader): boolean {
  const last = reader.json(d.args[d.args.length - 1]);
  return isRecord(last) && last.each === true;
}

function optionSym(options: Sym | undefined, key: string, reader: SchemaReader): Sym | undefined {
  const resolved = options && reader.index.resolve(options);
  return resolved?.k === "obj" ? own(resolved.props, key) : undefined;
}

function numberKeyword(schema: JsonSchema, keyword: string, value: number | undefined): JsonSchema {
  return value === undefined ? schema : withKeywords(schema, { [keyword]: value });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}

// The GraphQL schema a server is built from, read without running anything: SDL in `gql` tagged
// templates and strings (followed across modules and `${…}` interpolations), in .graphql files
// read with `readFileSync(join(__dirname, "schema.graphql"))` or `loadFilesSync(glob)`, and
// code-first types (type-graphql and @nestjs/graphql `@ObjectType` classes). SDL is parsed with
// graphql-js's `parse()`; every field keeps the source line it is declared on.
import { lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { isAbsolute, join, posix, relative, resolve, sep } from "node:path";
import { Kind, parse, type DefinitionNode, type DirectiveNode, type FieldDefinitionNode, type TypeNode } from "graphql";
import type { SourceLocation } from "../../model/types.ts";
import { GRAPHQL_TEXTS, type GraphqlTextFact } from "../code/graphql.ts";
import { extPath, extRoot, packageName } from "../code/values.ts";
import type { ClassFact, DecoratorFact } from "../js/facts.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { compareText } from "../../model/order.ts";

/** What a field returns: the named type and whether it is a list of it. */
export interface TypeRef {
  named: string;
  list: boolean;
}

export interface FieldDef {
  owner: string; // "Query", "Article"
  name: string;
  returns?: TypeRef;
  location?: SourceLocation;
  /** Directives on the field and on its type (`@auth`), in that order. */
  directives: { name: string; location?: SourceLocation }[];
}

export interface Schema {
  roots: { query: string; mutation: string; subscription: string };
  fields: FieldDef[];
  /** SDL documents found (read and parsed or not): without any, the schema is not known. */
  documents: number;
}

export const CODE_FIRST_PACKAGES = new Set(["type-graphql", "@nestjs/graphql"]);
const SDL_FILE = /\.(graphql|gql|graphqls)$/;
const READ_FILE = new Set(["readFileSync", "readFile"]);
const LOAD_FILES = new Set(["loadFilesSync", "loadFiles", "loadTypedefsSync", "loadTypedefs", "loadSchemaSync", "loadSchema", "importSchema"]);
const MAX_FILE_BYTES = 2_000_000;
const MAX_GLOB_DEPTH = 8;
const MAX_DEPTH = 12;

interface Segment {
  start: number;
  loc?: SourceLocation;
}

/** SDL text with where each of its pieces was written. */
interface SdlDocument {
  text: string;
  segments: Segment[];
}

/** Reads SDL from symbolic values; `warnings` says what could not be read. */
export class SdlReader {
  readonly warnings: string[] = [];
  private readonly textLocations = new Map<string, SourceLocation>();
  private readonly fileCache = new Map<string, { text: string } | { why: string }>();

  constructor(private readonly index: ProjectIndex, private readonly root: string) {
    for (const facts of index.files.values()) {
      for (const fact of (facts.extra[GRAPHQL_TEXTS] ?? []) as GraphqlTextFact[]) {
        if (!this.textLocations.has(fact.text)) this.textLocations.set(fact.text, fact.loc);
      }
    }
  }

  /** The schema the given type definitions declare. */
  schemaOf(typeDefs: readonly Sym[]): Schema {
    const schema: Schema = { roots: { query: "Query", mutation: "Mutation", subscription: "Subscription" }, fields: [], documents: 0 };
    const seen = new Set<string>();
    for (const doc of typeDefs.flatMap((sym) => this.documents(sym, 0))) {
      if (seen.has(doc.text)) continue;
      seen.add(doc.text);
      schema.documents++;
      this.addDocument(schema, doc);
    }
    return schema;
  }

  /** Documents of files matched by a glob relative to the package of `fromFile` (NestJS `typePaths`). */
  documentsAt(pattern: string, fromFile: string): Sym[] {
    return [{ k: "call", callee: { k: "ext", pkg: "@graphql-tools/load-files", path: ["loadFilesSync"] }, args: [{ k: "lit", value: pattern }], loc: { file: fromFile, line: 1, column: 1 } }];
  }

  private documents(sym: Sym, depth: number): SdlDocument[] {
    if (depth > MAX_DEPTH) return [];
    if (sym.k === "mod" && SDL_FILE.test(sym.file)) return this.fileDocuments([sym.file]);
    const value = this.index.resolve(sym);
    switch (value.k) {
      case "lit":
        return typeof value.value === "string" ? [this.literal(value.value)] : [];
      case "concat":
        return [this.concatenated(value.parts, depth)];
      case "arr":
        return value.items.flatMap((item) => this.documents(item, depth + 1));
      case "alt":
        return value.options.flatMap((option) => this.documents(option, depth + 1));
      case "obj": {
        const typeDefs = own(value.props, "typeDefs");
        return typeDefs ? this.documents(typeDefs, depth + 1) : [];
      }
      case "call":
        return this.callDocuments(value, depth);
      default:
        return [];
    }
  }

  private callDocuments(call: Extract<Sym, { k: "call" }>, depth: number): SdlDocument[] {
    const root = extRoot(call.callee);
    const name = root && extPath(root).path.at(-1);
    if (name && READ_FILE.has(name) && call.args[0]) {
      const file = this.pathOf(call.args[0], call.loc.file);
      return file ? this.fileDocuments([file]) : this.unreadable(call, "its path is not a literal bka can follow");
    }
    if (name && LOAD_FILES.has(name) && call.args[0]) {
      const patterns = this.index.resolve(call.args[0]);
      const items = patterns.k === "arr" ? patterns.items : [call.args[0]];
      const files = items.flatMap((item) => {
        const pattern = this.pathOf(item, call.loc.file);
        return pattern ? this.glob(pattern) : [];
      });
      return files.length ? this.fileDocuments(files) : this.unreadable(call, "no .graphql file matches its path");
    }
    // gql`…`, gql(…), mergeTypeDefs([...]), print(...), buildSchema(sdl): the SDL is in the arguments.
    return call.args.flatMap((arg) => this.documents(arg, depth + 1));
  }

  private unreadable(call: Extract<Sym, { k: "call" }>, why: string): SdlDocument[] {
    this.warnings.push(`${call.loc.file}:${call.loc.line}: GraphQL schema file not read: ${why}`);
    return [];
  }

  private literal(text: string): SdlDocument {
    return { text, segments: [{ start: 0, loc: this.textLocations.get(text) }] };
  }

  /** A template: literal parts keep their own locations, interpolated documents are inlined (as graphql-tag does). */
  private concatenated(parts: readonly Sym[], depth: number): SdlDocument {
    let text = "";
    const segments: Segment[] = [];
    for (const part of parts) {
      const pieces = part.k === "lit" ? (typeof part.value === "string" ? [this.literal(part.value)] : []) : this.documents(part, depth + 1);
      for (const piece of pieces) {
        for (const s of piece.segments) segments.push({ start: text.length + s.start, loc: s.loc });
        text += piece.text + "\n";
      }
    }
    return { text, segments };
  }

  private fileDocuments(files: readonly string[]): SdlDocument[] {
    return files.flatMap((file) => {
      const text = this.readSdlFile(file);
      return text === undefined ? [] : [{ text, segments: [{ start: 0, loc: { file, line: 1, column: 1 } }] }];
    });
  }

  /** A .graphql file under the root, read as text (never a symlink out of the root, never a huge file). */
  private readSdlFile(file: string): string | undefined {
    let outcome = this.fileCache.get(file);
    if (!outcome) {
      outcome = this.readInsideRoot(file);
      this.fileCache.set(file, outcome);
      if ("why" in outcome) this.warnings.push(`${file}: GraphQL schema file not read (${outcome.why})`);
    }
    return "text" in outcome ? outcome.text : undefined;
  }

  private readInsideRoot(file: string): { text: string } | { why: string } {
    if (!SDL_FILE.test(file)) return { why: "not a .graphql file" };
    try {
      const absolute = realpathSync(join(this.root, file));
      if (!insideRoot(this.root, absolute)) return { why: "outside the reviewed folder" };
      const stat = lstatSync(absolute);
      if (!stat.isFile()) return { why: "not a file" };
      if (stat.size > MAX_FILE_BYTES) return { why: `larger than ${MAX_FILE_BYTES / 1_000_000} MB` };
      return { text: readFileSync(absolute, "utf8") };
    } catch (error) {
      return { why: (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : "unreadable" };
    }
  }

  /**
   * A path expression as a root-relative path: `join(__dirname, "schema.graphql")`,
   * `new URL("./schema.graphql", import.meta.url)`, `dirname(fileURLToPath(import.meta.url))`,
   * `"./src/schema.graphql"` (relative to the package, where the process starts).
   */
  private pathOf(sym: Sym, fromFile: string, depth = 0): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const value = this.index.resolve(sym);
    const dir = posix.dirname(fromFile);
    const packageRoot = this.index.files.get(fromFile)?.packageRoot ?? ".";
    if (value.k === "lit") return typeof value.value === "string" ? underPackage(packageRoot, value.value) : undefined;
    if (value.k === "unknown") return value.text === "__dirname" ? dir : value.text === "__filename" ? fromFile : undefined;
    if (value.k === "member" && value.prop === "url" && value.obj.k === "unknown" && value.obj.text === "import.meta") return fromFile;
    if (value.k === "new" && value.callee.k === "ext" && value.callee.path.at(-1) === "URL" && value.args.length === 2) {
      const base = this.pathOf(value.args[1], fromFile, depth + 1);
      const rel = value.args[0] && this.index.resolve(value.args[0]);
      return base && rel?.k === "lit" && typeof rel.value === "string" ? posix.join(posix.dirname(base), rel.value) : undefined;
    }
    if (value.k !== "call") return undefined;
    const root = extRoot(value.callee);
    if (!root) return undefined;
    const { pkg, path } = extPath(root);
    const fn = path.at(-1);
    if (pkg === "global" && path.join(".") === "process.cwd") return packageRoot;
    if (packageName(pkg) === "url" && fn === "fileURLToPath" && value.args[0]) return this.pathOf(value.args[0], fromFile, depth + 1);
    if (packageName(pkg) !== "path") return undefined;
    if (fn === "dirname" && value.args[0]) {
      const inner = this.pathOf(value.args[0], fromFile, depth + 1);
      return inner === undefined ? undefined : posix.dirname(inner);
    }
    if (fn === "join" || fn === "resolve") {
      const [first, ...rest] = value.args;
      let path = first && this.pathOf(first, fromFile, depth + 1);
      for (const part of rest) {
        const text = this.index.resolve(part);
        if (path === undefined || text.k !== "lit" || typeof text.value !== "string") return undefined;
        path = posix.join(path, text.value);
      }
      return path;
    }
    return undefined;
  }

  /** Files under the root matching a root-relative pattern with `*` and `**`, sorted. */
  private glob(pattern: string): string[] {
    if (!pattern.includes("*")) return [pattern];
    const parts = pattern.split("/");
    const fixed = parts.slice(0, parts.findIndex((p) => p.includes("*"))).join("/") || ".";
    const matcher = globRegExp(pattern);
    const found: string[] = [];
    const visit = (dir: string, depth: number) => {
      if (depth > MAX_GLOB_DEPTH) return;
      let entries;
      try {
        entries = readdirSync(join(this.root, dir), { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const path = dir === "." ? entry.name : `${dir}/${entry.name}`;
        if (entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith(".")) visit(path, depth + 1);
        else if (entry.isFile() && SDL_FILE.test(entry.name) && matcher.test(path)) found.push(path);
      }
    };
    visit(posix.normalize(fixed), 0);
    return found.sort();
  }

  private addDocument(schema: Schema, doc: SdlDocument): void {
    let definitions: readonly DefinitionNode[];
    try {
      definitions = parse(doc.text).definitions;
    } catch (error) {
      const position = (error as { locations?: { line: number; column: number }[] }).locations?.[0];
      const at = position ? this.locate(doc, offsetOf(doc.text, position.line, position.column)) : undefined;
      const where = at ? `${at.file}:${at.line}` : (doc.segments.find((s) => s.loc)?.loc?.file ?? "GraphQL schema");
      this.warnings.push(`${where}: GraphQL syntax error (${(error as Error).message.split("\n")[0]}); its types were not read`);
      return;
    }
    for (const def of definitions) {
      if (def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) {
        for (const op of def.operationTypes ?? []) schema.roots[op.operation] = op.type.name.value;
      } else if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION || def.kind === Kind.INTERFACE_TYPE_DEFINITION) {
        const typeDirectives = this.directives(doc, def.directives ?? []);
        for (const field of def.fields ?? []) schema.fields.push(this.field(doc, def.name.value, field, typeDirectives));
      }
    }
  }

  private field(doc: SdlDocument, owner: string, field: FieldDefinitionNode, typeDirectives: FieldDef["directives"]): FieldDef {
    const location = field.name.loc ? this.locate(doc, field.name.loc.start) : undefined;
    return { owner, name: field.name.value, returns: typeRef(field.type), ...(location ? { location } : {}), directives: [...this.directives(doc, field.directives ?? []), ...typeDirectives] };
  }

  private directives(doc: SdlDocument, nodes: readonly DirectiveNode[]): FieldDef["directives"] {
    return nodes.map((d) => {
      const location = d.loc ? this.locate(doc, d.loc.start) : undefined;
      return { name: d.name.value, ...(location ? { location } : {}) };
    });
  }

  /** The source location of an offset in a document, through the segment it falls in. */
  private locate(doc: SdlDocument, offset: number): SourceLocation | undefined {
    const segment = [...doc.segments].reverse().find((s) => s.start <= offset);
    if (!segment?.loc) return undefined;
    const before = doc.text.slice(segment.start, offset);
    const newlines = before.split("\n").length - 1;
    const column = newlines === 0 ? segment.loc.column + before.length : before.length - before.lastIndexOf("\n");
    return { file: segment.loc.file, line: segment.loc.line + newlines, column };
  }
}

function typeRef(type: TypeNode): TypeRef {
  if (type.kind === Kind.NON_NULL_TYPE) return typeRef(type.type);
  if (type.kind === Kind.LIST_TYPE) return { named: typeRef(type.type).named, list: true };
  return { named: type.name.value, list: false };
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf("\n", offset) + 1;
  return offset + column - 1;
}

function underPackage(packageRoot: string, path: string): string | undefined {
  if (isAbsolute(path)) return undefined;
  return posix.normalize(packageRoot === "." ? path : `${packageRoot}/${path}`);
}

function insideRoot(root: string, absolute: string): boolean {
  const rel = relative(realpathSync(resolve(root)), absolute);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) && !rel.split(sep).includes("..");
}

function globRegExp(pattern: string): RegExp {
  const source = posix.normalize(pattern)
    .split("/")
    .map((part) => (part === "**" ? "(?:.*/)?" : part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]") + "/"))
    .join("")
    .replace(/\/$/, "");
  return new RegExp(`^${source.replace(/\(\?:\.\*\/\)\?$/, ".*")}$`);
}

// ---- code-first: type-graphql and @nestjs/graphql classes ----------------------------------

/** A decorator's name when it comes from a code-first GraphQL package (`ObjectType`, `Query`...). */
export function codeFirstName(decorator: DecoratorFact, index: ProjectIndex, packages: ReadonlySet<string> = CODE_FIRST_PACKAGES): string | undefined {
  const callee = index.resolve(decorator.callee);
  if (callee.k !== "ext" || !packages.has(callee.pkg)) return undefined;
  return callee.path.filter((p) => p !== "default").at(-1);
}

/** The GraphQL name of every `@ObjectType`/`@InterfaceType` class, by class id. */
export function objectTypeNames(index: ProjectIndex): Map<string, string> {
  const names = new Map<string, string>();
  for (const cls of index.classes.values()) {
    const decorator = cls.decorators.find((d) => ["ObjectType", "InterfaceType"].includes(codeFirstName(d, index) ?? ""));
    if (!decorator) continue;
    const explicit = decorator.args[0] && index.resolve(decorator.args[0]);
    names.set(cls.id, explicit?.k === "lit" && typeof explicit.value === "string" ? explicit.value : cls.name);
  }
  return names;
}

/** `() => [Article]`, `of => Article`, `Article`, `"Article"`: the type a decorator argument names. */
export function typeOfArg(sym: Sym | undefined, index: ProjectIndex, names: ReadonlyMap<string, string>): TypeRef | undefined {
  if (!sym) return undefined;
  const value = index.resolve(sym);
  if (value.k === "fn") {
    const returned = index.functions.get(value.id)?.returns[0];
    return returned ? typeRefOf(returned, index, names) : undefined;
  }
  return typeRefOf(value, index, names);
}

function typeRefOf(sym: Sym, index: ProjectIndex, names: ReadonlyMap<string, string>): TypeRef | undefined {
  const value = index.resolve(sym);
  if (value.k === "arr") {
    const item = value.items[0] && typeRefOf(value.items[0], index, names);
    return item && { named: item.named, list: true };
  }
  if (value.k === "class") return { named: names.get(value.id) ?? index.classes.get(value.id)?.name ?? "?", list: false };
  if (value.k === "ext") return { named: value.path.at(-1) ?? value.pkg, list: false };
  if (value.k === "lit" && typeof value.value === "string") return { named: value.value, list: false };
  return undefined;
}

/** Fields of code-first object types: `@Field(() => [Comment]) comments` or `@Field() author: User`. */
export function codeFirstFields(index: ProjectIndex, names: ReadonlyMap<string, string>): FieldDef[] {
  const fields: FieldDef[] = [];
  for (const [classId, owner] of names) {
    const cls = index.classes.get(classId)!;
    for (const property of cls.properties) {
      const field = property.decorators.find((d) => codeFirstName(d, index) === "Field");
      if (!field) continue;
      const returns = typeOfArg(field.args.find((a) => index.resolve(a).k === "fn"), index, names) ?? annotationType(property.type);
      fields.push({ owner, name: property.name, ...(returns ? { returns } : {}), location: property.loc, directives: [] });
    }
  }
  return fields;
}

/** `User`, `Comment[]`, `Array<Comment>` from a property's type annotation text. */
function annotationType(text: string | undefined): TypeRef | undefined {
  if (!text) return undefined;
  const list = /^(?:Array<\s*(\w+)\s*>|(\w+)\s*\[\s*\])$/.exec(text.trim());
  if (list) return { named: list[1] ?? list[2], list: true };
  const named = /^(\w+)$/.exec(text.trim());
  return named ? { named: named[1], list: false } : undefined;
}

/** Classes decorated `@Resolver` by a code-first package. */
export function resolverClasses(index: ProjectIndex, packages: ReadonlySet<string> = CODE_FIRST_PACKAGES): ClassFact[] {
  return [...index.classes.values()]
    .filter((cls) => cls.decorators.some((d) => codeFirstName(d, index, packages) === "Resolver"))
    .sort((a, b) => compareText(a.id, b.id));
}

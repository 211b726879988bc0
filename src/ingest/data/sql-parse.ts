// PostgreSQL's own parser (libpg-query, WASM) over a whole SQL file: statements with their byte
// offsets and lines, and short text for the expressions the model keeps (defaults, checks).
// A file with a syntax error is still read statement by statement, so one MySQL-only line does
// not hide the rest of a migration.
import { loadModule, parseSync, scanSync } from "libpg-query";

/** The parser's AST is plain JSON with node-type keys; it is read defensively. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PgNode = any;

// Loading the WASM module takes ~30 ms once per process; parsing is synchronous afterwards.
await loadModule();

export interface ParsedStatement {
  /** The node under its type key, e.g. { CreateStmt: {...} }. */
  node: PgNode;
  /** Byte offsets into the file (libpg-query counts UTF-8 bytes). */
  start: number;
  end: number;
}

export interface SqlSyntaxError {
  message: string;
  /** Byte offset of the error. */
  offset: number;
}

export interface ParsedSql {
  statements: ParsedStatement[];
  errors: SqlSyntaxError[];
}

const MAX_SALVAGED_CHUNKS = 2_000;

/** Parses a file; on a syntax error, parses each `;`-separated statement on its own and reports the bad ones. */
export function parseSqlFile(text: string): ParsedSql {
  const bytes = Buffer.from(text, "utf8");
  try {
    return { statements: statementsOf(parseSync(text), bytes), errors: [] };
  } catch (error) {
    return salvage(text, bytes, error);
  }
}

function statementsOf(result: PgNode, bytes: Buffer): ParsedStatement[] {
  return (result.stmts ?? []).map((raw: PgNode) => {
    const location: number = raw.stmt_location ?? 0;
    const length: number = raw.stmt_len ?? bytes.length - location;
    const start = skipSpaceAndComments(bytes, location, location + length);
    return { node: raw.stmt, start, end: trimEnd(bytes, start, location + length) };
  });
}

function salvage(text: string, bytes: Buffer, firstError: unknown): ParsedSql {
  // Without a ';' the only chunk is the whole text: no need to scan for the others.
  if (!text.includes(";") && !LONE_SURROGATE.test(text)) return { statements: [], errors: [syntaxError(firstError)] };
  let tokens: { start: number; end: number; text: string }[];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return { statements: [], errors: [syntaxError(firstError)] };
  }
  const statements: ParsedStatement[] = [];
  const errors: SqlSyntaxError[] = [];
  const chunks = chunkBounds(tokens, bytes.length).slice(0, MAX_SALVAGED_CHUNKS);
  // One chunk spanning the whole text would be parsed again unchanged and fail the same way
  // (most SQL fragments from code land here, or in the check above): skip that second parse.
  if (isWholeText(chunks, text, bytes)) return { statements: [], errors: [syntaxError(firstError)] };
  for (const [from, to] of chunks) {
    // Everything outside the chunk becomes blank, so offsets in the result stay file offsets.
    const masked = Buffer.alloc(bytes.length, 0x20);
    bytes.copy(masked, from, from, to);
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) masked[i] = 0x0a;
    try {
      statements.push(...statementsOf(parseSync(masked.toString("utf8")), masked));
    } catch (error) {
      errors.push(syntaxError(error, from));
    }
  }
  return { statements: statements.filter((s) => s.end > s.start), errors };
}

/**
 * Whether the only chunk is the whole text, so that its masked copy is the text itself: the
 * bytes decode back to the same string unless the text has lone surrogates (UTF-8 replaces them).
 */
function isWholeText(chunks: [number, number][], text: string, bytes: Buffer): boolean {
  return chunks.length === 1 && chunks[0][0] === 0 && chunks[0][1] === bytes.length && !LONE_SURROGATE.test(text);
}

// In Unicode mode a surrogate pair is one code point: only unpaired halves match.
const LONE_SURROGATE = /\p{Cs}/u;

/** [start, end) byte ranges between top-level semicolons (the scanner already knows strings and $$ bodies). */
function chunkBounds(tokens: { start: number; end: number; text: string }[], length: number): [number, number][] {
  const bounds: [number, number][] = [];
  let from = 0;
  for (const token of tokens) {
    if (token.text !== ";") continue;
    bounds.push([from, token.end]);
    from = token.end;
  }
  if (from < length) bounds.push([from, length]);
  return bounds;
}

function syntaxError(error: unknown, fallbackOffset = 0): SqlSyntaxError {
  const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  const message = details?.message ?? (error instanceof Error ? error.message : String(error));
  const offset = typeof details?.cursorPosition === "number" && details.cursorPosition >= 0 ? details.cursorPosition : fallbackOffset;
  return { message, offset };
}

function skipSpaceAndComments(bytes: Buffer, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const c = bytes[i];
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x2d && bytes[i + 1] === 0x2d) while (i < to && bytes[i] !== 0x0a) i++;
    else if (c === 0x2f && bytes[i + 1] === 0x2a) {
      const close = bytes.indexOf("*/", i + 2);
      i = close < 0 ? to : close + 2;
    } else break;
  }
  return i;
}

function trimEnd(bytes: Buffer, start: number, end: number): number {
  let e = Math.min(end, bytes.length);
  while (e > start && (bytes[e - 1] === 0x20 || bytes[e - 1] === 0x0a || bytes[e - 1] === 0x0d || bytes[e - 1] === 0x09 || bytes[e - 1] === 0x3b)) e--;
  return e;
}

/** Maps byte offsets of a file to 1-based lines and columns (columns in characters). */
export class ByteLines {
  private readonly starts: number[] = [0];
  constructor(private readonly bytes: Buffer) {
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) this.starts.push(i + 1);
  }

  static of(text: string): ByteLines {
    return new ByteLines(Buffer.from(text, "utf8"));
  }

  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const column = this.bytes.subarray(this.starts[lo], offset).toString("utf8").length + 1;
    return { line: lo + 1, column };
  }

  slice(start: number, end: number): string {
    return this.bytes.subarray(start, end).toString("utf8");
  }
}

// ---- names, types and expressions as text -------------------------------------------------------

/** The last part of a qualified name list: [pg_catalog, int4] → "int4". */
export function lastName(names: PgNode[] | undefined): string {
  const parts = (names ?? []).map((n: PgNode) => n.String?.sval).filter(Boolean);
  return parts[parts.length - 1] ?? "";
}

/** A list of String nodes as names: ["id", "email"]. */
export function nameList(list: PgNode[] | undefined): string[] {
  return (list ?? []).map((n: PgNode) => n.String?.sval).filter((s: unknown): s is string => typeof s === "string");
}

export interface TypeParts {
  name: string;
  modifiers: number[];
  arrayDimensions: number;
}

export function typeParts(typeName: PgNode): TypeParts {
  const modifiers = (typeName?.typmods ?? []).map((m: PgNode) => m.A_Const?.ival?.ival ?? 0);
  return { name: lastName(typeName?.names), modifiers, arrayDimensions: (typeName?.arrayBounds ?? []).length };
}

const SQL_VALUE_FUNCTIONS: Record<string, string> = {
  SVFOP_CURRENT_TIMESTAMP: "CURRENT_TIMESTAMP", SVFOP_CURRENT_TIMESTAMP_N: "CURRENT_TIMESTAMP",
  SVFOP_CURRENT_DATE: "CURRENT_DATE", SVFOP_CURRENT_TIME: "CURRENT_TIME", SVFOP_CURRENT_TIME_N: "CURRENT_TIME",
  SVFOP_LOCALTIMESTAMP: "LOCALTIMESTAMP", SVFOP_LOCALTIMESTAMP_N: "LOCALTIMESTAMP", SVFOP_LOCALTIME: "LOCALTIME",
  SVFOP_CURRENT_USER: "CURRENT_USER", SVFOP_SESSION_USER: "SESSION_USER", SVFOP_USER: "USER", SVFOP_CURRENT_ROLE: "CURRENT_ROLE",
};

const MAX_EXPRESSION_DEPTH = 12;

/** Short SQL text of an expression, enough to show a default or a check; "(expression)" when unknown. */
export function expressionText(node: PgNode, depth = 0): string {
  if (!node || depth > MAX_EXPRESSION_DEPTH) return "(expression)";
  const next = (n: PgNode) => expressionText(n, depth + 1);
  if (node.A_Const) return constantText(node.A_Const);
  if (node.TypeCast) return `${next(node.TypeCast.arg)}::${typeText(node.TypeCast.typeName)}`;
  if (node.FuncCall) {
    const f = node.FuncCall;
    const name = nameList(f.funcname).filter((n) => n !== "pg_catalog").join(".");
    return `${name}(${f.agg_star ? "*" : (f.args ?? []).map(next).join(", ")})`;
  }
  if (node.SQLValueFunction) return SQL_VALUE_FUNCTIONS[node.SQLValueFunction.op] ?? "(expression)";
  if (node.ColumnRef) return (node.ColumnRef.fields ?? []).map((f: PgNode) => (f.A_Star ? "*" : f.String?.sval)).join(".");
  if (node.ParamRef) return `$${node.ParamRef.number}`;
  if (node.A_Expr) return operatorText(node.A_Expr, next);
  if (node.BoolExpr) {
    const { boolop, args } = node.BoolExpr;
    const parts = (args ?? []).map((a: PgNode) => (a.BoolExpr ? `(${next(a)})` : next(a)));
    return boolop === "NOT_EXPR" ? `NOT ${parts[0]}` : parts.join(boolop === "OR_EXPR" ? " OR " : " AND ");
  }
  if (node.NullTest) return `${next(node.NullTest.arg)} IS ${node.NullTest.nulltesttype === "IS_NOT_NULL" ? "NOT " : ""}NULL`;
  if (node.List) return (node.List.items ?? []).map(next).join(", ");
  if (node.A_ArrayExpr) return `ARRAY[${(node.A_ArrayExpr.elements ?? []).map(next).join(", ")}]`;
  return "(expression)";
}

function operatorText(e: PgNode, next: (n: PgNode) => string): string {
  const op = nameList(e.name).join(" ");
  switch (e.kind) {
    case "AEXPR_OP":
      return e.lexpr ? `${next(e.lexpr)} ${op} ${next(e.rexpr)}` : `${op}${next(e.rexpr)}`;
    case "AEXPR_IN":
      return `${next(e.lexpr)} ${op === "<>" ? "NOT IN" : "IN"} (${next(e.rexpr)})`;
    case "AEXPR_LIKE":
      return `${next(e.lexpr)} ${op === "!~~" ? "NOT LIKE" : "LIKE"} ${next(e.rexpr)}`;
    case "AEXPR_BETWEEN":
      return `${next(e.lexpr)} BETWEEN ${(e.rexpr?.List?.items ?? []).map(next).join(" AND ")}`;
    default:
      return "(expression)";
  }
}

function constantText(c: PgNode): string {
  if (c.isnull) return "NULL";
  if (c.sval) return `'${String(c.sval.sval ?? "").replace(/'/g, "''")}'`;
  if (c.ival) return String(c.ival.ival ?? 0);
  if (c.fval) return String(c.fval.fval);
  if (c.boolval) return c.boolval.boolval ? "true" : "false";
  if (c.bsval) return String(c.bsval.bsval);
  return "NULL";
}

/** A type as written in SQL, for casts: "text", "character varying(20)". */
function typeText(typeName: PgNode): string {
  const { name, modifiers, arrayDimensions } = typeParts(typeName);
  return `${name}${modifiers.length ? `(${modifiers.join(",")})` : ""}${"[]".repeat(arrayDimensions)}`;
}

/** Whether `text` is one or more complete PostgreSQL statements. */
export function isParseableSql(text: string): boolean {
  try {
    return (parseSync(text).stmts ?? []).length > 0;
  } catch {
    return false;
  }
}

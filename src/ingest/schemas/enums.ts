// TypeScript enums are types and values at once; the symbolic values do not carry their members,
// so this extractor records them for schema conversion (`@IsEnum(Role)`, `z.nativeEnum(Role)`).
import type { Extractor } from "../js/analyzer.ts";
import type { FileFacts } from "../js/facts.ts";

export const ENUMS_KEY = "enums";

export interface EnumFact {
  /** `${file}:${line}:${column}`, the id an `export enum` gets as a value. */
  id: string;
  name: string;
  values: (string | number)[];
}

type Node = any;

export const schemaEnums: Extractor = {
  name: "schema-enums",
  visit: {
    TSEnumDeclaration(node: Node, ctx) {
      const { file, line, column } = ctx.loc(node);
      ctx.emit(ENUMS_KEY, { id: `${file}:${line}:${column}`, name: node.id?.name ?? "", values: memberValues(node.body?.members ?? node.members ?? []) } satisfies EnumFact);
    },
  },
};

/** String members keep their value; numeric ones count up from the last number, as TypeScript does. */
function memberValues(members: Node[]): (string | number)[] {
  const values: (string | number)[] = [];
  let next = 0;
  for (const m of members) {
    const init = m.initializer;
    if (init?.type === "Literal" && (typeof init.value === "string" || typeof init.value === "number")) {
      values.push(init.value);
      if (typeof init.value === "number") next = init.value + 1;
    } else if (!init) {
      values.push(next++);
    }
  }
  return values;
}

export function enumFacts(facts: FileFacts | undefined): EnumFact[] {
  return (facts?.extra[ENUMS_KEY] ?? []) as EnumFact[];
}

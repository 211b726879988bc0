// prisma-ast's CommonJS entry requires chevrotain, which is ESM-only; under tsx's require hook
// that fails. Its ESM build imports chevrotain properly and has the same API.
declare module "@mrleebo/prisma-ast/dist/prisma-ast.esm.js" {
  export * from "@mrleebo/prisma-ast";
}

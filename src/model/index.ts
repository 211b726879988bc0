export * from "./types.ts";
export * from "./finding.ts";

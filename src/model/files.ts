// What a file path says about the file, shared by extractors and rules (which may not import the
// ingest layer): whether it is test code, and which service it belongs to.
import type { Service } from "./types.ts";

/** Test, spec, fixture and end-to-end files and folders. */
const TEST_PATH = /(^|\/)(test|tests|__tests__|__mocks__|spec|specs|e2e|cypress|fixtures?)\/|\.(test|spec|e2e|cy)\.[cm]?[jt]sx?$/;

export function isTestFile(file: string): boolean {
  return TEST_PATH.test(file);
}

/** The service a file belongs to: the one with the longest root that contains it. */
export function serviceOfFile(services: readonly Service[], file: string): Service | undefined {
  let best: Service | undefined;
  for (const service of services) {
    const inside = service.root === "." || file === service.root || file.startsWith(`${service.root}/`);
    if (inside && (best === undefined || service.root.length > best.root.length)) best = service;
  }
  return best;
}

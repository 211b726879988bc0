// What a file path says about the file, shared by extractors and rules (which may not import the
// ingest layer): whether it is test code.

/** Test, spec, fixture and end-to-end files and folders. */
const TEST_PATH = /(^|\/)(test|tests|__tests__|__mocks__|spec|specs|e2e|cypress|fixtures?)\/|\.(test|spec|e2e|cy)\.[cm]?[jt]sx?$/;

export function isTestFile(file: string): boolean {
  return TEST_PATH.test(file);
}

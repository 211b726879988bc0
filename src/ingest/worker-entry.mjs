// Worker bootstrap in plain JavaScript: the sources are TypeScript, so register tsx in this
// thread before loading the analysis code (the main thread's loader is not inherited when bka
// was started through bin/bka.js).
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");

#!/usr/bin/env node
// bka ships its TypeScript sources; tsx compiles them as they load, so there is no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main();

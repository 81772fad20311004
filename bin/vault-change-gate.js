#!/usr/bin/env node
// The CLI is bundled into one file (dist/cli.bundle.js): a git hook starts it on every push, and loading one
// module is several times faster than loading the few hundred that make it up.
import { main } from '../dist/cli.bundle.js';

process.exitCode = await main(process.argv.slice(2));

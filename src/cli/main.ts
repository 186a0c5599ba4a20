// The `parley` command's entry point (bin/parley.mjs loads it, compiled or from source): the real
// process's arguments and I/O into runCli, its status out. Nothing else happens at the edge.
import { processIo } from './io.ts';
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv.slice(2), processIo());

import { runCli } from './main';

// The process entry of `patchbay`: exit with the command's code once output is written.
process.exitCode = await runCli(process.argv.slice(2));

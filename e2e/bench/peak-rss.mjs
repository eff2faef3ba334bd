// Loaded with `node --import` into a measured process: on exit, writes the process's peak resident set
// (KiB, as getrusage reports it) to the file named by PATCHBAY_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env['PATCHBAY_BENCH_RSS_FILE'];
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));

import { audit, type Finding, type FindingKind } from '../../../shared/engine/audit';
import { deriveMatrix } from '../../../shared/engine/matrix';
import type { CliOptions, FailOn } from '../args';
import type { CliIo } from '../io';
import { annotateFindings, formatFindings } from '../output';
import { writeOutFile } from '../out-file';
import type { CliRuntime } from '../runtime';
import { EXIT, requireSolution, resolveEnvironments, scanForReport } from './common';

/** `--fail-on` words → finding kinds. */
const failKinds: Record<FailOn, FindingKind[]> = {
  unwired: ['unwired'],
  dangling: ['dangling'],
  broken: ['broken'],
  'owner-disabled': ['owner-disabled'],
  'not-shared': ['not-shared-with-spn'],
  off: ['flow-off', 'flow-blocked'],
  blocked: ['flow-blocked'],
  suspended: ['flow-suspended'],
  'env-var-missing': ['env-var-missing'],
};

export function matchesFailOn(findings: readonly Finding[], failOn: readonly FailOn[]): Finding[] {
  const kinds = new Set(failOn.flatMap((k) => failKinds[k]));
  return findings.filter((f) => kinds.has(f.kind));
}

/**
 * `patchbay audit`: findings across environments, as a table, JSON, CSV, JUnit or an HTML report. Exit 3
 * when findings match --fail-on; else 1 when an environment could not be scanned (its findings are
 * unknown, so the gate must not pass); else 0.
 */
export async function auditCommand(runtime: CliRuntime, o: CliOptions, io: CliIo): Promise<number> {
  const solution = requireSolution(o);
  const environments = resolveEnvironments(await runtime.environments(), o.env, false);
  const { snapshots, unscanned } = await scanForReport(runtime, environments, solution, io);
  const matrix = deriveMatrix(snapshots, { identity: o.as });
  const findings = audit(snapshots, { identity: o.as }, matrix);
  const text = formatFindings(o.format, findings, { solution, matrix, account: runtime.label, identity: o.as, generatedAt: new Date() });
  if (o.out) {
    writeOutFile(o.out, text, 'the audit');
    io.err(`Wrote ${findings.length} finding(s) to ${o.out}.`);
  } else io.out(text);
  for (const line of annotateFindings(findings, io.env)) io.out(line);
  const matched = matchesFailOn(findings, o.failOn);
  if (matched.length) {
    io.err(`${matched.length} finding(s) match --fail-on ${o.failOn.join(',')}.`);
    return EXIT.findings;
  }
  if (unscanned.length) {
    io.err(`The audit is incomplete: ${unscanned.map((f) => f.environment.displayName).join(', ')} could not be scanned.`);
    return EXIT.stepsFailed;
  }
  return EXIT.ok;
}

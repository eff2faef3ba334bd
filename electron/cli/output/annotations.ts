import { describeBlocker, type Finding } from '../../../shared/engine/audit';
import type { Plan, PlanStep } from '../../../shared/engine/plan';
import { FINDING_KIND_LABEL } from '../../../shared/report/words';
import type { RunResult } from '../../engine/apply/types';
import { redactText } from '../../log/redact';
import { environmentNamer, targetWords } from './names';

/**
 * CI annotations: errors and warnings a pipeline shows on its run page. Azure DevOps (`TF_BUILD` set)
 * reads `##vso[task.logissue …]` logging commands, GitHub Actions (`GITHUB_ACTIONS=true`) reads
 * `::error …::` workflow commands. Each is one line, escaped as its runner decodes it, so a newline or
 * separator in a message can never end the command early or start another. Messages are redacted.
 */

export type CiSystem = 'azure-devops' | 'github-actions';
export type AnnotationLevel = 'error' | 'warning';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  /** A file the annotation points at (a settings file, a plan). */
  file?: string;
  line?: number;
  column?: number;
  /** Azure DevOps issue code (the finding kind). */
  code?: string;
}

/** Which CI runs us, from the environment passed in (`process.env` at the CLI's edge). */
export function detectCi(env: Readonly<Record<string, string | undefined>>): CiSystem | null {
  if (env['TF_BUILD'] !== undefined && env['TF_BUILD'] !== '') return 'azure-devops';
  if (env['GITHUB_ACTIONS'] === 'true') return 'github-actions';
  return null;
}

/** GitHub workflow-command data (the message). */
export const escapeGitHubData = (value: string): string => value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** GitHub workflow-command property values (title, file): data escaping, plus `:` and `,`. */
export const escapeGitHubProperty = (value: string): string => escapeGitHubData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Azure DevOps logging-command data (the message). */
export const escapeAzureData = (value: string): string => value.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** Azure DevOps logging-command property values: data escaping, plus `]` and `;`. */
export const escapeAzureProperty = (value: string): string => escapeAzureData(value).replace(/]/g, '%5D').replace(/;/g, '%3B');

/** One annotation as the command line of `ci` (no trailing newline). */
export function formatAnnotation(ci: CiSystem, annotation: Annotation): string {
  const message = redactText(annotation.message);
  const title = annotation.title === undefined ? undefined : redactText(annotation.title);
  if (ci === 'github-actions') {
    const props: [string, string | number | undefined][] = [
      ['title', title],
      ['file', annotation.file],
      ['line', annotation.line],
      ['col', annotation.column],
    ];
    const list = props.filter((p): p is [string, string | number] => p[1] !== undefined).map(([k, v]) => `${k}=${escapeGitHubProperty(String(v))}`);
    return `::${annotation.level}${list.length ? ` ${list.join(',')}` : ''}::${escapeGitHubData(message)}`;
  }
  // Azure DevOps has no title: it leads the message.
  const props: [string, string | number | undefined][] = [
    ['type', annotation.level],
    ['sourcepath', annotation.file],
    ['linenumber', annotation.line],
    ['columnnumber', annotation.column],
    ['code', annotation.code],
  ];
  const list = props.filter((p): p is [string, string | number] => p[1] !== undefined).map(([k, v]) => `${k}=${escapeAzureProperty(String(v))};`);
  return `##vso[task.logissue ${list.join('')}]${escapeAzureData(title === undefined ? message : `${title}: ${message}`)}`;
}

export type AzureTaskResult = 'Succeeded' | 'SucceededWithIssues' | 'Failed';

/** `##vso[task.complete result=SucceededWithIssues;]message`: sets the step's result in Azure DevOps. */
export function azureTaskComplete(result: AzureTaskResult, message = ''): string {
  return `##vso[task.complete result=${result};]${escapeAzureData(redactText(message))}`;
}

/** The annotation for a finding: errors and warnings only (info stays in the report). */
export function findingAnnotation(finding: Finding, file?: string): Annotation | null {
  if (finding.severity === 'info') return null;
  return {
    level: finding.severity,
    title: `${FINDING_KIND_LABEL[finding.kind]} in ${finding.environmentName}`,
    message: finding.fix ? `${finding.message} Fix: ${finding.fix}` : finding.message,
    code: finding.kind,
    ...(file === undefined ? {} : { file }),
  };
}

/** GitHub shows at most 10 errors and 10 warnings per step; past this many, one line says how many more. */
export const DEFAULT_MAX_ANNOTATIONS = 50;

function capped(ci: CiSystem, annotations: readonly Annotation[], max: number): string[] {
  const lines = annotations.slice(0, max).map((a) => formatAnnotation(ci, a));
  const rest = annotations.slice(max);
  if (rest.length) {
    const level: AnnotationLevel = rest.some((a) => a.level === 'error') ? 'error' : 'warning';
    lines.push(formatAnnotation(ci, { level, title: 'More issues', message: `${rest.length} more not shown here: see the log or the report.` }));
  }
  return lines;
}

export interface AnnotateOptions {
  /** A file every annotation points at (a settings file, a plan file). */
  file?: string;
  max?: number;
}

/** Annotation lines for the audit's errors and warnings, when `env` says we run in a CI (else none). */
export function annotateFindings(findings: readonly Finding[], env: Readonly<Record<string, string | undefined>>, options: AnnotateOptions = {}): string[] {
  const ci = detectCi(env);
  if (ci === null) return [];
  const annotations = findings.map((f) => findingAnnotation(f, options.file)).filter((a): a is Annotation => a !== null);
  return capped(ci, annotations, options.max ?? DEFAULT_MAX_ANNOTATIONS);
}

/**
 * Annotation lines for a run: an error per failed or conflicting step and per step preflight kept from
 * running, a warning when the run was cancelled. None outside CI.
 */
export function annotateRun(
  result: RunResult,
  notRun: readonly PlanStep[],
  env: Readonly<Record<string, string | undefined>>,
  options: AnnotateOptions & { plan?: Pick<Plan, 'environments'> } = {},
): string[] {
  const ci = detectCi(env);
  if (ci === null) return [];
  const file = options.file === undefined ? {} : { file: options.file };
  const environmentName = environmentNamer(options.plan?.environments ?? []);
  const annotations: Annotation[] = [];
  for (const r of result.steps) {
    if (r.status !== 'failed' && r.status !== 'conflict') continue;
    const why = r.error?.message ?? r.reason ?? (r.status === 'failed' ? 'it failed' : 'it was changed by someone else since the plan was made');
    annotations.push({ level: 'error', title: `${r.status === 'failed' ? 'Failed' : 'Conflict'}: ${r.label}`, message: why, code: `step-${r.status}`, ...file });
  }
  for (const s of notRun) {
    const blockers = s.verdict.blockers.map((b) => describeBlocker(b));
    annotations.push({
      level: 'error',
      title: `Not run: ${s.kind} ${targetWords(s)} in ${environmentName(s.environmentId)}`,
      message: blockers.length ? `Preflight refused it: ${blockers.join('; ')}.` : 'Not run: it depends on a step preflight refused.',
      code: 'step-not-run',
      ...file,
    });
  }
  if (result.cancelled) {
    annotations.push({ level: 'warning', title: 'Run cancelled', message: `Run ${result.runId} was cancelled before every step ran (${result.summary.cancelled} cancelled).`, ...file });
  }
  return capped(ci, annotations, options.max ?? DEFAULT_MAX_ANNOTATIONS);
}

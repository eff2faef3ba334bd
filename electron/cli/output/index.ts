/** What the CLI prints: tables, progress, CI annotations, audit exports, plans, runs, the matrix. */
export { annotateFindings, annotateRun, azureTaskComplete, detectCi, escapeAzureData, escapeAzureProperty, escapeGitHubData, escapeGitHubProperty, findingAnnotation, formatAnnotation, DEFAULT_MAX_ANNOTATIONS, type AnnotateOptions, type Annotation, type AnnotationLevel, type AzureTaskResult, type CiSystem } from './annotations';
export { AUDIT_CSV_HEADER, AUDIT_FORMATS, auditEnvironments, auditToCsv, auditToJson, auditToJunit, auditToTable, formatAudit, formatFindings, type AuditEnvironment, type AuditExportInput, type AuditFormat, type AuditFormatOptions, type FindingsContext } from './audit-formats';
export { colorEnabled, paint, type Color } from './color';
export { csvCell, toCsv } from './csv';
export { ciSafeJson } from './json';
export { formatMatrix, type MatrixFormatOptions } from './matrix-format';
export { changeWords, environmentNamer, identityWords, namesFromSnapshots, planNames, principalWords, targetWords, type NameLookup } from './names';
export { fixWords, formatPlan, planSummary, verdictLines, VERDICT_SYMBOL, type PlanFormatOptions } from './plan-format';
export { createProgress, formatDuration, progressLine, type ProgressLineInput, type ProgressOptions, type ProgressReporter, type ProgressStream } from './progress';
export { formatRun, reportRunFromResult, runJson, runOutcome, runSummaryLine, type RunFormatOptions, type RunJson, type RunOutcome } from './run-format';
export { STATUS_SYMBOL, stepLine, whyLines, type StepLineContext } from './step-line';
export { DEFAULT_MAX_WIDTH, renderColumns, renderTable, type Column, type SimpleTableOptions, type TableOptions } from './table';
export { cleanLines, cleanText, displayWidth, ELLIPSIS, pad, truncate } from './text';
export { escapeXmlAttribute, escapeXmlText } from './xml';

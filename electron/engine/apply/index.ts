/** Apply, journal, resume and undo (design §6): the engine's write side. */
export { applyPlan, newRunId, DEFAULT_CONCURRENCY, type ApplyOptions, type ExecutionOptions } from './apply';
export { ApplyError } from './apply-error';
export { explainError } from './explain';
export { openJournal, JournalError, type Journal, type JournalOptions, type JournalRun, type RunWriter } from './journal';
export { JOURNAL_VERSION, parseJournalText, type JournalRecord } from './records';
export { findIncompleteRuns, resumeRun } from './resume';
export { foldRun, type RunListing, type RunState, type RunStatus } from './run-state';
export { planUndo, type UndoOptions } from './undo';
export { validatePlan } from './validate-plan';
export type { ProgressCounts, ProgressEvent, RetryOptions, RunResult, RunSummary, StepError, StepResult, StepStatus, Who } from './types';

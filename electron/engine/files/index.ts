/** Settings files and solution files: the engine's file formats (design §6). */

export { formatIssue, type FileIssue, type Position } from './positions';
export {
  CONNECTOR_ID_PREFIX,
  exportSettings,
  parseSettingsFile,
  serializeSettings,
  type DeploymentSettings,
  type ParsedConnectionReference,
  type ParsedEnvironmentVariable,
  type ParsedSettings,
  type SettingsConnectionReference,
  type SettingsEnvironmentVariable,
  type SettingsExport,
  type SettingsIssue,
  type SettingsIssueCode,
  type SettingsParseResult,
} from './settings';
export {
  environmentVariableValueProblem,
  intentFromSettings,
  validateSettingsAgainst,
  type SettingsIntent,
  type SettingsValidation,
  type SettingsValidationOptions,
} from './settings-validate';
export { diffSettings, type ReferenceDrift, type ReferenceDriftKind, type SettingsDiff, type VariableDrift, type VariableDriftKind } from './settings-diff';
export { openSolutionSource, type SolutionIssue, type SolutionIssueCode } from './solution-archive';
export {
  parseSolutionFiles,
  readSolution,
  type SolutionConnectionReference,
  type SolutionEnvironmentVariable,
  type SolutionFlow,
  type SolutionPackage,
  type SolutionReadResult,
} from './solution';
export {
  compareVersions,
  previewImport,
  type ConnectorGap,
  type FlowPreview,
  type ImportPreview,
  type PreviewCandidate,
  type ReferencePreview,
  type ReferenceReadiness,
  type VariablePreview,
} from './preview-import';

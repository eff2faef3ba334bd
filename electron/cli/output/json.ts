/**
 * JSON for stdout in a pipeline: `JSON.stringify`, with `##vso[` written as `\u0023#vso[` inside strings —
 * the same value for any JSON parser, but no logging command for an Azure DevOps agent that reads every
 * line the CLI prints (a flow named `##vso[task.setvariable …]` would otherwise run). Line-start `::`
 * cannot occur: JSON strings hold no raw line breaks.
 */
export function ciSafeJson(value: unknown, indent = 2): string {
  // `#` only occurs inside JSON strings, so the escape is always inside one.
  return JSON.stringify(value, null, indent).replace(/#(?=#(?:vso)?\[)/gi, '\\u0023');
}

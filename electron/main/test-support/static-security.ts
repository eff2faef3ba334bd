import ts from 'typescript';

/**
 * A static security check of the main process and preload sources, in the spirit of electronegativity
 * (style anchors §5) but run by vitest in `npm test`, offline, on the TypeScript compiler's own AST,
 * and covering what that scanner cannot (a raw ipcRenderer escaping the preload, IPC registered
 * outside the sender-checked registrar, openExternal outside its allowlisted helper, the CSP's
 * content). Test support only: never bundled.
 *
 * Each finding names a rule; rules are listed in `RULES` with the checklist item they stand for.
 */

export interface Source {
  /** Repository-relative path with forward slashes, e.g. `electron/main/window.ts`. */
  path: string;
  text: string;
}

export interface Finding {
  rule: RuleId;
  path: string;
  line: number;
  message: string;
}

export const RULES = {
  'window-preferences': 'Checklists 2–4, 6, 8, 9, 11: every window is created with literal, written-out safe webPreferences',
  'single-window': 'Style anchors §6.5: exactly one `new BrowserWindow`, in electron/main/window.ts',
  'dangerous-preference': 'Checklists 2–4, 6, 8–10: no preference anywhere turns a protection off',
  'remote-module': 'No enableRemoteModule and no @electron/remote',
  'open-external': 'Checklist 15: shell.openExternal only inside the allowlisted helper',
  'dynamic-injection': 'insertCSS / executeJavaScript only with literal code',
  'dangerous-function': 'No eval or new Function',
  'tls-override': 'No certificate-error handler, certificate verify proc or TLS-weakening switch',
  'file-protocol': 'Checklist 18: the renderer is never loaded from file://',
  'ipc-registration': 'Checklist 17: IPC is registered only in the sender-checked registrar, and only with handle()',
  'ipc-exposure': 'Checklist 20: the preload never exposes ipcRenderer or a generic send',
  'missing-handler': 'Checklists 4, 5, 12–14, 18: each global security handler is installed',
  'csp': 'Checklist 7: a strict Content-Security-Policy is served with the renderer',
} as const;

export type RuleId = keyof typeof RULES;

export interface Options {
  windowFile: string;
  openExternalFile: string;
  ipcFile: string;
  cspFile: string;
  /** Files whose code runs in the preload. */
  isPreload(path: string): boolean;
}

export const defaultOptions: Options = {
  windowFile: 'electron/main/window.ts',
  openExternalFile: 'electron/main/open-external.ts',
  ipcFile: 'electron/main/ipc.ts',
  cspFile: 'electron/main/app-protocol.ts',
  isPreload: (path) => path.startsWith('electron/preload/'),
};

/** The written-out values every window must have. */
const requiredPreferences: Readonly<Record<string, boolean>> = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
};

/** A property with this name and this literal value is dangerous wherever it appears. */
const dangerousValues: Readonly<Record<string, boolean>> = {
  nodeIntegration: true,
  nodeIntegrationInWorker: true,
  nodeIntegrationInSubFrames: true,
  contextIsolation: false,
  sandbox: false,
  webSecurity: false,
  allowRunningInsecureContent: true,
  experimentalFeatures: true,
  webviewTag: true,
  enableWebSQL: true,
};

const windowClasses = new Set(['BrowserWindow', 'BrowserView', 'WebContentsView']);
const tlsSwitches = new Set(['ignore-certificate-errors', 'ignore-certificate-errors-spki-list', 'allow-insecure-localhost', 'disable-web-security', 'remote-debugging-port', 'remote-debugging-pipe', 'no-sandbox', 'disable-site-isolation-trials']);
const allowedIpcRendererMethods = new Set(['invoke', 'on', 'removeListener', 'off']);

const propertyName = (name: ts.PropertyName | ts.MemberName): string | null =>
  ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name) || ts.isPrivateIdentifier(name) ? name.text : null;

const booleanLiteral = (node: ts.Expression): boolean | null => (node.kind === ts.SyntaxKind.TrueKeyword ? true : node.kind === ts.SyntaxKind.FalseKeyword ? false : null);

const isStringLiteralLike = (node: ts.Node | undefined): boolean => node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node));

/** The callee's final name: `a.b.c(...)` → `c`, `f(...)` → `f`. */
function calleeName(call: ts.CallExpression): string | null {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return null;
}

function receiverName(call: ts.CallExpression): string | null {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression.text : null;
}

/** Statically evaluates a string built from literals: `'a'`, `` `a` ``, `'a' + 'b'`, `['a', 'b'].join('; ')`. */
export function evaluateString(node: ts.Expression): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return evaluateString(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = evaluateString(node.left);
    const right = evaluateString(node.right);
    return left === null || right === null ? null : left + right;
  }
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'join' && ts.isArrayLiteralExpression(node.expression.expression)) {
    const separatorNode = node.arguments[0];
    const separator = separatorNode === undefined ? ',' : evaluateString(separatorNode);
    const parts = node.expression.expression.elements.map((e) => evaluateString(e));
    if (separator === null || parts.some((p) => p === null)) return null;
    return parts.join(separator);
  }
  return null;
}

/** Problems with a CSP string; empty when it is strict enough. */
export function cspProblems(csp: string): string[] {
  const directives = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  const problems: string[] = [];
  const expectExactly = (name: string, value: string): void => {
    const values = directives.get(name);
    if (!values || values.length !== 1 || values[0] !== value) problems.push(`${name} must be ${value}`);
  };
  expectExactly('default-src', "'self'");
  expectExactly('object-src', "'none'");
  expectExactly('base-uri', "'none'");
  expectExactly('frame-ancestors', "'none'");
  const scriptSrc = directives.get('script-src') ?? directives.get('default-src') ?? [];
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", '*', 'data:', 'blob:', 'http:', 'https:']) {
    if (scriptSrc.includes(bad)) problems.push(`script-src must not allow ${bad}`);
  }
  for (const [name, values] of directives) {
    if (values.some((v) => v === '*' || /^(https?|wss?):/i.test(v))) problems.push(`${name} must not allow remote sources (${values.join(' ')})`);
  }
  return problems;
}

interface FileFacts {
  windows: number;
  calls: Set<string>;
  eventNames: Set<string>;
  cspValues: string[];
  cspHeaderFound: boolean;
}

function analyzeFile(source: Source, options: Options, findings: Finding[]): FileFacts {
  const file = ts.createSourceFile(source.path, source.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const facts: FileFacts = { windows: 0, calls: new Set(), eventNames: new Set(), cspValues: [], cspHeaderFound: false };
  const preload = options.isPreload(source.path);
  const report = (rule: RuleId, node: ts.Node, message: string): void => {
    findings.push({ rule, path: source.path, line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, message });
  };

  const checkWindowOptions = (node: ts.NewExpression, className: string): void => {
    facts.windows += 1;
    const arg = node.arguments?.[0];
    if (!arg || !ts.isObjectLiteralExpression(arg)) {
      report('window-preferences', node, `new ${className} needs an object literal with webPreferences written out`);
      return;
    }
    const prefsProperty = arg.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyName(p.name) === 'webPreferences');
    if (!prefsProperty || !ts.isObjectLiteralExpression(prefsProperty.initializer)) {
      report('window-preferences', node, `new ${className} needs webPreferences as an object literal`);
      return;
    }
    const prefs = prefsProperty.initializer;
    if (prefs.properties.some((p) => ts.isSpreadAssignment(p))) report('window-preferences', prefs, 'webPreferences must not spread options from elsewhere');
    const written = new Map<string, ts.Expression>();
    for (const p of prefs.properties) {
      if (ts.isPropertyAssignment(p)) {
        const name = propertyName(p.name);
        if (name) written.set(name, p.initializer);
      } else if (ts.isShorthandPropertyAssignment(p)) {
        written.set(p.name.text, p.name);
      }
    }
    for (const [name, value] of Object.entries(requiredPreferences)) {
      const expression = written.get(name);
      if (!expression) report('window-preferences', prefs, `webPreferences.${name} must be written out as ${value}`);
      else if (booleanLiteral(expression) !== value) report('window-preferences', expression, `webPreferences.${name} must be the literal ${value}`);
    }
    if (!written.has('preload')) report('window-preferences', prefs, 'webPreferences.preload must be set (the bridge is the only way to main)');
    if (written.has('enableBlinkFeatures')) report('dangerous-preference', prefs, 'enableBlinkFeatures must not be used');
  };

  const checkExposure = (call: ts.CallExpression): void => {
    const exposed = call.arguments[1];
    if (exposed && ts.isIdentifier(exposed) && exposed.text === 'ipcRenderer') report('ipc-exposure', exposed, 'ipcRenderer itself is exposed to the page');
    if (!isStringLiteralLike(call.arguments[0])) report('ipc-exposure', call, 'exposeInMainWorld needs a literal key');
  };

  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node)) {
      const name = ts.isIdentifier(node.expression) ? node.expression.text : ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : null;
      if (name && windowClasses.has(name)) checkWindowOptions(node, name);
      if (name === 'Function') report('dangerous-function', node, 'new Function evaluates strings as code');
    }

    if (ts.isPropertyAssignment(node)) {
      const name = propertyName(node.name);
      const value = booleanLiteral(node.initializer);
      if (name !== null && name in dangerousValues && value === dangerousValues[name]) report('dangerous-preference', node, `${name}: ${String(value)} turns a protection off`);
      if (name === 'enableBlinkFeatures') report('dangerous-preference', node, 'enableBlinkFeatures must not be used');
      if (name === 'Content-Security-Policy') facts.cspHeaderFound = true;
    }

    if ((ts.isIdentifier(node) || ts.isStringLiteral(node)) && node.text === 'enableRemoteModule') report('remote-module', node, 'enableRemoteModule is gone and must not come back');
    if (ts.isStringLiteral(node) && node.text === 'allowpopups') report('dangerous-preference', node, 'allowpopups must not be set on any webview');
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && /^(@electron\/remote|electron\/remote)/.test(node.moduleSpecifier.text)) {
      report('remote-module', node, 'the remote module hands main-process objects to a renderer');
    }

    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (/^file:\/\//i.test(node.text)) report('file-protocol', node, 'the renderer is served from app://, not file://');
    }

    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'CONTENT_SECURITY_POLICY' && node.initializer) {
      const csp = evaluateString(node.initializer);
      if (csp === null) report('csp', node, 'CONTENT_SECURITY_POLICY must be built from literals only');
      else facts.cspValues.push(csp);
    }

    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      const receiver = receiverName(node);
      if (name) facts.calls.add(name);
      const first = node.arguments[0];
      if (name && ['on', 'once', 'addListener', 'prependListener'].includes(name) && first && isStringLiteralLike(first)) facts.eventNames.add((first as ts.StringLiteral).text);

      if (name === 'openExternal' && source.path !== options.openExternalFile) report('open-external', node, `shell.openExternal is called outside ${options.openExternalFile}`);
      if (name && ['insertCSS', 'executeJavaScript', 'executeJavaScriptInIsolatedWorld'].includes(name) && !isStringLiteralLike(name === 'executeJavaScriptInIsolatedWorld' ? node.arguments[1] : first)) {
        report('dynamic-injection', node, `${name} must be given literal code`);
      }
      if (name === 'eval' && ts.isIdentifier(node.expression)) report('dangerous-function', node, 'eval evaluates strings as code');
      if (name === 'setCertificateVerifyProc') report('tls-override', node, 'a certificate verify proc overrides TLS validation');
      if (name && ['on', 'once', 'addListener'].includes(name) && first && isStringLiteralLike(first) && (first as ts.StringLiteral).text === 'certificate-error') {
        report('tls-override', node, 'a certificate-error handler can accept bad certificates');
      }
      if ((name === 'appendSwitch' || name === 'appendArgument') && first && isStringLiteralLike(first) && tlsSwitches.has((first as ts.StringLiteral).text.replace(/^--/, ''))) {
        report('tls-override', node, `the ${(first as ts.StringLiteral).text} switch weakens Chromium's protections`);
      }
      if (name === 'loadFile') report('file-protocol', node, 'loadFile serves the renderer from file://; use app://renderer');
      if (receiver === 'ipcMain') {
        if (name === 'handle' || name === 'handleOnce') {
          if (source.path !== options.ipcFile) report('ipc-registration', node, `ipcMain.${name} outside ${options.ipcFile} skips the sender check`);
        } else if (name === 'on' || name === 'once' || name === 'addListener') {
          report('ipc-registration', node, `ipcMain.${name}: one-way messages bypass the contract; use handle in ${options.ipcFile}`);
        }
      }
      if (name === 'exposeInMainWorld' || name === 'exposeInIsolatedWorld') {
        if (!preload) report('ipc-exposure', node, `${name} belongs in the preload`);
        checkExposure(node);
      }
    }

    // In the preload, `ipcRenderer` may only be the receiver of an allowlisted method call.
    if (preload && ts.isIdentifier(node) && node.text === 'ipcRenderer') {
      const parent = node.parent;
      const isImport = ts.isImportSpecifier(parent);
      const isTypeName = ts.isTypeReferenceNode(parent) || ts.isQualifiedName(parent);
      const methodCall = ts.isPropertyAccessExpression(parent) && parent.expression === node && ts.isCallExpression(parent.parent) && parent.parent.expression === parent ? parent : null;
      if (methodCall && !allowedIpcRendererMethods.has(methodCall.name.text)) {
        report('ipc-exposure', methodCall, `ipcRenderer.${methodCall.name.text} is not part of the bridge (invoke, on, removeListener only)`);
      } else if (!isImport && !isTypeName && !methodCall) {
        report('ipc-exposure', node, 'ipcRenderer escapes as a value (it could reach the page)');
      }
    }

    ts.forEachChild(node, visit);
  };
  visit(file);
  return facts;
}

/** Runs every rule over `sources` (main and preload files, tests excluded). */
export function analyze(sources: readonly Source[], options: Options = defaultOptions): Finding[] {
  const findings: Finding[] = [];
  const all: Array<{ path: string; facts: FileFacts }> = sources.map((s) => ({ path: s.path, facts: analyzeFile(s, options, findings) }));

  const windowFiles = all.filter((f) => f.facts.windows > 0);
  const windowCount = windowFiles.reduce((n, f) => n + f.facts.windows, 0);
  if (windowCount !== 1 || windowFiles[0]?.path !== options.windowFile) {
    findings.push({ rule: 'single-window', path: windowFiles.map((f) => f.path).join(', ') || '(none)', line: 0, message: `expected exactly one new BrowserWindow, in ${options.windowFile}; found ${windowCount}` });
  }

  const calls = new Set(all.flatMap((f) => [...f.facts.calls]));
  const events = new Set(all.flatMap((f) => [...f.facts.eventNames]));
  const requireCall = (name: string, why: string): void => {
    if (!calls.has(name)) findings.push({ rule: 'missing-handler', path: '(all)', line: 0, message: `${name}() is never called: ${why}` });
  };
  const requireEvent = (name: string, why: string): void => {
    if (!events.has(name)) findings.push({ rule: 'missing-handler', path: '(all)', line: 0, message: `no '${name}' listener: ${why}` });
  };
  requireCall('enableSandbox', 'checklist 4');
  requireCall('setPermissionRequestHandler', 'checklist 5');
  requireCall('setPermissionCheckHandler', 'checklist 5');
  requireCall('setWindowOpenHandler', 'checklist 14');
  requireCall('registerSchemesAsPrivileged', 'checklist 18 (app:// scheme)');
  requireCall('requestSingleInstanceLock', 'one instance owns the token caches and the journal');
  requireEvent('will-navigate', 'checklist 13');
  requireEvent('will-attach-webview', 'checklist 12');
  requireEvent('web-contents-created', 'hardening must reach every WebContents');

  const csp = all.find((f) => f.path === options.cspFile)?.facts;
  if (!csp || csp.cspValues.length === 0) {
    findings.push({ rule: 'csp', path: options.cspFile, line: 0, message: 'no CONTENT_SECURITY_POLICY constant' });
  } else {
    for (const value of csp.cspValues) for (const problem of cspProblems(value)) findings.push({ rule: 'csp', path: options.cspFile, line: 0, message: problem });
    if (!csp.cspHeaderFound) findings.push({ rule: 'csp', path: options.cspFile, line: 0, message: 'no Content-Security-Policy response header' });
  }
  return findings;
}

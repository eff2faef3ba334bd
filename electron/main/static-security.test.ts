import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze, cspProblems, RULES, type Finding, type RuleId, type Source } from './test-support/static-security';

/**
 * The static security check (see test-support/static-security.ts): the shipped main-process and
 * preload sources must yield no finding, and every rule must fire on a known-bad snippet.
 */

const repo = fileURLToPath(new URL('../..', import.meta.url));

function sourcesUnder(dir: string): Source[] {
  const out: Source[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'test-support' && entry.name !== 'node_modules') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
        out.push({ path: relative(repo, path).split(sep).join('/'), text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(join(repo, dir));
  return out;
}

const shipped = [...sourcesUnder('electron/main'), ...sourcesUnder('electron/preload')];
const describeFindings = (findings: Finding[]): string => findings.map((f) => `${f.rule} ${f.path}:${f.line} ${f.message}`).join('\n');

describe('static security check of electron/main and electron/preload', () => {
  it('scans the shipped sources', () => {
    const paths = shipped.map((s) => s.path);
    expect(paths).toEqual(expect.arrayContaining(['electron/main/index.ts', 'electron/main/window.ts', 'electron/main/security.ts', 'electron/preload/index.ts']));
  });

  it('finds nothing', () => {
    const findings = analyze(shipped);
    expect(findings, describeFindings(findings)).toEqual([]);
  });
});

describe('every rule fires on a bad snippet', () => {
  const safeWindow = `new BrowserWindow({ webPreferences: { preload: p, contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false, webviewTag: false } });`;
  /** The shipped tree with one file replaced or added. */
  const withFile = (path: string, text: string): Source[] => [...shipped.filter((s) => s.path !== path), { path, text }];
  const rulesOf = (sources: Source[]): RuleId[] => [...new Set(analyze(sources).map((f) => f.rule))];
  const windowWith = (prefs: string): Source[] =>
    withFile('electron/main/window.ts', `import { BrowserWindow } from 'electron';\nexport const w = () => new BrowserWindow({ webPreferences: { ${prefs} } });`);

  it.each([
    ['nodeIntegration: true', 'nodeIntegration: true, contextIsolation: true, sandbox: true, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false, webviewTag: false, preload: p'],
    ['contextIsolation: false', 'nodeIntegration: false, contextIsolation: false, sandbox: true, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false, webviewTag: false, preload: p'],
    ['sandbox: false', 'nodeIntegration: false, contextIsolation: true, sandbox: false, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false, webviewTag: false, preload: p'],
    ['webSecurity: false', 'nodeIntegration: false, contextIsolation: true, sandbox: true, nodeIntegrationInSubFrames: false, webSecurity: false, allowRunningInsecureContent: false, experimentalFeatures: false, webviewTag: false, preload: p'],
    ['allowRunningInsecureContent: true', 'nodeIntegration: false, contextIsolation: true, sandbox: true, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: true, experimentalFeatures: false, webviewTag: false, preload: p'],
    ['webviewTag: true', 'nodeIntegration: false, contextIsolation: true, sandbox: true, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false, webviewTag: true, preload: p'],
    ['experimentalFeatures: true', 'nodeIntegration: false, contextIsolation: true, sandbox: true, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: true, webviewTag: false, preload: p'],
  ])('%s', (_label, prefs) => {
    const rules = rulesOf(windowWith(prefs));
    expect(rules).toContain('window-preferences');
    expect(rules).toContain('dangerous-preference');
  });

  it('a window with a preference left out, spread in, or not a literal', () => {
    expect(rulesOf(windowWith('preload: p, contextIsolation: true'))).toContain('window-preferences');
    expect(rulesOf(windowWith('...safePrefs'))).toContain('window-preferences');
    expect(rulesOf(windowWith('preload: p, contextIsolation: isolate, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false, webviewTag: false'))).toContain(
      'window-preferences',
    );
    expect(rulesOf(withFile('electron/main/window.ts', `import { BrowserWindow } from 'electron';\nexport const w = (o: object) => new BrowserWindow(o);`))).toContain('window-preferences');
  });

  it('a dangerous preference anywhere, not just in a window', () => {
    expect(rulesOf(withFile('electron/main/extra.ts', 'export const prefs = { nodeIntegration: true };'))).toContain('dangerous-preference');
    expect(rulesOf(withFile('electron/main/extra.ts', "export const prefs = { enableBlinkFeatures: 'CSSVariables' };"))).toContain('dangerous-preference');
  });

  it('a second window, or one outside window.ts', () => {
    expect(rulesOf(withFile('electron/main/extra.ts', `import { BrowserWindow } from 'electron';\nexport const w = () => ${safeWindow}`))).toContain('single-window');
  });

  it('enableRemoteModule or @electron/remote', () => {
    expect(rulesOf(withFile('electron/main/extra.ts', 'export const p = { enableRemoteModule: false };'))).toContain('remote-module');
    expect(rulesOf(withFile('electron/main/extra.ts', "import '@electron/remote/main';"))).toContain('remote-module');
  });

  it('shell.openExternal outside the allowlisted helper', () => {
    expect(rulesOf(withFile('electron/main/extra.ts', "import { shell } from 'electron';\nexport const go = (u: string) => shell.openExternal(u);"))).toContain('open-external');
  });

  it('insertCSS / executeJavaScript with non-literal code', () => {
    expect(rulesOf(withFile('electron/main/extra.ts', 'export const f = (wc: any, code: string) => wc.executeJavaScript(code);'))).toContain('dynamic-injection');
    expect(rulesOf(withFile('electron/main/extra.ts', 'export const f = (wc: any, css: string) => wc.insertCSS(`body{${css}}`);'))).toContain('dynamic-injection');
    expect(rulesOf(withFile('electron/main/extra.ts', "export const f = (wc: any) => wc.insertCSS('body{}');"))).toEqual([]);
  });

  it('eval and new Function', () => {
    expect(rulesOf(withFile('electron/main/extra.ts', 'export const f = (s: string) => eval(s);'))).toContain('dangerous-function');
    expect(rulesOf(withFile('electron/main/extra.ts', "export const f = new Function('return 1');"))).toContain('dangerous-function');
  });

  it('TLS overrides', () => {
    expect(rulesOf(withFile('electron/main/extra.ts', "export const f = (app: any) => app.on('certificate-error', () => undefined);"))).toContain('tls-override');
    expect(rulesOf(withFile('electron/main/extra.ts', "export const f = (app: any) => app.commandLine.appendSwitch('ignore-certificate-errors');"))).toContain('tls-override');
    expect(rulesOf(withFile('electron/main/extra.ts', 'export const f = (s: any) => s.setCertificateVerifyProc(() => 0);'))).toContain('tls-override');
  });

  it('file:// and loadFile', () => {
    expect(rulesOf(withFile('electron/main/extra.ts', "export const u = 'file:///index.html';"))).toContain('file-protocol');
    expect(rulesOf(withFile('electron/main/extra.ts', "export const f = (w: any) => w.loadFile('index.html');"))).toContain('file-protocol');
  });

  it('IPC registered outside the sender-checked registrar, or one-way', () => {
    expect(rulesOf(withFile('electron/main/extra.ts', "import { ipcMain } from 'electron';\nipcMain.handle('x', () => 1);"))).toContain('ipc-registration');
    expect(rulesOf(withFile('electron/main/extra.ts', "import { ipcMain } from 'electron';\nipcMain.on('x', () => 1);"))).toContain('ipc-registration');
  });

  it('ipcRenderer exposed to the page, in any form', () => {
    const preload = (body: string): Source[] => withFile('electron/preload/index.ts', `import { contextBridge, ipcRenderer } from 'electron';\n${body}`);
    expect(rulesOf(preload("contextBridge.exposeInMainWorld('ipc', ipcRenderer);"))).toContain('ipc-exposure');
    expect(rulesOf(preload("contextBridge.exposeInMainWorld('bridge', { ipcRenderer });"))).toContain('ipc-exposure');
    expect(rulesOf(preload("contextBridge.exposeInMainWorld('bridge', { invoke: ipcRenderer.invoke });"))).toContain('ipc-exposure');
    expect(rulesOf(preload("contextBridge.exposeInMainWorld('bridge', { send: (c: string, m: unknown) => ipcRenderer.send(c, m) });"))).toContain('ipc-exposure');
    expect(rulesOf(preload("const api = { ...ipcRenderer };\ncontextBridge.exposeInMainWorld('bridge', api);"))).toContain('ipc-exposure');
    expect(rulesOf(preload("contextBridge.exposeInMainWorld('bridge', { on: (c: string, f: (...a: unknown[]) => void) => ipcRenderer.on(c, f) });"))).not.toContain('ipc-exposure');
  });

  it('a global handler missing', () => {
    const without = (path: string, pattern: RegExp, replacement: string): Source[] => shipped.map((s) => (s.path === path ? { ...s, text: s.text.replace(pattern, replacement) } : s));
    const messages = (sources: Source[]): string => describeFindings(analyze(sources));
    expect(messages(without('electron/main/security.ts', /contents\.on\('will-navigate'/, "contents.on('did-navigate'"))).toContain("no 'will-navigate' listener");
    expect(messages(without('electron/main/security.ts', /contents\.setWindowOpenHandler\(/, 'contents.setSomethingElse('))).toContain('setWindowOpenHandler() is never called');
    expect(messages(without('electron/main/security.ts', /session\.setPermissionRequestHandler\(/, 'session.setSomethingElse('))).toContain('setPermissionRequestHandler() is never called');
    expect(messages(without('electron/main/security.ts', /app\.enableSandbox\(\)/, 'app.toString()'))).toContain('enableSandbox() is never called');
    expect(messages(without('electron/main/security.ts', /'will-attach-webview'/, "'did-attach-webview'"))).toContain("no 'will-attach-webview' listener");
  });

  it('a missing or weak CSP', () => {
    const csp = shipped.find((s) => s.path === 'electron/main/app-protocol.ts');
    expect(csp).toBeDefined();
    const edit = (from: RegExp, to: string): Source[] => withFile('electron/main/app-protocol.ts', (csp?.text ?? '').replace(from, to));
    expect(rulesOf(edit(/CONTENT_SECURITY_POLICY = /, 'OTHER_NAME = '))).toContain('csp');
    expect(rulesOf(edit(/"script-src 'self'"/, `"script-src 'self' 'unsafe-eval'"`))).toContain('csp');
    expect(rulesOf(edit(/"connect-src 'self'"/, `"connect-src 'self' https://evil.example"`))).toContain('csp');
    expect(rulesOf(edit(/'Content-Security-Policy': CONTENT_SECURITY_POLICY,/, ''))).toContain('csp');
    expect(cspProblems("default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")).toEqual([]);
    expect(cspProblems("default-src *")).not.toEqual([]);
  });

  it('lists a rule for every id it can report', () => {
    expect(Object.keys(RULES).length).toBe(13);
  });
});

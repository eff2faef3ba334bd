import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * The demo tenant's "browser": signs the demo release manager in without a window by doing what a
 * browser does with the sandbox's sign-in page — load the authorize URL (msal adds the login hint, so
 * the sandbox answers with its auto-submitting form_post) and post that form to msal's loopback
 * listener. Only ever pointed at the embedded sandbox; real tenants use the system browser.
 */

interface Fetched {
  status: number;
  text: string;
}

function fetchText(url: URL, options: { ca?: string; method?: string; body?: string; headers?: Record<string, string> }): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const req = send(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, ...(options.ca ? { ca: options.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const unescape = (v: string): string => v.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '');

/** The first form of a page: its action and hidden fields. */
export function firstForm(html: string): { action: string; fields: Record<string, string> } | null {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/.exec(html);
  if (!form) return null;
  const action = /\saction="([^"]*)"/.exec(form[1] ?? '')?.[1];
  if (!action) return null;
  const fields: Record<string, string> = {};
  for (const input of (form[2] ?? '').matchAll(/<input\b[^>]*>/g)) {
    const tag = input[0];
    const name = /\sname="([^"]*)"/.exec(tag)?.[1];
    if (name !== undefined && /\stype="hidden"/.test(tag)) fields[unescape(name)] = unescape(/\svalue="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  return { action: unescape(action), fields };
}

export function demoBrowser(sandboxBaseUrl: string, caPem: string): (url: string) => Promise<void> {
  const sandbox = new URL(sandboxBaseUrl);
  return async (authorizeUrl) => {
    const target = new URL(authorizeUrl);
    if (target.origin !== sandbox.origin) throw new Error('The demo browser only opens the embedded sandbox.');
    const page = await fetchText(target, { ca: caPem });
    const form = firstForm(page.text);
    if (!form) throw new Error(`The demo sign-in page had no form (HTTP ${page.status}).`);
    const loopback = new URL(form.action);
    if (loopback.protocol !== 'http:' || !['localhost', '127.0.0.1'].includes(loopback.hostname)) throw new Error('The demo sign-in answered to a non-loopback address.');
    // msal's listener binds 127.0.0.1 while its redirect URI says localhost.
    loopback.hostname = '127.0.0.1';
    const body = new URLSearchParams(form.fields).toString();
    await fetchText(loopback, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } });
  };
}

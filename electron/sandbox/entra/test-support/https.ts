import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * Plain HTTP(S) for the Entra tests: Node 20's global fetch cannot take the sandbox CA, so requests
 * go through node:https with `ca`. Also parses the HTML forms the sign-in pages and the form_post
 * hand-back carry, the way a browser would submit them.
 */

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  json(): Record<string, unknown>;
}

export interface HttpCall {
  method?: string;
  headers?: Record<string, string>;
  /** Sent form-encoded. */
  form?: Record<string, string>;
  body?: string;
  ca?: string;
}

export function httpCall(url: string, call: HttpCall = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const body = call.form ? new URLSearchParams(call.form).toString() : call.body;
    const headers: Record<string, string> = { ...call.headers };
    if (call.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const options = { method: call.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(call.ca ? { ca: call.ca } : {}) };
    const req = (target.protocol === 'http:' ? httpRequest : httpsRequest)(target, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: out, text, json: () => JSON.parse(text) as Record<string, unknown> });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function unescapeHtml(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#\d+);/g, (_m, e: string) =>
    e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : ({ amp: '&', lt: '<', gt: '>', quot: '"' } as Record<string, string>)[e] ?? '',
  );
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m?.[1] === undefined ? undefined : unescapeHtml(m[1]);
}

export interface HtmlForm {
  action: string;
  method: string;
  /** Hidden inputs, in document order. */
  fields: Record<string, string>;
  /** Submit buttons' name/value pairs (one is sent, the one clicked). */
  buttons: { name: string; value: string; label: string }[];
}

/** Every <form> of a page with its hidden inputs and submit buttons. */
export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const open = m[1] ?? '';
    const inner = m[2] ?? '';
    const fields: Record<string, string> = {};
    for (const input of inner.matchAll(/<input\b[^>]*>/g)) {
      const tag = input[0];
      if (attr(tag, 'type') === 'hidden') {
        const name = attr(tag, 'name');
        if (name !== undefined) fields[name] = attr(tag, 'value') ?? '';
      }
    }
    const buttons = [...inner.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/g)].map((b) => ({
      name: attr(b[1] ?? '', 'name') ?? '',
      value: attr(b[1] ?? '', 'value') ?? '',
      label: unescapeHtml((b[2] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()),
    }));
    forms.push({ action: attr(open, 'action') ?? '', method: (attr(open, 'method') ?? 'get').toUpperCase(), fields, buttons });
  }
  return forms;
}

/** The form a form_post page auto-submits. */
export function formPost(html: string): { action: string; fields: Record<string, string> } {
  const form = parseForms(html)[0];
  if (!form) throw new Error(`No form in the page:\n${html.slice(0, 500)}`);
  return { action: form.action, fields: form.fields };
}

/**
 * The HTML the identity provider shows: the account picker, the form_post hand-back, device login,
 * sign-out and error pages. Small, self-contained (inline CSS only, which the `html()` CSP allows),
 * accessible (landmarks, one h1, labelled controls, visible focus, alerts announced), light and dark.
 */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/**
 * For attribute values that must survive byte for byte: line breaks as character references, which
 * the HTML parser does not normalize (error descriptions carry `\r\n` before their trailer).
 */
export function escapeAttribute(value: string): string {
  return escapeHtml(value).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;');
}

const STYLE = `
:root { color-scheme: light dark; --bg: #f3f2f1; --card: #fff; --fg: #1b1b1b; --muted: #5c5c5c; --line: #d6d6d6;
  --accent: #0067b8; --accent-fg: #fff; --danger: #a4262c; --danger-bg: #fde7e9; --focus: #000; }
@media (prefers-color-scheme: dark) { :root { --bg: #1b1a19; --card: #252423; --fg: #f3f2f1; --muted: #b3b0ad; --line: #3b3a39;
  --accent: #4aa0e6; --accent-fg: #111; --danger: #f1707b; --danger-bg: #442726; --focus: #fff; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--fg);
  font: 15px/1.5 "Segoe UI", system-ui, -apple-system, sans-serif; }
main { width: min(440px, calc(100vw - 32px)); background: var(--card); padding: 40px 44px; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
.brand { margin: 0 0 16px; font-size: 13px; color: var(--muted); }
h1 { margin: 0 0 8px; font-size: 24px; font-weight: 600; }
p { margin: 0 0 16px; }
.lead { color: var(--muted); }
.alert { padding: 10px 12px; border-left: 4px solid var(--danger); background: var(--danger-bg); color: var(--fg); }
.code { font-family: ui-monospace, Consolas, monospace; word-break: break-all; }
ul.accounts { list-style: none; margin: 0 0 16px; padding: 0; border-top: 1px solid var(--line); }
ul.accounts li { border-bottom: 1px solid var(--line); }
ul.accounts button { width: 100%; display: grid; gap: 2px; text-align: left; padding: 12px 8px; border: 0; background: none;
  color: inherit; font: inherit; cursor: pointer; }
ul.accounts button:hover { background: rgba(127,127,127,.12); }
.name { font-weight: 600; }
.upn { color: var(--muted); font-size: 13px; }
.badge { justify-self: start; margin-top: 2px; padding: 0 6px; border: 1px solid var(--danger); color: var(--danger); font-size: 12px; }
label { display: block; margin-bottom: 4px; }
input[type=text] { width: 100%; padding: 6px 2px; border: 0; border-bottom: 1px solid var(--muted); background: transparent;
  color: inherit; font: inherit; letter-spacing: .1em; text-transform: uppercase; }
.actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 20px; }
.button { min-width: 108px; padding: 6px 12px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-fg);
  font: inherit; cursor: pointer; }
.button.secondary { background: transparent; color: var(--fg); border-color: var(--line); }
a { color: var(--accent); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="none">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main aria-labelledby="title">
<p class="brand">Microsoft Entra ID · Patchbay sandbox</p>
${body}
</main>
</body>
</html>
`;
}

function hiddenInputs(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeAttribute(name)}" value="${escapeAttribute(value)}">`)
    .join('\n');
}

function alert(message: string | null): string {
  return message ? `<p class="alert" role="alert">${escapeHtml(message)}</p>` : '';
}

export interface AccountChoice {
  upn: string;
  displayName: string;
  disabled: boolean;
}

/** "Pick an account": one submit button per user, posting back to /authorize with the original parameters. */
export function signInPage(opts: {
  action: string;
  appName: string;
  params: Record<string, string>;
  accounts: AccountChoice[];
  message: string | null;
}): string {
  const items = opts.accounts
    .map((a, i) => {
      const describedBy = a.disabled ? `acct-${i}-upn acct-${i}-state` : `acct-${i}-upn`;
      return `<li><button type="submit" name="sandbox_upn" value="${escapeHtml(a.upn)}" aria-describedby="${describedBy}">
<span class="name">${escapeHtml(a.displayName)}</span>
<span class="upn" id="acct-${i}-upn">${escapeHtml(a.upn)}</span>${a.disabled ? `\n<span class="badge" id="acct-${i}-state">Disabled</span>` : ''}
</button></li>`;
    })
    .join('\n');
  return page(
    'Sign in to your account',
    `<h1 id="title">Pick an account</h1>
<p class="lead">to continue to ${escapeHtml(opts.appName)}</p>
${alert(opts.message)}
<form method="post" action="${escapeHtml(opts.action)}">
${hiddenInputs(opts.params)}
<ul class="accounts" aria-label="Accounts">
${items}
</ul>
</form>`,
  );
}

/**
 * The platform's form_post hand-back: a form of hidden fields auto-submitted to the redirect URI,
 * with a button for browsers without script.
 */
export function formPostPage(action: string, fields: Record<string, string>): string {
  return `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${escapeHtml(action)}">${Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeAttribute(name)}" value="${escapeAttribute(value)}" />`)
    .join('')}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script language="javascript">document.forms[0].submit();</script></body></html>`;
}

/** An error the platform shows itself rather than returning to the app (bad redirect URI, unknown tenant). */
export function errorPage(description: string, details: { traceId: string; correlationId: string; timestamp: string }): string {
  return page(
    'Sign in to your account',
    `<h1 id="title">Sign in</h1>
<p class="alert" role="alert">Sorry, but we’re having trouble signing you in.</p>
<p class="code">${escapeHtml(description)}</p>
<dl>
<dt>Request Id</dt><dd class="code">${escapeHtml(details.traceId)}</dd>
<dt>Correlation Id</dt><dd class="code">${escapeHtml(details.correlationId)}</dd>
<dt>Timestamp</dt><dd class="code">${escapeHtml(details.timestamp)}</dd>
</dl>`,
  );
}

/** /devicelogin, step one: "Enter code". */
export function deviceCodeEntryPage(opts: { action: string; message: string | null; code: string }): string {
  return page(
    'Enter code',
    `<h1 id="title">Enter code</h1>
<p class="lead">Enter the code displayed on your app or device.</p>
${alert(opts.message)}
<form method="post" action="${escapeHtml(opts.action)}">
<label for="otc">Code</label>
<input type="text" id="otc" name="otc" value="${escapeHtml(opts.code)}" autocomplete="off" autocapitalize="characters" spellcheck="false" required maxlength="20"${opts.message ? ' aria-invalid="true"' : ''}>
<div class="actions"><button type="submit" class="button">Next</button></div>
</form>`,
  );
}

/** /devicelogin, step two: pick the account that approves the code, or cancel (decline). */
export function deviceAccountPage(opts: { action: string; code: string; appName: string; accounts: AccountChoice[]; message: string | null }): string {
  const items = opts.accounts
    .map((a, i) => {
      const describedBy = a.disabled ? `acct-${i}-upn acct-${i}-state` : `acct-${i}-upn`;
      return `<li><button type="submit" name="upn" value="${escapeHtml(a.upn)}" aria-describedby="${describedBy}">
<span class="name">${escapeHtml(a.displayName)}</span>
<span class="upn" id="acct-${i}-upn">${escapeHtml(a.upn)}</span>${a.disabled ? `\n<span class="badge" id="acct-${i}-state">Disabled</span>` : ''}
</button></li>`;
    })
    .join('\n');
  return page(
    'Pick an account',
    `<h1 id="title">Pick an account</h1>
<p class="lead">Are you trying to sign in to ${escapeHtml(opts.appName)}? Only continue if you trust the app or device that showed you this code.</p>
${alert(opts.message)}
<form method="post" action="${escapeHtml(opts.action)}">
${hiddenInputs({ otc: opts.code, decision: 'approve' })}
<ul class="accounts" aria-label="Accounts">
${items}
</ul>
</form>
<form method="post" action="${escapeHtml(opts.action)}">
${hiddenInputs({ otc: opts.code, decision: 'decline' })}
<div class="actions"><button type="submit" class="button secondary">Cancel</button></div>
</form>`,
  );
}

/** A plain message page: device login done or declined, signed out. */
export function messagePage(title: string, heading: string, lines: string[], link?: { href: string; text: string }): string {
  return page(
    title,
    `<h1 id="title">${escapeHtml(heading)}</h1>
${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n')}${link ? `\n<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : ''}`,
  );
}

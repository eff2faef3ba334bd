import {
  Badge,
  Button,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Select,
  Spinner,
  tokens,
} from '@fluentui/react-components';
import { Copy16Regular, Open16Regular, PersonAdd20Regular } from '@fluentui/react-icons';
import { useEffect, useState, type FormEvent } from 'react';
import { Card, Page } from '../../components/page';
import { EmptyState, ErrorBar, LoadingState } from '../../components/states';
import { errorText } from '../../bridge/client';
import type { Account, AddAccountInput, DeviceCode } from '../../lib/types';
import { useSlice } from '../../stores/context';

const useStyles = makeStyles({
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(380px, 1fr))', gap: '16px' },
  head: { display: 'flex', alignItems: 'center', gap: '8px', flexWrap: 'wrap', marginBottom: '8px' },
  name: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  facts: { display: 'grid', gridTemplateColumns: '120px 1fr', gap: '4px 12px', margin: '8px 0 12px', fontSize: tokens.fontSizeBase300 },
  factName: { color: tokens.colorNeutralForeground3 },
  factValue: { margin: 0, overflowWrap: 'anywhere' },
  actions: { display: 'flex', gap: '8px', flexWrap: 'wrap' },
  code: { display: 'flex', flexDirection: 'column', gap: '8px', padding: '12px', margin: '0 0 12px', borderRadius: tokens.borderRadiusMedium, backgroundColor: tokens.colorBrandBackground2 },
  userCode: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightBold, letterSpacing: '0.12em' },
  codeRow: { display: 'flex', alignItems: 'center', gap: '12px', flexWrap: 'wrap' },
  countdown: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2, fontVariantNumeric: 'tabular-nums' },
  form: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(280px, 1fr))', gap: '12px 16px', maxWidth: '980px', alignItems: 'start' },
  full: { gridColumn: '1 / -1' },
});

const CLOUDS: { id: AddAccountInput['cloud']; label: string }[] = [
  { id: 'public', label: 'Public (commercial)' },
  { id: 'gcc', label: 'US Government (GCC)' },
  { id: 'gcchigh', label: 'US Government (GCC High)' },
  { id: 'dod', label: 'US Government (DoD)' },
  { id: 'china', label: 'China (21Vianet)' },
  { id: 'sandbox', label: 'Sandbox (local simulation)' },
];

const MODES: { id: AddAccountInput['mode']; label: string; hint: string }[] = [
  { id: 'interactive', label: 'Interactive', hint: 'Sign in with your browser (you).' },
  { id: 'device-code', label: 'Device code', hint: 'Enter a code on another device (you).' },
  { id: 'client-secret', label: 'Client secret', hint: 'A service principal with a secret (pipeline).' },
  { id: 'certificate', label: 'Certificate', hint: 'A service principal with a certificate (pipeline).' },
];

const STATUS: Record<Account['status'], { label: string; color: 'success' | 'informative' | 'warning' | 'danger' }> = {
  'signed-in': { label: 'Signed in', color: 'success' },
  'signed-out': { label: 'Signed out', color: 'informative' },
  'signing-in': { label: 'Signing in…', color: 'warning' },
  error: { label: 'Needs attention', color: 'danger' },
};

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function DeviceCodePanel({ code, onOpen }: { code: DeviceCode; onOpen: (url: string) => void }) {
  const styles = useStyles();
  const now = useNow(true);
  const [copied, setCopied] = useState(false);
  const left = Math.max(0, Math.floor((Date.parse(code.expiresAt) - now) / 1000));
  const mm = String(Math.floor(left / 60)).padStart(2, '0');
  const ss = String(left % 60).padStart(2, '0');
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(code.userCode);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className={styles.code} role="group" aria-label="Device code sign-in">
      <span>
        Open <strong>{code.verificationUri}</strong> on any device and enter this code:
      </span>
      <div className={styles.codeRow}>
        <span className={styles.userCode} aria-label={`Code ${code.userCode.split('').join(' ')}`}>
          {code.userCode}
        </span>
        <Button size="small" icon={<Copy16Regular />} onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy code'}
        </Button>
        <Button size="small" appearance="subtle" icon={<Open16Regular />} onClick={() => onOpen(code.verificationUri)}>
          Open sign-in page
        </Button>
      </div>
      <span className={styles.countdown} role="timer" aria-live="off">
        {left > 0 ? `Expires in ${mm}:${ss}` : 'This code has expired: sign in again for a new one.'}
      </span>
    </div>
  );
}

function AccountCard({ account }: { account: Account }) {
  const styles = useStyles();
  const busy = useSlice('accounts', (s) => s.busy[account.id]);
  const error = useSlice('accounts', (s) => s.errors[account.id]);
  const code = useSlice('accounts', (s) => s.deviceCodes[account.id]);
  const signIn = useSlice('accounts', (s) => s.signIn);
  const signOut = useSlice('accounts', (s) => s.signOut);
  const remove = useSlice('accounts', (s) => s.remove);
  const openExternal = useSlice('app', (s) => s.openExternal);
  const status = busy === 'signing-in' ? STATUS['signing-in'] : STATUS[account.status];
  const title = account.isDemo && !/demo/i.test(account.label) ? 'Demo tenant (sandbox)' : account.label;
  return (
    <Card>
      <div className={styles.head}>
        <h2 className={styles.name}>{title}</h2>
        {account.isDemo && title !== 'Demo tenant (sandbox)' ? (
          <Badge appearance="tint" color="brand">
            Demo tenant (sandbox)
          </Badge>
        ) : null}
        <Badge appearance="filled" color={status.color}>
          {status.label}
        </Badge>
      </div>
      {code ? <DeviceCodePanel code={code} onOpen={(url) => void openExternal(url)} /> : null}
      <dl className={styles.facts}>
        {(
          [
            ['Signed in as', account.username ?? '—'],
            ['Acts as', account.role === 'spn' ? 'Service principal (pipeline)' : 'Me'],
            ['Tenant', account.tenant],
            ['Cloud', CLOUDS.find((c) => c.id === account.cloud)?.label ?? account.cloud],
            ['Sign-in', MODES.find((m) => m.id === account.mode)?.label ?? account.mode],
            ['Client id', account.clientId],
            ['Tokens', account.persistence.kind === 'encrypted' ? 'Kept encrypted on this device' : `In memory only${account.persistence.reason ? ` (${account.persistence.reason})` : ''}`],
          ] as [string, string][]
        ).map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt className={styles.factName}>{k}</dt>
            <dd className={styles.factValue}>{v}</dd>
          </div>
        ))}
      </dl>
      {account.error || error ? (
        <MessageBar intent="error" layout="multiline" style={{ marginBottom: 12 }}>
          <MessageBarBody>{error ?? account.error}</MessageBarBody>
        </MessageBar>
      ) : null}
      <div className={styles.actions}>
        {account.status === 'signed-in' ? (
          <Button onClick={() => void signOut(account.id)} disabled={!!busy} aria-label={`Sign out of ${title}`}>
            {busy === 'signing-out' ? <Spinner size="extra-tiny" /> : null} Sign out
          </Button>
        ) : (
          <Button appearance="primary" onClick={() => void signIn(account.id)} disabled={!!busy} aria-label={`Sign in to ${title}`}>
            {busy === 'signing-in' ? <Spinner size="extra-tiny" /> : null} Sign in
          </Button>
        )}
        <Button appearance="subtle" onClick={() => void remove(account.id)} disabled={!!busy} aria-label={`Remove ${title}`}>
          Remove
        </Button>
      </div>
    </Card>
  );
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function AddAccountForm() {
  const styles = useStyles();
  const add = useSlice('accounts', (s) => s.add);
  const push = useSlice('notifications', (s) => s.push);
  const [label, setLabel] = useState('');
  const [cloud, setCloud] = useState<AddAccountInput['cloud']>('public');
  const [sandboxUrl, setSandboxUrl] = useState('');
  const [tenant, setTenant] = useState('');
  const [clientId, setClientId] = useState('');
  const [mode, setMode] = useState<AddAccountInput['mode']>('interactive');
  const [secret, setSecret] = useState('');
  const [certificatePath, setCertificatePath] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const spn = mode === 'client-secret' || mode === 'certificate';

  const problems = {
    label: label.trim() ? null : 'Give it a name you will recognise, e.g. “Contoso production”.',
    tenant: tenant.trim() ? null : 'The tenant id (a GUID) or domain, e.g. contoso.onmicrosoft.com.',
    clientId: GUID.test(clientId.trim()) ? null : 'The application (client) id of the app registration: a GUID.',
    secret: mode !== 'client-secret' || secret ? null : 'The client secret’s value.',
    certificatePath: mode !== 'certificate' || certificatePath.trim() ? null : 'Path to the PEM file with the certificate and its private key.',
    sandboxUrl: cloud !== 'sandbox' || /^https:\/\/127\.0\.0\.1:\d+\/?$|^https:\/\/localhost:\d+\/?$/.test(sandboxUrl.trim()) ? null : 'The sandbox’s base URL, e.g. https://127.0.0.1:8443.',
  };
  const invalid = Object.values(problems).some(Boolean);
  const msg = (k: keyof typeof problems) => (tried && problems[k] ? { validationMessage: problems[k], validationState: 'error' as const } : {});

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (invalid) return;
    setSubmitting(true);
    setError(null);
    try {
      const input: AddAccountInput = {
        label: label.trim(),
        tenant: tenant.trim(),
        cloud,
        mode,
        clientId: clientId.trim(),
        role: spn ? 'spn' : 'me',
        ...(cloud === 'sandbox' ? { sandboxUrl: sandboxUrl.trim() } : {}),
        ...(mode === 'client-secret' ? { clientSecret: secret } : {}),
        ...(mode === 'certificate' ? { certificatePath: certificatePath.trim() } : {}),
      };
      const account = await add(input);
      push('success', `${account.label} was added. Sign in to use it.`, 'Account added');
      setLabel('');
      setTenant('');
      setClientId('');
      setSecret('');
      setCertificatePath('');
      setTried(false);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSecret('');
      setSubmitting(false);
    }
  };

  return (
    <Card title="Add a tenant">
      <form className={styles.form} onSubmit={(e) => void submit(e)} noValidate aria-label="Add a tenant">
        <Field label="Name" required {...msg('label')}>
          <Input value={label} onChange={(_, d) => setLabel(d.value)} placeholder="Contoso production" />
        </Field>
        <Field label="Cloud" required>
          <Select value={cloud} onChange={(_, d) => setCloud(d.value as AddAccountInput['cloud'])}>
            {CLOUDS.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </Select>
        </Field>
        {cloud === 'sandbox' ? (
          <Field label="Sandbox URL" required {...msg('sandboxUrl')}>
            <Input value={sandboxUrl} onChange={(_, d) => setSandboxUrl(d.value)} placeholder="https://127.0.0.1:8443" />
          </Field>
        ) : null}
        <Field label="Tenant id" required hint="GUID or domain" {...msg('tenant')}>
          <Input value={tenant} onChange={(_, d) => setTenant(d.value)} placeholder="contoso.onmicrosoft.com" />
        </Field>
        <Field label="Client id" required hint="Application (client) id of the app registration" {...msg('clientId')}>
          <Input value={clientId} onChange={(_, d) => setClientId(d.value)} placeholder="00000000-0000-0000-0000-000000000000" />
        </Field>
        <Field label="Mode" className={styles.full}>
          <RadioGroup layout="horizontal" value={mode} onChange={(_, d) => setMode(d.value as AddAccountInput['mode'])}>
            {MODES.map((m) => (
              <Radio key={m.id} value={m.id} label={`${m.label} — ${m.hint}`} />
            ))}
          </RadioGroup>
        </Field>
        {mode === 'client-secret' ? (
          <Field label="Client secret" required hint="Kept in memory, encrypted at rest only where the OS allows; never shown again." {...msg('secret')}>
            <Input type="password" value={secret} onChange={(_, d) => setSecret(d.value)} autoComplete="off" />
          </Field>
        ) : null}
        {mode === 'certificate' ? (
          <Field label="Certificate path" required hint="A PEM file with the certificate and its private key." {...msg('certificatePath')}>
            <Input value={certificatePath} onChange={(_, d) => setCertificatePath(d.value)} placeholder="/home/me/certs/pipeline.pem" />
          </Field>
        ) : null}
        {error ? (
          <div className={styles.full}>
            <ErrorBar title="The account was not added" message={error} />
          </div>
        ) : null}
        <div className={styles.full}>
          <Button type="submit" appearance="primary" icon={submitting ? <Spinner size="extra-tiny" /> : <PersonAdd20Regular />} disabled={submitting}>
            Add account
          </Button>
        </div>
      </form>
    </Card>
  );
}

export function AccountsScreen() {
  const styles = useStyles();
  const accounts = useSlice('accounts', (s) => s.accounts);
  const status = useSlice('accounts', (s) => s.status);
  const error = useSlice('accounts', (s) => s.error);
  const load = useSlice('accounts', (s) => s.load);
  return (
    <Page title="Accounts" description="The tenants Patchbay works in, and who signs in: you (interactive or device code), and the service principal your pipeline uses (secret or certificate). Tokens and secrets stay in the app’s back end; this screen never sees them.">
      {status === 'error' ? <ErrorBar title="Accounts could not be loaded" message={error ?? ''} onRetry={() => void load()} /> : null}
      {status === 'loading' && !accounts.length ? (
        <LoadingState label="Loading accounts" />
      ) : accounts.length ? (
        <div className={styles.grid}>
          {accounts.map((a) => (
            <AccountCard key={a.id} account={a} />
          ))}
        </div>
      ) : status === 'ready' ? (
        <Card>
          <EmptyState title="No accounts yet">Add a tenant below to start.</EmptyState>
        </Card>
      ) : null}
      <AddAccountForm />
    </Page>
  );
}

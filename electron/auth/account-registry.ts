import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectCertificateFile, loadCertificate } from './certificate';
import { errnoCode, writeFileAtomic } from './atomic-file';
import {
  REGISTRY_VERSION,
  accountRecordSchema,
  describeIssues,
  isUserMode,
  newAccountSchema,
  registryFileSchema,
  type AccountRecord,
  type NewAccount,
  type RegistryFile,
} from './accounts';

/**
 * The accounts Patchbay knows, persisted as `accounts.json` in the caller's data folder (0600, atomic
 * writes, no secrets). A file that is not valid JSON or breaks the schema stops `open` with an error
 * naming the file and each problem, and is never overwritten: the user's accounts are theirs to fix.
 */

export const REGISTRY_FILE = 'accounts.json';

export type RegistryErrorCode = 'corrupt' | 'invalid' | 'not_found' | 'io';

export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly issues: string[];
  constructor(code: RegistryErrorCode, message: string, issues: string[] = [], options?: { cause: unknown }) {
    super(issues.length ? `${message}\n- ${issues.join('\n- ')}` : message, options);
    this.name = 'RegistryError';
    this.code = code;
    this.issues = issues;
  }
}

export interface AddOptions {
  /** Unlocks a PFX or an encrypted key while checking the certificate; not stored. */
  certificatePassword?: string;
}

/** A certificate file that was fine when added and is no longer (moved, deleted, replaced). */
export interface AccountProblem {
  accountId: string;
  message: string;
}

export class AccountRegistry {
  readonly file: string;
  #state: RegistryFile;
  #problems: AccountProblem[];
  #writes: Promise<void> = Promise.resolve();

  private constructor(file: string, state: RegistryFile, problems: AccountProblem[]) {
    this.file = file;
    this.#state = state;
    this.#problems = problems;
  }

  /** Loads the registry of `dataDir` (an empty one when the file does not exist yet). */
  static async open(dataDir: string): Promise<AccountRegistry> {
    const file = join(dataDir, REGISTRY_FILE);
    let text: string | null;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw new RegistryError('io', `The account list '${file}' cannot be read.`, [], { cause: error });
      text = null;
    }
    const state = text === null ? emptyRegistry() : parseRegistry(file, text);
    return new AccountRegistry(file, state, await checkCertificates(state.accounts));
  }

  list(): readonly AccountRecord[] {
    return this.#state.accounts;
  }

  get(id: string): AccountRecord | undefined {
    return this.#state.accounts.find((a) => a.id === id);
  }

  /** The account the user works with now, if any. */
  selected(): AccountRecord | null {
    const id = this.#state.selectedId;
    return id === null ? null : (this.get(id) ?? null);
  }

  /** Certificate files that went missing or bad since their account was added (checked at load). */
  problems(): readonly AccountProblem[] {
    return this.#problems;
  }

  /** Validates and stores a new account; the first one added becomes the selected one. */
  async add(input: NewAccount, options: AddOptions = {}): Promise<AccountRecord> {
    const parsed = newAccountSchema.safeParse(input);
    if (!parsed.success) throw new RegistryError('invalid', 'The account is not valid:', describeIssues(parsed.error));
    const value = parsed.data;
    if (value.certificatePath !== undefined) {
      try {
        await loadCertificate(value.certificatePath, {
          ...(options.certificatePassword === undefined ? {} : { password: options.certificatePassword }),
          ...(value.privateKeyPath === undefined ? {} : { privateKeyPath: value.privateKeyPath }),
        });
      } catch (error) {
        throw new RegistryError('invalid', 'The account is not valid:', [`certificatePath ${error instanceof Error ? error.message : String(error)}`], { cause: error });
      }
    }
    const record = accountRecordSchema.parse({ ...stripUndefined(value), id: randomUUID(), createdAt: new Date().toISOString() });
    await this.#commit((s) => ({ ...s, accounts: [...s.accounts, record], selectedId: s.selectedId ?? record.id }));
    return record;
  }

  /** Forgets the account (its token cache is the session's to delete). */
  async remove(id: string): Promise<void> {
    this.#require(id);
    await this.#commit((s) => ({ ...s, accounts: s.accounts.filter((a) => a.id !== id), selectedId: s.selectedId === id ? null : s.selectedId }));
    this.#problems = this.#problems.filter((p) => p.accountId !== id);
  }

  async select(id: string | null): Promise<void> {
    if (id !== null) this.#require(id);
    await this.#commit((s) => ({ ...s, selectedId: id }));
  }

  /** Remembers which msal account a user account signed in as. */
  async recordSignIn(id: string, user: { homeAccountId: string; username: string }): Promise<AccountRecord> {
    const current = this.#require(id);
    if (!isUserMode(current.mode)) throw new RegistryError('invalid', `'${current.label}' is an app account (${current.mode}); only user accounts sign in.`);
    const next = accountRecordSchema.parse({ ...current, homeAccountId: user.homeAccountId, username: user.username });
    await this.#commit((s) => ({ ...s, accounts: s.accounts.map((a) => (a.id === id ? next : a)) }));
    return next;
  }

  /** Forgets the signed-in user of an account (after sign-out). */
  async clearSignIn(id: string): Promise<AccountRecord> {
    const { homeAccountId: _h, username: _u, ...rest } = this.#require(id);
    await this.#commit((s) => ({ ...s, accounts: s.accounts.map((a) => (a.id === id ? rest : a)) }));
    return rest;
  }

  #require(id: string): AccountRecord {
    const found = this.get(id);
    if (!found) throw new RegistryError('not_found', `There is no account with id '${id}'.`);
    return found;
  }

  /** Applies a change and persists it; writes are serialised so none is lost or reordered. */
  async #commit(change: (state: RegistryFile) => RegistryFile): Promise<void> {
    const run = this.#writes.then(async () => {
      const next = registryFileSchema.parse(change(this.#state));
      try {
        await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
      } catch (error) {
        throw new RegistryError('io', `The account list '${this.file}' cannot be written.`, [], { cause: error });
      }
      this.#state = next;
    });
    this.#writes = run.catch(() => undefined);
    await run;
  }
}

function emptyRegistry(): RegistryFile {
  return { version: REGISTRY_VERSION, selectedId: null, accounts: [] };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function parseRegistry(file: string, text: string): RegistryFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RegistryError(
      'corrupt',
      `The account list '${file}' is not valid JSON (${error instanceof Error ? error.message : String(error)}). It was left as it is: fix it or move it aside to start with no accounts.`,
      [],
      { cause: error },
    );
  }
  const parsed = registryFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new RegistryError(
      'corrupt',
      `The account list '${file}' is not valid. It was left as it is: fix it or move it aside to start with no accounts.`,
      describeIssues(parsed.error),
    );
  }
  return parsed.data;
}

async function checkCertificates(accounts: readonly AccountRecord[]): Promise<AccountProblem[]> {
  const problems: AccountProblem[] = [];
  for (const account of accounts) {
    if (account.certificatePath === undefined) continue;
    const message = await inspectCertificateFile(account.certificatePath, account.privateKeyPath);
    if (message !== null) problems.push({ accountId: account.id, message });
  }
  return problems;
}

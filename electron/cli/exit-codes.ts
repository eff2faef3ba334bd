/** The CLI's exit codes: 0 success, 1 some steps failed, 2 usage or configuration error, 3 audit findings matched --fail-on. */
export const EXIT = { ok: 0, stepsFailed: 1, usage: 2, findings: 3 } as const;

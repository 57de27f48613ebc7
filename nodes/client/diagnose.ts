/**
 * Tells what state a set of credentials is in, in terms a person can act on: the logic behind
 * a "Check" button. It never returns a secret, only codes, facts and the API's own messages; and
 * never the words of a server that does not answer like the OVHcloud API (the URL may point
 * anywhere, e.g. at an internal service whose answers must not reach the editor).
 */
import type { OvhClient } from './client';
import type { AuthType } from './credentials';
import { OvhApiError, OvhError, OvhNetworkError } from './errors';
import { METHODS } from './request';

/** Every outcome of a Check, one list: the admin route, the dialog and the locales follow it. */
export const CHECK_STATUSES = [
  'valid',
  'pending',
  'missing',
  'retype-secrets',
  'env-elsewhere',
  'invalid-credential',
  'unknown-consumer-key',
  'invalid-application-key',
  'invalid-signature',
  'clock',
  'invalid-client',
  'no-version',
  'not-ovh-api',
  'unreachable',
  'error',
] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** What diagnose() itself can find; the others are decided by the admin route before it runs. */
export type DiagnosisStatus = Exclude<CheckStatus, 'pending' | 'missing' | 'retype-secrets' | 'env-elsewhere'>;

export interface Diagnosis {
  status: DiagnosisStatus;
  authType: AuthType;
  /** Seconds the OVHcloud clock is ahead of this machine's (negative: behind), when known. */
  clockOffsetSeconds?: number;
  /** For a valid consumer key: what `/auth/currentCredential` says of it. */
  credential?: CredentialFacts;
  /** The API's or the network's own words, when something failed. */
  detail?: string;
  statusCode?: number;
  queryId?: string;
}

export interface CredentialFacts {
  status?: string;
  expiration?: string | null;
  creation?: string;
  lastUse?: string | null;
  rules?: Array<{ method: string; path: string }>;
}

export async function diagnose(client: OvhClient, signal?: AbortSignal): Promise<Diagnosis> {
  const authType = client.authType;
  try {
    if (authType === 'oauth2') {
      // A token proves the client id and secret; /me may be closed to the account by IAM.
      await client.get('/me', { signal, retry: { maxAttempts: 1 } }).catch((err: unknown) => {
        if (err instanceof OvhApiError && err.statusCode === 403 && err.isApiErrorBody) return null;
        throw err;
      });
      return { status: 'valid', authType };
    }
    await client.serverTime();
    const answer = await client.currentCredential<unknown>(signal);
    const credential = credentialFacts(answer);
    // A 200 that is not a credential: the URL is not the API (or not the part of it that signs).
    if (credential.status === undefined) return { status: 'not-ovh-api', authType, statusCode: 200 };
    return { status: 'valid', authType, clockOffsetSeconds: client.clockOffsetSeconds, credential };
  } catch (err) {
    return { ...describeFailure(err, client.base.version !== ''), authType, clockOffsetSeconds: client.clockOffsetSeconds };
  }
}

/** The API's own error codes that name a state of the keys. */
const KEY_STATES: Record<string, DiagnosisStatus> = {
  INVALID_CREDENTIAL: 'invalid-credential',
  NOT_CREDENTIAL: 'unknown-consumer-key',
  INVALID_KEY: 'invalid-application-key',
  INVALID_SIGNATURE: 'invalid-signature',
  QUERY_TIME_OUT: 'clock',
  invalid_client: 'invalid-client',
};

/** Paths of the API itself: a 404 there means a base URL without a version segment lacks it. */
const API_PATHS = new Set(['/auth/time', '/auth/currentCredential', '/me']);

function describeFailure(err: unknown, versioned: boolean): Omit<Diagnosis, 'authType'> {
  if (err instanceof OvhApiError) {
    if (err.statusCode === 404 && API_PATHS.has(err.path) && !versioned) return { status: 'no-version', statusCode: 404 };
    if (!err.isApiErrorBody) return { status: 'not-ovh-api', statusCode: err.statusCode };
    const facts = { detail: apiWords(err), statusCode: err.statusCode, queryId: err.queryId };
    const state = (err.errorCode && KEY_STATES[err.errorCode]) || undefined;
    return { status: state ?? 'error', ...facts };
  }
  if (err instanceof OvhError && (err.code === 'BAD_ANSWER' || err.code === 'ANSWER_TOO_LARGE')) return { status: 'not-ovh-api' };
  if (err instanceof OvhNetworkError) return { status: 'unreachable', detail: err.message };
  if (err instanceof OvhError) return { status: 'error', detail: err.message };
  return { status: 'error', detail: err instanceof Error ? err.message : safeText(err) };
}

/** What an API error says, in a few words: its status, code or class, and message (never its details). */
function apiWords(err: OvhApiError): string {
  const label = err.errorCode ?? err.errorClass;
  const message = (err.apiMessage ?? '').slice(0, 300);
  return `${err.method} ${err.path} failed: ${err.statusCode}${label ? ' ' + label : ''}${message ? ': ' + message : ''}`;
}

/**
 * Words about a failed admin call that may go back to the editor: the API's own error, our own
 * input and network messages, never the body of a server that is not the API.
 */
export function failureText(err: unknown): string {
  if (err instanceof OvhApiError) {
    if (err.isApiErrorBody) return apiWords(err);
    return `${err.method} ${err.path} answered ${err.statusCode}: the URL does not answer like the OVHcloud API`;
  }
  if (err instanceof Error) return err.message;
  return safeText(err);
}

/** Any thrown value as text, even one that refuses to be converted (an object without a prototype). */
function safeText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'an error that is not an Error';
  }
}

const CREDENTIAL_STATES = new Set(['validated', 'pendingValidation', 'expired', 'refused']);
const DATE = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?$/;

/** Only facts of the expected kinds: a server that is not the API must not pass text through here. */
function credentialFacts(body: unknown): CredentialFacts {
  const record = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const date = (value: unknown) => (typeof value === 'string' && DATE.test(value) ? value : undefined);
  const facts: CredentialFacts = {};
  if (typeof record.status === 'string' && CREDENTIAL_STATES.has(record.status)) facts.status = record.status;
  const expiration = record.expiration === null ? null : date(record.expiration);
  if (expiration !== undefined) facts.expiration = expiration;
  const creation = date(record.creation);
  if (creation !== undefined) facts.creation = creation;
  const lastUse = record.lastUse === null ? null : date(record.lastUse);
  if (lastUse !== undefined) facts.lastUse = lastUse;
  if (Array.isArray(record.rules)) {
    facts.rules = record.rules
      .filter(
        (rule): rule is { method: string; path: string } =>
          rule !== null &&
          typeof rule === 'object' &&
          (METHODS as readonly unknown[]).includes((rule as Record<string, unknown>).method) &&
          typeof (rule as Record<string, unknown>).path === 'string' &&
          /^\/[^\s]{0,200}$/.test((rule as Record<string, unknown>).path as string),
      )
      .map(({ method, path }) => ({ method, path }));
  }
  return facts;
}

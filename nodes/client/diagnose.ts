/**
 * Tells what state a set of credentials is in, in terms a person can act on: the logic behind
 * a "Check" button. It never returns a secret, only codes, facts and the API's own messages.
 */
import type { OvhClient } from './client';
import { OvhApiError, OvhError, OvhNetworkError } from './errors';

export type DiagnosisStatus =
  | 'valid'
  | 'invalid-credential'
  | 'unknown-consumer-key'
  | 'invalid-application-key'
  | 'invalid-signature'
  | 'clock'
  | 'invalid-client'
  | 'unreachable'
  | 'error';

export interface Diagnosis {
  status: DiagnosisStatus;
  authType: 'signature' | 'oauth2';
  /** Seconds the OVHcloud clock is ahead of this machine's (negative: behind), when known. */
  clockOffsetSeconds?: number;
  /** For a valid consumer key: what `/auth/currentCredential` says of it. */
  credential?: { status?: unknown; expiration?: unknown; creation?: unknown; lastUse?: unknown; rules?: unknown };
  /** The API's or the network's own words, when something failed. */
  detail?: string;
  statusCode?: number;
  queryId?: string;
}

export async function diagnose(client: OvhClient, signal?: AbortSignal): Promise<Diagnosis> {
  const authType = client.authType;
  try {
    if (authType === 'oauth2') {
      // A token proves the client id and secret; /me may be closed to the account by IAM.
      await client.get('/me', { signal, retry: { maxAttempts: 1 } }).catch((err: unknown) => {
        if (err instanceof OvhApiError && err.statusCode === 403) return null;
        throw err;
      });
      return { status: 'valid', authType };
    }
    await client.serverTime();
    const credential = await client.currentCredential<Record<string, unknown>>(signal);
    return {
      status: 'valid',
      authType,
      clockOffsetSeconds: client.clockOffsetSeconds,
      credential: {
        status: credential.status,
        expiration: credential.expiration,
        creation: credential.creation,
        lastUse: credential.lastUse,
        rules: credential.rules,
      },
    };
  } catch (err) {
    return { ...describeFailure(err), authType, clockOffsetSeconds: client.clockOffsetSeconds };
  }
}

function describeFailure(err: unknown): Omit<Diagnosis, 'authType'> {
  if (err instanceof OvhApiError) {
    const facts = { detail: err.apiMessage ?? err.message, statusCode: err.statusCode, queryId: err.queryId };
    switch (err.errorCode) {
      case 'INVALID_CREDENTIAL':
        return { status: 'invalid-credential', ...facts };
      case 'NOT_CREDENTIAL':
        return { status: 'unknown-consumer-key', ...facts };
      case 'INVALID_KEY':
        return { status: 'invalid-application-key', ...facts };
      case 'INVALID_SIGNATURE':
        return { status: 'invalid-signature', ...facts };
      case 'QUERY_TIME_OUT':
        return { status: 'clock', ...facts };
      case 'invalid_client':
        return { status: 'invalid-client', ...facts };
    }
    return { status: 'error', ...facts, detail: err.message };
  }
  if (err instanceof OvhNetworkError) return { status: 'unreachable', detail: err.message };
  if (err instanceof OvhError) return { status: 'error', detail: err.message };
  return { status: 'error', detail: err instanceof Error ? err.message : String(err) };
}

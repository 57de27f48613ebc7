/**
 * The two ways to authenticate, and which credentials each needs: the one list the client, the
 * config node, its admin routes and its dialog all read.
 */

export type AuthType = 'signature' | 'oauth2';

export const AUTH_TYPES: readonly AuthType[] = ['signature', 'oauth2'];

/** Every credential an account may hold, in the order a person fills them in. */
export const CREDENTIAL_NAMES = ['appKey', 'appSecret', 'consumerKey', 'clientId', 'clientSecret'] as const;
export type CredentialName = (typeof CREDENTIAL_NAMES)[number];
export type Credentials = Partial<Record<CredentialName, string>>;

/** What each auth type needs. */
export const NEEDED_CREDENTIALS: Readonly<Record<AuthType, readonly CredentialName[]>> = {
  signature: ['appKey', 'appSecret', 'consumerKey'],
  oauth2: ['clientId', 'clientSecret'],
};

/** Credentials that are secrets: never shown again, never logged. The others are identifiers. */
export const SECRET_CREDENTIALS: ReadonlySet<CredentialName> = new Set(['appSecret', 'consumerKey', 'clientSecret']);

/** Their names in error messages. */
export const CREDENTIAL_WORDS: Readonly<Record<CredentialName, string>> = {
  appKey: 'application key',
  appSecret: 'application secret',
  consumerKey: 'consumer key',
  clientId: 'client ID',
  clientSecret: 'client secret',
};

export function authTypeOf(value: unknown): AuthType {
  return value === 'oauth2' ? 'oauth2' : 'signature';
}

/** The credentials an auth type needs that are absent or blank, in order. */
export function missingCredentials(authType: AuthType, credentials: Credentials): CredentialName[] {
  return NEEDED_CREDENTIALS[authType].filter((name) => !credentials[name]?.trim());
}

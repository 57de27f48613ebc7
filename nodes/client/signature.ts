import { createHash } from 'node:crypto';

/**
 * The OVHcloud request signature:
 * "$1$" + lowercase hex SHA-1 of AS+CK+METHOD+URL+BODY+TS, joined with "+", hashed as UTF-8.
 * `url` must be the absolute URL exactly as sent, and `body` the exact body string ("" for none).
 */
export function signRequest(
  appSecret: string,
  consumerKey: string,
  method: string,
  url: string,
  body: string,
  timestamp: number | string,
): string {
  const toSign = appSecret + '+' + consumerKey + '+' + method + '+' + url + '+' + body + '+' + timestamp;
  return '$1$' + createHash('sha1').update(toSign, 'utf8').digest('hex');
}

/** signRequest with the account's own part joined once: what a client signs every call with. */
export type Signer = (method: string, url: string, body: string, timestamp: string) => string;

export function signerFor(appSecret: string, consumerKey: string): Signer {
  const prefix = appSecret + '+' + consumerKey + '+';
  return (method, url, body, timestamp) =>
    '$1$' +
    createHash('sha1')
      .update(prefix + method + '+' + url + '+' + body + '+' + timestamp, 'utf8')
      .digest('hex');
}

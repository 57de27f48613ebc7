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

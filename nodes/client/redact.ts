/**
 * Secrets a server sends back. A debugging proxy, a misconfigured URL or a careless API may quote
 * what it was sent in its error answer: the request's headers (the consumer key, the signature),
 * the token request's form (the client secret), the Authorization header (the bearer token).
 * Every error the client builds from an answer is built from a copy where each of those values
 * is replaced by SECRET_MASK, so no secret reaches an error's message, its body or headers, a
 * msg, a status or a log line. Only error paths pay for it: successful answers are not searched.
 */
import { MOST_NESTING } from './depth';

/** What a secret is replaced with. */
export const SECRET_MASK = '[secret]';

/**
 * Values shorter than this are not masked. OVHcloud's secrets and tokens are 32 characters or
 * more; a value of a few characters is a placeholder or a typo ("secret", "consumer"), and
 * masking it would garble the ordinary words of every error that contains it, while hiding
 * nothing an attacker could not guess.
 */
export const SHORTEST_MASKED = 10;

/** The secret values one client sends, in every form an answer may quote them, longest first. */
export class Secrets {
  static readonly none = new Secrets([]);

  /**
   * Every form in one pattern, longest first (a secret that holds another is masked whole): one
   * pass over each string, several times faster than searching for each form in turn.
   */
  private readonly pattern: RegExp | undefined;

  private constructor(private readonly forms: readonly string[]) {
    this.pattern = forms.length === 0 ? undefined : new RegExp(forms.map(escapeForPattern).join('|'), 'g');
  }

  /** The list for these values (undefined and short values are left out), built once per client. */
  static of(values: ReadonlyArray<string | undefined>): Secrets {
    return Secrets.none.and(values);
  }

  /**
   * This list with more values: those of one attempt (its bearer token, its signature). Built
   * only when an attempt failed.
   */
  and(values: ReadonlyArray<string | undefined>): Secrets {
    const forms = new Set(this.forms);
    for (const value of values) {
      if (typeof value !== 'string' || value.length < SHORTEST_MASKED) continue;
      for (const form of quotedForms(value)) forms.add(form);
    }
    if (forms.size === this.forms.length) return this;
    return new Secrets([...forms].sort((a, b) => b.length - a.length));
  }

  get empty(): boolean {
    return this.forms.length === 0;
  }

  /** The text with every secret masked. */
  text(text: string): string {
    // The mask holds no `$`: nothing in it is read as a replacement pattern.
    return this.pattern === undefined ? text : text.replace(this.pattern, SECRET_MASK);
  }

  /**
   * A copy of a value (a parsed answer, its headers) with every secret masked in its strings
   * and keys, at any depth up to MOST_NESTING (what an answer may nest: deeper ones are refused
   * unread); anything nested deeper is replaced whole by the mask. Values without a string in
   * them come back as they are.
   */
  value<T>(value: T): T {
    return this.forms.length === 0 ? value : (this.copy(value, 0) as T);
  }

  private copy(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
    if (depth >= MOST_NESTING) return SECRET_MASK;
    if (Array.isArray(value)) return value.map((item) => this.copy(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const masked = this.text(key);
      const item = this.copy((value as Record<string, unknown>)[key], depth + 1);
      // A `__proto__` key (JSON.parse makes it an own key) stays a plain key of the copy.
      if (masked === '__proto__')
        Object.defineProperty(copy, masked, { value: item, enumerable: true, writable: true, configurable: true });
      else copy[masked] = item;
    }
    return copy;
  }
}

/**
 * A value as sent and as an answer may quote it: itself (also what a parsed JSON string holds),
 * form-encoded (the token request's body), percent-encoded, and escaped inside JSON text (an
 * answer that is not parsed, e.g. `text/plain` holding JSON).
 */
function quotedForms(value: string): string[] {
  return [
    value,
    new URLSearchParams({ v: value }).toString().slice(2),
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
  ];
}

function escapeForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

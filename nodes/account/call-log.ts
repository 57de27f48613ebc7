/**
 * "Log calls" on an account: one line per call at Node-RED's info level, so a person can see what
 * a flow really sent (method, path as written, status, time, attempts, query id; with bodies, the
 * bodies with every secret masked by the client). Adapts the client's call observer to node.log.
 */
import type { CallObserver, CallRecord } from '../client';
import type { Node } from '../node-red';

/** The account's choice: no lines, a line per call, or a line per call with its bodies. */
export type LogCalls = 'off' | 'calls' | 'bodies';

export function logCallsOf(value: unknown): LogCalls {
  return value === 'calls' || value === 'bodies' ? value : 'off';
}

/** The client options that log the calls of an account into its node's log (none when off). */
export function callLogOptions(node: Node, mode: LogCalls): { onCall?: CallObserver; observeBodies?: boolean } {
  if (mode === 'off') return {};
  return { onCall: (record) => node.log(callLine(record)), observeBodies: mode === 'bodies' };
}

/**
 * `GET /me 200 in 45 ms, 1 attempt, query id EU.ext-3...` and, with bodies, what was sent and
 * answered. One format in every language, like an access log: what a person greps for and
 * OVHcloud's support reads.
 */
export function callLine(record: CallRecord): string {
  const outcome = [record.statusCode, record.error].filter((part) => part !== undefined).join(' ') || '-';
  const attempts = `${record.attempts} attempt${record.attempts === 1 ? '' : 's'}`;
  let line = `${record.method} ${oneLine(record.path)} ${outcome} in ${record.durationMs} ms, ${attempts}`;
  if (record.queryId !== undefined) line += `, query id ${record.queryId}`;
  if (record.sent !== undefined) line += ` sent: ${oneLine(record.sent)}`;
  if (record.answered !== undefined) line += ` answered: ${oneLine(record.answered)}`;
  return line;
}

/**
 * A text on one line: line breaks and every other control character escaped (`\n`, `\u001b`), so
 * one call stays one log line and an answer cannot write into the terminal or forge a line.
 */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) =>
    ch === '\n' ? '\\n' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

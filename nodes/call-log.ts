/**
 * "Log calls" on an account: one line per call at Node-RED's info level, so a person can see what
 * a flow really sent (method, path as written, status, time, attempts, query id; with bodies, the
 * bodies with every secret masked by the client). Adapts the client's call observer to node.log.
 */
import type { CallObserver, CallRecord } from './client';
import type { Node, NodeAPI } from './node-red';

/** The account's choice: no lines, a line per call, or a line per call with its bodies. */
export type LogCalls = 'off' | 'calls' | 'bodies';

export function logCallsOf(value: unknown): LogCalls {
  return value === 'calls' || value === 'bodies' ? value : 'off';
}

/** The client options that log the calls of an account into its node's log (none when off). */
export function callLogOptions(node: Node, RED: NodeAPI, mode: LogCalls): { onCall?: CallObserver; observeBodies?: boolean } {
  if (mode === 'off') return {};
  return { onCall: (record) => node.log(callLine(RED, record)), observeBodies: mode === 'bodies' };
}

/** `GET /me 200 in 45 ms, 1 attempt, query id EU.ext-3...` and, with bodies, what was sent and answered. */
export function callLine(RED: NodeAPI, record: CallRecord): string {
  const outcome = record.statusCode === undefined ? (record.error ?? '-') : String(record.statusCode);
  let line = RED._('ovh-credentials.log.call', {
    method: record.method,
    path: record.path,
    outcome: record.error && record.statusCode !== undefined ? `${outcome} ${record.error}` : outcome,
    ms: record.durationMs,
    attempts: record.attempts,
    queryId: record.queryId ?? '-',
  });
  if (record.sent !== undefined) line += ' ' + RED._('ovh-credentials.log.sent', { body: oneLine(record.sent) });
  if (record.answered !== undefined) line += ' ' + RED._('ovh-credentials.log.answered', { body: oneLine(record.answered) });
  return line;
}

/** A body on one line: its line breaks escaped, so one call stays one log line. */
function oneLine(text: string): string {
  return text.replace(/\r?\n|\r/g, '\\n');
}

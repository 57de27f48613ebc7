/** The dialogs' calls to the package's admin endpoints (admin-routes.ts, account-routes.ts, catalogue-routes.ts). */
import { requestText } from './i18n';

/** What an admin route answers when it refuses: its reason. */
interface Refusal {
  error?: string;
  detail?: string;
}

/** A JSON POST. A relative URL: only those carry the admin token when adminAuth is on. */
export function post<T>(path: string, body: unknown): JQuery.jqXHR<T> {
  return $.ajax({ url: path, type: 'POST', contentType: 'application/json', data: JSON.stringify(body), dataType: 'json' });
}

/** A JSON GET with a query, relative as `post`. */
export function get<T>(path: string, query: Record<string, string | number>): JQuery.jqXHR<T> {
  return $.getJSON(path + '?' + $.param(query));
}

/** Why an admin call failed, in words: the route's reason, else the HTTP status. */
export function failureText(xhr: JQuery.jqXHR): string {
  const answer = (xhr.responseJSON || {}) as Refusal;
  return answer.error || answer.detail || xhr.statusText || String(xhr.status);
}

/** As failureText, but a user who may only read is told so (a call with the account's keys). */
export function failureWords(xhr: JQuery.jqXHR): string {
  if (xhr.status === 401 || xhr.status === 403) return requestText('ovh-request.try.readOnly');
  return failureText(xhr);
}

/** Whether this Node-RED user may act with the account's keys (Try, values). */
export function mayWrite(): boolean {
  return !(RED.user && typeof RED.user.hasPermission === 'function') || RED.user.hasPermission('ovh-credentials.write');
}

/**
 * IAM for an OAuth2 service account, from the calls its flows make: the IAM actions those calls
 * need (each operation's `iamActions` in the API's description), with who needs each; the
 * resource types those actions act on; a policy for `POST /v2/iam/policy` giving the account's
 * identity exactly those actions on the resources chosen; and what an authorization check (or an
 * IAM 403) says is missing. Pure: the descriptions, the identity and the answers are the caller's.
 *
 * The calls come from whoever may read the flows, and the answers from the API: every list is
 * bounded (MOST_*), and every text read from an answer is checked for its shape and length.
 */
import type { FlowCall } from './flow-rules';
import { OvhInputError } from './errors';

/** More distinct IAM actions than any set of flows needs (the whole API has a few thousand). */
export const MOST_ACTIONS = 1000;
/** Resources one policy or one check names (the real API's limits are not documented). */
export const MOST_RESOURCES = 1000;
/** Names kept of who needs one action: enough to find them in the flows. */
export const MOST_NEEDED_BY = 100;
/** An action, a URN or a name longer than this is none the API writes. */
const MOST_TEXT = 500;

/** An IAM action as the API writes it: `dnsZone:apiovh:record/create`, `account:apiovh:me/get`. */
const ACTION = /^[A-Za-z0-9]+:[A-Za-z0-9]+:[A-Za-z0-9/_.*-]+$/;
/** A resource URN: `urn:v1:eu:resource:dnsZone:example.com`. */
const RESOURCE_URN = /^urn:v1:[a-z]+:resource:([A-Za-z0-9]+):\S+$/;
/** A service account's identity: `urn:v1:eu:identity:credential:xx1234-ovh/oauth2-<clientId>`. */
const SERVICE_ACCOUNT_URN = /^urn:v1:[a-z]+:identity:credential:[^\s/]+\/oauth2-\S+$/;

export interface NeededAction {
  action: string;
  /** The resource type it acts on (`dnsZone`); `account` for the account itself. */
  resourceType: string;
  /** Who makes a call that needs it. */
  by: string[];
}

export interface IamNeeds {
  actions: NeededAction[];
  /** The resource types the actions act on, sorted. */
  resourceTypes: string[];
  /** Calls the API's description does not describe: no action can be said for them. */
  undescribed: Array<{ method: string; path: string; by: string[] }>;
}

/** The resource type an action acts on: `dnsZone` for `dnsZone:apiovh:record/create`. */
export function resourceTypeOf(action: string): string {
  return action.slice(0, action.indexOf(':'));
}

/** The resource type a resource URN names (`dnsZone`), or undefined for a text that is not one. */
export function resourceTypeOfUrn(urn: string): string | undefined {
  return RESOURCE_URN.exec(urn)?.[1];
}

/**
 * The IAM actions the calls need, each with who needs it, sorted by action. `actionsOf` gives an
 * operation's actions, or undefined when the description knows no such operation; an operation
 * that needs no action (`/auth/...`, the authorization checks) adds none.
 */
export function neededIamActions(
  calls: readonly FlowCall[],
  actionsOf: (call: FlowCall) => readonly string[] | undefined,
): IamNeeds {
  const byAction = new Map<string, Set<string>>();
  const undescribed = new Map<string, { method: string; path: string; by: Set<string> }>();
  for (const call of calls) {
    const actions = actionsOf(call);
    if (actions === undefined) {
      const key = `${call.method} ${call.path}`;
      let entry = undescribed.get(key);
      if (!entry) undescribed.set(key, (entry = { method: call.method, path: call.path, by: new Set() }));
      if (entry.by.size < MOST_NEEDED_BY) entry.by.add(call.by);
      continue;
    }
    for (const action of actions) {
      if (!ACTION.test(action) || action.length > MOST_TEXT) continue; // not an action: nothing a policy could name
      let by = byAction.get(action);
      if (!by) {
        if (byAction.size >= MOST_ACTIONS) throw new OvhInputError(`The flows need more than ${MOST_ACTIONS} IAM actions`);
        byAction.set(action, (by = new Set()));
      }
      if (by.size < MOST_NEEDED_BY) by.add(call.by);
    }
  }
  const actions = [...byAction]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([action, by]) => ({ action, resourceType: resourceTypeOf(action), by: [...by] }));
  return {
    actions,
    resourceTypes: [...new Set(actions.map((a) => a.resourceType))].sort(),
    undescribed: [...undescribed.values()].map((u) => ({ method: u.method, path: u.path, by: [...u.by] })),
  };
}

/**
 * The identity a service account acts as, from its `oauth2.client` (`GET
 * /me/api/oauth2/client/{clientId}` answers it as `identity`); undefined when the answer does not
 * name one of that shape.
 */
export function serviceAccountIdentity(client: unknown): string | undefined {
  const identity = client !== null && typeof client === 'object' ? (client as Record<string, unknown>).identity : undefined;
  return typeof identity === 'string' && identity.length <= MOST_TEXT && SERVICE_ACCOUNT_URN.test(identity)
    ? identity
    : undefined;
}

/** iam.policy.Creation, as `POST /v2/iam/policy` takes it. */
export interface PolicyCreation {
  name: string;
  description: string;
  identities: string[];
  resources: Array<{ urn: string }>;
  permissions: { allow: Array<{ action: string }> };
}

export interface PolicyDraft {
  policy: PolicyCreation;
  /** Actions none of the chosen resources is of the type of: the policy would not allow them anywhere. */
  uncovered: string[];
}

/**
 * The policy giving an identity the actions on the resources chosen. Refused (OvhInputError) with
 * no action, no resource, a resource or an identity that is not a URN of its kind, or a name the
 * API would not take.
 */
export function policyFor(input: {
  name: string;
  description?: string;
  identity: string;
  actions: readonly string[];
  resources: readonly string[];
}): PolicyDraft {
  const name = input.name.trim();
  if (name === '' || name.length > 100) throw new OvhInputError('Give the policy a name of 1 to 100 characters');
  if (!SERVICE_ACCOUNT_URN.test(input.identity)) throw new OvhInputError('The identity is not a service account URN');
  const actions = [...new Set(input.actions)];
  if (actions.length === 0) throw new OvhInputError('No IAM action to allow: the flows make no call that needs one');
  if (actions.length > MOST_ACTIONS || actions.some((a) => !ACTION.test(a) || a.length > MOST_TEXT)) {
    throw new OvhInputError(`Give at most ${MOST_ACTIONS} IAM actions, each as the API writes them`);
  }
  const resources = [...new Set(input.resources)];
  if (resources.length === 0) throw new OvhInputError('Choose the resources the policy is for');
  if (resources.length > MOST_RESOURCES || resources.some((urn) => urn.length > MOST_TEXT || !RESOURCE_URN.test(urn))) {
    throw new OvhInputError(`Choose at most ${MOST_RESOURCES} resources, each by its URN (urn:v1:...:resource:...)`);
  }
  const types = new Set(resources.map(resourceTypeOfUrn));
  return {
    policy: {
      name,
      description: (input.description ?? '').slice(0, 300),
      identities: [input.identity],
      resources: resources.map((urn) => ({ urn })),
      permissions: { allow: actions.map((action) => ({ action })) },
    },
    uncovered: actions.filter((action) => !types.has(resourceTypeOf(action))),
  };
}

/** An iam.AuthorizeBatchResponse (or an iam.AuthorizeResponse with the URN it was asked of), as answered. */
export interface AuthorizationAnswer {
  resourceURN?: unknown;
  authorizedActions?: unknown;
  unauthorizedActions?: unknown;
}

/** One thing an identity may not do: an action on a resource, and who needs it. */
export interface MissingAction {
  action: string;
  resourceURN: string;
  by: string[];
}

/**
 * What authorization checks say is missing (`iam.AuthorizeBatchResponse[]`, or one
 * `iam.AuthorizeResponse` with the resource it was asked of): each needed action refused on a
 * resource of its type. A refusal of an action on a resource of another type is not missing:
 * no call makes it. Parts of the answer that are not of the model's shape are skipped.
 */
export function missingActions(needed: readonly NeededAction[], answers: ReadonlyArray<AuthorizationAnswer>): MissingAction[] {
  const byAction = new Map(needed.map((n) => [n.action, n]));
  const missing: MissingAction[] = [];
  for (const answer of answers.slice(0, MOST_RESOURCES)) {
    const urn = answer.resourceURN;
    if (typeof urn !== 'string' || urn.length > MOST_TEXT) continue;
    const type = resourceTypeOfUrn(urn);
    const refused = Array.isArray(answer.unauthorizedActions) ? answer.unauthorizedActions.slice(0, MOST_ACTIONS) : [];
    for (const action of refused) {
      const need = typeof action === 'string' ? byAction.get(action) : undefined;
      if (need && need.resourceType === type) missing.push({ action: need.action, resourceURN: urn, by: need.by });
    }
  }
  return missing;
}

/**
 * What an IAM 403 says is refused (`details.unauthorizedActionsByIAM`, one action or several
 * separated by commas, and `details.urn`); undefined for any other error's details.
 */
export function refusedByIam(details: unknown): { actions: string[]; urn?: string } | undefined {
  if (details === null || typeof details !== 'object') return undefined;
  const { unauthorizedActionsByIAM: named, urn } = details as Record<string, unknown>;
  const list = Array.isArray(named) ? named : typeof named === 'string' ? named.split(',') : undefined;
  if (!list) return undefined;
  const actions = list
    .filter((a): a is string => typeof a === 'string')
    .map((a) => a.trim())
    .filter((a) => ACTION.test(a) && a.length <= MOST_TEXT)
    .slice(0, MOST_ACTIONS);
  return {
    actions,
    ...(typeof urn === 'string' && urn.length <= MOST_TEXT && RESOURCE_URN.test(urn) ? { urn } : {}),
  };
}

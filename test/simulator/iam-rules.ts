/**
 * IAM as the simulator applies it to OAuth2 service accounts: a service account's identity URN,
 * the account's resources (iam.resource.Resource, from what the made-up account holds), and
 * whether the policies allow an identity each IAM action an operation needs on the resource its
 * path names. The actions are the operation's `iamActions` in the API's description: the copy
 * the simulator serves for the family (test/fixtures/ovh-api-schemas), else the whole API's
 * (test/fixtures/ovh-api-schemas/full), read once per process.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  familyOf,
  findOperation,
  locate,
  readFamily,
  readFamilyList,
  type Branch,
  type Operation,
} from '../../nodes/client/catalogue';
import type { SimData, SimPolicy } from './data';

/** The simulator's account lives in the EU region: its URNs say `eu`. */
export const IAM_REGION = 'eu';

const SCHEMA_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'ovh-api-schemas');

/** iam.resource.Resource */
export interface IamResource {
  id: string;
  urn: string;
  name: string;
  displayName: string;
  type: string;
  owner: string;
  tags: Record<string, string>;
}

/** `urn:v1:eu:identity:credential:xx1234-ovh/oauth2-<clientId>`: what a service account acts as. */
export function serviceAccountIdentity(data: SimData, clientId: string): string {
  return `urn:v1:${IAM_REGION}:identity:credential:${String(data.me.nichandle)}/oauth2-${clientId}`;
}

export function resourceUrn(type: string, name: string): string {
  return `urn:v1:${IAM_REGION}:resource:${type}:${name}`;
}

/** Every resource the account holds, as GET /v2/iam/resource lists them. */
export function accountResources(data: SimData): IamResource[] {
  const owner = String(data.me.nichandle);
  const resource = (type: string, name: string, displayName = name): IamResource => {
    const urn = resourceUrn(type, name);
    return { id: uuidOf(urn), urn, name, displayName, type, owner, tags: {} };
  };
  return [
    resource('account', owner),
    ...Object.keys(data.domains).map((name) => resource('domain', name)),
    ...Object.keys(data.zones).map((name) => resource('dnsZone', name)),
    ...Object.keys(data.sms).map((name) => resource('sms', name)),
    ...Object.keys(data.servers).map((name) => resource('dedicatedServer', name)),
    ...data.vps.map((name) => resource('vps', name)),
    ...Object.entries(data.cloud).map(([id, { project }]) =>
      resource('publicCloudProject', id, String(project.projectName ?? id)),
    ),
    ...Object.keys(data.ips).map((name) => resource('ip', name)),
  ];
}

/** A uuid made from a text, so a resource keeps its id from run to run. */
function uuidOf(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** An IAM action pattern of a policy (`vps:apiovh:*`, `*`) against an action. */
function actionMatches(pattern: string, action: string): boolean {
  const regex =
    '^' +
    pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*') +
    '$';
  return new RegExp(regex).test(action);
}

/** The resource type an action acts on: `dnsZone` for `dnsZone:apiovh:record/create`. */
export function actionResourceType(action: string): string {
  return action.split(':')[0];
}

/**
 * Whether the policies allow an identity an action on a resource: a policy naming the identity
 * and the resource allows it and does not except it, and no policy naming them denies it.
 * A policy past its `expiredAt` no longer applies.
 */
export function policiesAllow(policies: readonly SimPolicy[], identity: string, action: string, urn: string): boolean {
  const now = Date.now();
  const applying = policies.filter(
    (p) =>
      p.identities.includes(identity) &&
      p.resources.some((r) => r.urn === urn) &&
      !(typeof p.expiredAt === 'string' && Date.parse(p.expiredAt) <= now),
  );
  const listed = (list: Array<{ action: string }> | null | undefined) =>
    (list ?? []).some((a) => actionMatches(a.action, action));
  if (applying.some((p) => listed(p.permissions.deny))) return false;
  return applying.some((p) => listed(p.permissions.allow) && !listed(p.permissions.except));
}

/** What an operation needs: each action with the resource it acts on (undefined: any resource of its type, for a list). */
export interface Needed {
  action: string;
  urn: string | undefined;
  type: string;
}

/**
 * The actions an operation needs on the resources its path names: an `account:` action acts on
 * the account; another on the resource the path's first placeholder names (`{zoneName}` in
 * `/domain/zone/{zoneName}/record`), or on any resource of its type for a list (`GET /domain/zone`).
 */
export function neededActions(data: SimData, operation: Operation, apiPath: string): Needed[] {
  const template = operation.path.split('/');
  const segments = apiPath.split('/');
  const first = template.findIndex((part) => /^\{[^/{}]+\}$/.test(part));
  let named: string | undefined;
  if (first !== -1 && segments[first] !== undefined) {
    try {
      named = decodeURIComponent(segments[first]);
    } catch {
      named = segments[first];
    }
  }
  return operation.iamActions.map((action) => {
    const type = actionResourceType(action);
    if (type === 'account') return { action, type, urn: resourceUrn('account', String(data.me.nichandle)) };
    return { action, type, urn: named === undefined ? undefined : resourceUrn(type, named) };
  });
}

/**
 * The actions refused to an identity among those an operation needs, with the first refused
 * resource; none when all are allowed. A list's action is allowed when some resource of its type is.
 */
export function refusedActions(
  data: SimData,
  identity: string,
  needed: readonly Needed[],
): { actions: string[]; urn: string } | undefined {
  const resources = accountResources(data);
  const refused = needed.filter(({ action, urn, type }) =>
    urn !== undefined
      ? !policiesAllow(data.policies, identity, action, urn)
      : !resources.some((r) => r.type === type && policiesAllow(data.policies, identity, action, r.urn)),
  );
  if (refused.length === 0) return undefined;
  return {
    actions: refused.map((n) => n.action),
    urn: refused[0].urn ?? resourceUrn(refused[0].type, '*'),
  };
}

/** Families' operations by file, read once per process: the descriptions do not change. */
const families = new Map<string, Operation[] | null>();
const familyLists = new Map<Branch, string[]>();

/** The operation the API's description gives a call of the simulator, if it describes one. */
export function describedOperation(method: string, apiPath: string): Operation | undefined {
  const located = locate(apiPath);
  let names = familyLists.get(located.branch);
  if (!names) {
    names = readFamilyList(JSON.parse(readDescription(located.branch, 'index') ?? '{"apis":[]}'));
    familyLists.set(located.branch, names);
  }
  const name = familyOf(names, located);
  if (name === undefined) return undefined;
  const key = `${located.branch}${name}`;
  let operations = families.get(key);
  if (operations === undefined) {
    const text = readDescription(located.branch, name.slice(1));
    operations = text === undefined ? null : readFamily(located.branch, name, JSON.parse(text)).operations;
    families.set(key, operations);
  }
  return operations ? findOperation(operations, method, located.path) : undefined;
}

/** A description's text: the served copy when there is one, else the whole API's. */
function readDescription(branch: Branch, file: string): string | undefined {
  const served = path.join(SCHEMA_DIR, branch, `${file}.json`);
  if (fs.existsSync(served)) return fs.readFileSync(served, 'utf8');
  const full = path.join(SCHEMA_DIR, 'full', branch, `${file}.json.gz`);
  if (fs.existsSync(full)) return zlib.gunzipSync(fs.readFileSync(full)).toString('utf8');
  return undefined;
}

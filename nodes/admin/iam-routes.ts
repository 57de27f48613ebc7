/**
 * The account dialog's IAM questions for an OAuth2 service account, whose rights are IAM policies
 * (not a consumer key's access rules): the IAM actions the flows' calls need (each operation's
 * `iamActions` in the API's description), the account's resources to choose from, the policy that
 * allows exactly those actions on the resources chosen (and its creation through another account,
 * once confirmed), and a Check asking the API what the service account may not do yet.
 *
 * The calls come as "Rules for my flows" sends them, read with the same budgets and one question
 * at a time (rules-routes.ts). Only the first question reads nothing but the flows and the API's
 * public description, so whoever may read the flows may ask it; the others call the API with a
 * deployed account's keys, so they need `ovh-credentials.write`. Accounts are named by their id,
 * never by keys from the browser, and no answer or error holds a secret.
 */
import {
  OvhInputError,
  MOST_RESOURCES,
  failureText,
  isPlainObject,
  missingActions,
  neededIamActions,
  policyFor,
  resourceTypeOfUrn,
  serviceAccountIdentity,
  type AuthorizationAnswer,
  type FlowCall,
  type IamNeeds,
  type MissingAction,
  type NeededAction,
  type PolicyCreation,
  type PolicyDraft,
  type OvhClient,
  type Operation,
} from '../client';
import { credentialOf } from '../account/config';
import type { Catalogues } from '../account/api-catalogue';
import type { DeployedAccounts } from '../account/deployed-accounts';
import { runningAccount } from './try-and-values-routes';
import { apiOf } from './catalogue-routes';
import { checkQuestionSize, gatherCalls, oneAtATime, questionDeadline, questionRefusal } from './flow-rules-routes';
import { finishInSlices } from '../client/work';
import type { AdminRequest, AdminResponse, NodeAPI } from '../node-red';

/** A whole question, API calls included: a dialog waits no longer. */
const MOST_QUESTION_MS = 20_000;
/** Every answer stays under this size in bytes. */
const MOST_ANSWER_BYTES = 1024 * 1024;
/** A resource's name or display name, as shown in the dialog. */
const MOST_NAME_LENGTH = 200;
/** Resources read per page of GET /v2/iam/resource, and pages of an authorization check followed. */
const RESOURCES_PAGE_SIZE = 500;
const MOST_CHECK_PAGES = 10;
/** Looking up operations pauses this often for other flows (as Rules for my flows' work does). */
const LOOKUP_SLICE_MS = 10;
/** Reasons kept of families that could not be read. */
const MOST_REASONS = 20;

type Body = Record<string, unknown>;

/*
 * The routes, all POST with a JSON body; `calls` is the list "Rules for my flows" sends
 * ([{method, path, mode?, wait?, by}], at most 2,000, 1 MB); accounts are deployed ovh-credentials
 * ids. Errors answer {error} (400 bad input, 413 too much, 502 the API or a timeout).
 * - /ovh-credentials/iam/actions (read): {account | region, calls} -> IamActionsAnswer
 * - /ovh-credentials/iam/resources (write): {account, types: string[]} -> IamResourcesAnswer
 * - /ovh-credentials/iam/policy-draft (write): {account (OAuth2), through, calls, resources: URNs, name?} -> PolicyDraftAnswer
 * - /ovh-credentials/iam/create-policy (write): the same and {confirmed: true} -> PolicyCreatedAnswer
 * - /ovh-credentials/iam/check (write): {account (OAuth2), calls, resources?: URNs} -> IamCheckAnswer
 */

/** The nodes whose call makes no rule, and why families of the API's description could not be read. */
interface CallReadings {
  unusable: Array<{ by: string; reason: string }>;
  unreadable: string[];
}

export type IamActionsAnswer = IamNeeds & CallReadings;

export interface IamResourceChoice {
  urn: string;
  type: string;
  name: string;
  displayName: string;
}

export interface IamResourcesAnswer {
  resources: IamResourceChoice[];
  /** More resources than listed (at most MOST_RESOURCES are). */
  more: boolean;
}

export interface PolicyDraftAnswer extends PolicyDraft, CallReadings {
  identity: string;
  actions: NeededAction[];
  undescribed: IamNeeds['undescribed'];
}

export interface PolicyCreatedAnswer {
  created: { id: string; name: string };
  policy: PolicyCreation;
  identity: string;
  uncovered: string[];
}

export interface IamCheckAnswer extends CallReadings {
  actions: NeededAction[];
  /** The resources asked about: those chosen, or else the account's of the actions' types. */
  checked: string[];
  missing: MissingAction[];
  /** Actions no checked resource is of the type of. */
  unchecked: string[];
  /** Nothing missing, and nothing unchecked. */
  allowed: boolean;
  undescribed: IamNeeds['undescribed'];
}

export function registerIamRoutes(RED: NodeAPI, deployed: DeployedAccounts, catalogues: Catalogues): void {
  /** The IAM needs of a question's calls, in the API its query names (a deployed account or a region). */
  const needsOf = (body: Body, api: Record<string, unknown>, signal: AbortSignal) => {
    const baseUrl = apiOf(deployed, api);
    return callNeeds(body, (method, callPath) => catalogues.describedOperation(baseUrl, method, callPath), signal);
  };
  const route = (
    routePath: string,
    permission: 'read' | 'write',
    answer: (body: Body, signal: AbortSignal) => Promise<unknown>,
  ) =>
    RED.httpAdmin.post(
      routePath,
      RED.auth.needsPermission(`ovh-credentials.${permission}`),
      (req: AdminRequest, res: AdminResponse) => {
        const signal = AbortSignal.timeout(MOST_QUESTION_MS);
        // The whole question, however long the API or its description takes to answer.
        const late = new Promise<never>((_resolve, reject) =>
          signal.addEventListener('abort', () =>
            reject(new Error(`No whole answer within ${MOST_QUESTION_MS / 1000} s: the API answers too slowly`)),
          ),
        );
        late.catch(() => undefined);
        const question = Promise.resolve().then(() => {
          checkQuestionSize(req);
          return answer(isPlainObject(req.body) ? req.body : {}, signal);
        });
        Promise.race([question, late])
          // Written in a turn of its own, and made JSON once: an answer of hundreds of KB is not
          // written in the turn that worked it out.
          .then(async (body) => {
            await nextTurn();
            const text = JSON.stringify(body);
            if (Buffer.byteLength(text) > MOST_ANSWER_BYTES)
              throw new Error('The answer is too large to show: choose fewer resources');
            return text;
          })
          .then(
            (text) => {
              res.status(200).setHeader('Content-Type', 'application/json; charset=utf-8');
              res.end(text);
            },
            (err: unknown) => {
              const status = questionRefusal(err) ?? (err instanceof OvhInputError ? 400 : 502);
              res.status(status).json({ error: failureText(err) });
            },
          )
          // An answer that cannot be written (the connection gone): logged, never an unhandled rejection.
          .catch((err: unknown) => RED.log.warn(`${routePath}: ${err instanceof Error ? err.message : String(err)}`));
      },
    );

  /** The deployed OAuth2 account a question is about, its running client, and its client id. */
  const serviceAccount = (id: unknown) => {
    const account = deployed.get(id);
    if (account && account.config.authType !== 'oauth2') {
      throw new OvhInputError(
        'This account signs with a consumer key: its rights are its access rules ("Rules for my flows"), not IAM policies',
      );
    }
    const node = runningAccount(RED, deployed, id);
    const clientId = credentialOf('clientId', account!.config, account!.credentials, process.env);
    if (!clientId) throw new OvhInputError('This account has no client ID');
    return { client: node.getClient(), clientId };
  };

  // The IAM actions the flows need: the flows and the API's public description only.
  route('/ovh-credentials/iam/actions', 'read', async (body, signal): Promise<IamActionsAnswer> => {
    const { needs, unusable, unreadable } = await needsOf(body, { account: body.account, region: body.region }, signal);
    return { ...needs, unusable, unreadable };
  });

  // The account's resources of the types named (those the actions act on), to choose from.
  route('/ovh-credentials/iam/resources', 'write', async (body, signal): Promise<IamResourcesAnswer> => {
    const client = runningAccount(RED, deployed, body.account).getClient();
    const types = Array.isArray(body.types)
      ? body.types.filter((t): t is string => typeof t === 'string' && /^[A-Za-z0-9]{1,100}$/.test(t))
      : [];
    if (types.length === 0) throw new OvhInputError('Name the resource types to list (types: ["dnsZone", ...])');
    return listResources(client, types, signal);
  });

  /** The policy for the flows' actions on the resources chosen, with the identity read through `through`. */
  const draft = async (body: Body, signal: AbortSignal) => {
    const { clientId } = serviceAccount(body.account);
    const through = runningAccount(RED, deployed, body.through).getClient();
    const resources = urnsOf(body.resources);
    const { needs, unusable, unreadable } = await needsOf(body, { account: body.account }, signal);
    const read = await through.get<unknown>('/me/api/oauth2/client/{clientId}', { params: { clientId }, retry: false, signal });
    const identity = serviceAccountIdentity(read);
    if (!identity) throw new Error(`The API named no IAM identity for the service account ${clientId}`);
    const made = policyFor({
      name: typeof body.name === 'string' && body.name.trim() !== '' ? body.name : `node-red-${clientId}`.slice(0, 100),
      description: 'The IAM actions the Node-RED flows using this service account need',
      identity,
      actions: needs.actions.map((a) => a.action),
      resources,
    });
    return { ...made, identity, actions: needs.actions, undescribed: needs.undescribed, unusable, unreadable, through };
  };

  route('/ovh-credentials/iam/policy-draft', 'write', async (body, signal): Promise<PolicyDraftAnswer> => {
    const { through: _through, ...answer } = await draft(body, signal);
    return answer;
  });

  // Made through another account (one that may create policies), only once the user confirmed it.
  route('/ovh-credentials/iam/create-policy', 'write', async (body, signal): Promise<PolicyCreatedAnswer> => {
    if (body.confirmed !== true) throw new OvhInputError('Confirm the policy first: it gives the service account these rights');
    const { through, policy, uncovered, identity } = await draft(body, signal);
    const created = await through.post<unknown>('/v2/iam/policy', policy, { retry: false, signal });
    const answer = isPlainObject(created) ? created : {};
    return {
      created: { id: shortText(answer.id), name: shortText(answer.name) },
      policy,
      identity,
      uncovered,
    };
  });

  // Check: the API asked what the service account may do of what the flows need, on which resources.
  route('/ovh-credentials/iam/check', 'write', async (body, signal): Promise<IamCheckAnswer> => {
    const { client } = serviceAccount(body.account);
    const { needs, unusable, unreadable } = await needsOf(body, { account: body.account }, signal);
    const chosen = body.resources === undefined ? [] : urnsOf(body.resources);
    const urns =
      chosen.length > 0
        ? chosen
        : needs.resourceTypes.length > 0
          ? (await listResources(client, needs.resourceTypes, signal)).resources.map((r) => r.urn)
          : [];
    const answers = needs.actions.length > 0 && urns.length > 0 ? await checkAuthorizations(client, needs, urns, signal) : [];
    const missing = missingActions(needs.actions, answers);
    const checkedTypes = new Set(urns.map(resourceTypeOfUrn));
    // Actions of a type no checked resource is of: the account holds none, or none was chosen.
    const unchecked = needs.actions.filter((a) => !checkedTypes.has(a.resourceType)).map((a) => a.action);
    return {
      actions: needs.actions,
      checked: urns,
      missing,
      unchecked,
      allowed: missing.length === 0 && unchecked.length === 0,
      undescribed: needs.undescribed,
      unusable,
      unreadable,
    };
  });
}

/**
 * The IAM actions a question's calls need, from the API's description of the account (or
 * region): the calls gathered one question at a time within the flows' budgets, then each
 * distinct operation looked up (its family fetched once, within the catalogue's budgets), pausing
 * every LOOKUP_SLICE_MS so other flows run. A call whose family could not be read is undescribed,
 * and why is said once per reason.
 */
async function callNeeds(
  body: Body,
  describedOperation: (method: string, callPath: string) => Promise<Operation | undefined>,
  signal: AbortSignal,
): Promise<{ needs: IamNeeds } & CallReadings> {
  const deadline = questionDeadline();
  const { gathered, unusable } = await oneAtATime(() => finishInSlices(gatherCalls(body, deadline), deadline, signal));
  const actions = new Map<string, readonly string[] | undefined>();
  const unreadable = new Set<string>();
  const key = (call: FlowCall) => `${call.method} ${call.path}`;
  let sliceStart = performance.now();
  for (const call of gathered) {
    if (actions.has(key(call))) continue;
    if (performance.now() - sliceStart > LOOKUP_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    signal.throwIfAborted();
    try {
      actions.set(key(call), (await describedOperation(call.method, call.path))?.iamActions);
    } catch (err) {
      if (err instanceof OvhInputError) throw err; // the API is not named: nothing can be read
      actions.set(key(call), undefined);
      if (unreadable.size < MOST_REASONS) unreadable.add(failureText(err));
    }
  }
  // The lookups' last turn has held the event loop long enough: the reading of thousands of calls gets its own.
  await nextTurn();
  return { needs: neededIamActions(gathered, (call) => actions.get(key(call))), unusable, unreadable: [...unreadable] };
}

/** Resource URNs chosen in the dialog, refused before anything is asked of the API unless each is one. */
function urnsOf(raw: unknown): string[] {
  if (
    !Array.isArray(raw) ||
    raw.length > MOST_RESOURCES ||
    !raw.every((u) => typeof u === 'string' && u.length <= 500 && resourceTypeOfUrn(u) !== undefined)
  ) {
    throw new OvhInputError(`Choose at most ${MOST_RESOURCES} resources, each by its URN (urn:v1:...:resource:...)`);
  }
  return raw as string[];
}

function shortText(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MOST_NAME_LENGTH) : '';
}

/** The account's resources of some types (GET /v2/iam/resource), at most MOST_RESOURCES of them. */
async function listResources(client: OvhClient, types: readonly string[], signal: AbortSignal): Promise<IamResourcesAnswer> {
  const resources: IamResourceChoice[] = [];
  const pages = client.pages<unknown[]>('/v2/iam/resource', {
    query: { resourceType: [...types] },
    pageSize: RESOURCES_PAGE_SIZE,
    maxPages: Math.ceil(MOST_RESOURCES / RESOURCES_PAGE_SIZE) + 1,
    retry: false,
    signal,
  });
  for await (const page of pages) {
    for (const item of Array.isArray(page.body) ? page.body : []) {
      if (!isPlainObject(item) || typeof item.urn !== 'string' || item.urn.length > 500) continue;
      const type = resourceTypeOfUrn(item.urn);
      if (!type) continue;
      if (resources.length === MOST_RESOURCES) return { resources, more: true };
      resources.push({ urn: item.urn, type, name: shortText(item.name), displayName: shortText(item.displayName) });
    }
  }
  return { resources, more: false };
}

/**
 * The authorization checks of the service account itself on the resources: one resource asked
 * at `/v2/iam/resource/{urn}/authorization/check`, several at `/v2/iam/authorization/check`
 * (following its cursor pages), each asked only the actions of its type.
 */
async function checkAuthorizations(
  client: OvhClient,
  needs: IamNeeds,
  urns: readonly string[],
  signal: AbortSignal,
): Promise<AuthorizationAnswer[]> {
  const actionsOf = (urn: string) => needs.actions.filter((a) => a.resourceType === resourceTypeOfUrn(urn)).map((a) => a.action);
  const asked = urns.filter((urn) => actionsOf(urn).length > 0);
  if (asked.length === 0) return [];
  if (asked.length === 1) {
    const answer = await client.post<unknown>(
      '/v2/iam/resource/{urn}/authorization/check',
      { actions: actionsOf(asked[0]) },
      { params: { urn: asked[0] }, retry: false, signal },
    );
    return [{ ...(isPlainObject(answer) ? answer : {}), resourceURN: asked[0] }];
  }
  const actions = [...new Set(asked.flatMap(actionsOf))];
  const answers: AuthorizationAnswer[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MOST_CHECK_PAGES; page++) {
    const res = await client.request<unknown>('POST', '/v2/iam/authorization/check', {
      body: { actions, resourceURNs: asked },
      headers: cursor === undefined ? {} : { 'x-pagination-cursor': cursor },
      retry: false,
      signal,
    });
    if (Array.isArray(res.body)) for (const item of res.body) if (isPlainObject(item)) answers.push(item);
    const next = res.headers['x-pagination-cursor-next'];
    cursor = Array.isArray(next) ? next[0] : next;
    if (!cursor) return answers;
  }
  throw new Error(`The authorization check answered more than ${MOST_CHECK_PAGES} pages`);
}

/** After what the event loop has waiting (other flows' messages, I/O, timers). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

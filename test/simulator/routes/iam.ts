/**
 * IAM of the /v2 branch (the real /v2/iam.json's shapes): the account's resources, policies
 * (cursor pages; made, changed and removed, and applied at once to service accounts: see
 * iam-rules.ts), and the authorization checks, which answer for the caller's own identity. A
 * policy being made also goes through the simulator's course of a /v2 resource (`resourceStatus`
 * CREATING then READY as it is read again), for the tests of waiting for one.
 */
import { header, type Context, type RouteKit } from '../route-kit';
import type { SimPolicy } from '../data';
import type { OvhSimulator } from '../simulator';
import { accountResources, policiesAllow, type IamResource } from '../iam-rules';

/** Most resource URNs one batch check takes (the real limit is not documented). */
const MOST_CHECKED_RESOURCES = 1000;

export function iamRoutes(sim: OvhSimulator, { on, ok, notFound, badRequest, readTask }: RouteKit): void {
  /** A cursor page of a list (X-Pagination-Size, X-Pagination-Cursor), or 400 as the API says it. */
  const cursorPage = <T>(ctx: Context, items: T[], defaultSize = 10): void => {
    const size = Number(header(ctx.req, 'x-pagination-size') ?? defaultSize);
    if (!Number.isInteger(size) || size < 1 || size > 1000) return badRequest(ctx, 'Invalid X-Pagination-Size');
    const cursor = header(ctx.req, 'x-pagination-cursor');
    let offset = 0;
    if (cursor) {
      try {
        offset = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset: number }).offset;
      } catch {
        return badRequest(ctx, 'Invalid cursor');
      }
      if (!Number.isInteger(offset) || offset < 0) return badRequest(ctx, 'Invalid cursor');
    }
    if (offset + size < items.length) {
      ctx.res.setHeader('X-Pagination-Cursor-Next', Buffer.from(JSON.stringify({ offset: offset + size })).toString('base64url'));
    }
    ok(ctx, items.slice(offset, offset + size));
  };

  on('GET', '/v2/iam/policy', (ctx) => {
    const identities = ctx.query.getAll('identity');
    cursorPage(
      ctx,
      sim.data.policies.filter((p) => identities.length === 0 || p.identities.some((i) => identities.includes(i))),
    );
  });

  on('GET', '/v2/iam/resource', (ctx) => {
    // A string[] filter: the key repeated, or values separated by commas.
    const filter = (name: string) =>
      ctx.query
        .getAll(name)
        .flatMap((v) => v.split(','))
        .filter((v) => v !== '');
    const types = filter('resourceType');
    const names = filter('resourceName');
    const urns = filter('resourceURN');
    const listed = accountResources(sim.data).filter(
      (r) =>
        (types.length === 0 || types.includes(r.type)) &&
        (names.length === 0 || names.includes(r.name)) &&
        (urns.length === 0 || urns.includes(r.urn)),
    );
    cursorPage(ctx, listed, 1000);
  });
  on('GET', '/v2/iam/resource/:urn', (ctx, p) => {
    const resource = accountResources(sim.data).find((r) => r.urn === p.urn);
    if (!resource) return notFound(ctx, `resourceURN = ${p.urn}`);
    ok(ctx, resource);
  });

  // What the caller itself may do: a service account as its policies say, the account's own keys everything.
  const authorization = (ctx: Context, resource: IamResource, actions: string[]) => {
    const clientId = ctx.serviceAccount;
    const allowed = (action: string) =>
      clientId === undefined ||
      sim.unrestrictedClients.has(clientId) ||
      policiesAllow(sim.data.policies, sim.serviceAccountIdentity(clientId), action, resource.urn);
    return {
      authorizedActions: actions.filter(allowed),
      unauthorizedActions: actions.filter((action) => !allowed(action)),
    };
  };
  on('POST', '/v2/iam/resource/:urn/authorization/check', (ctx, p) => {
    const body = object(ctx.body);
    const actions = strings(body.actions);
    if (!actions) return badRequest(ctx, '[actions] Missing or invalid required field');
    const resource = accountResources(sim.data).find((r) => r.urn === p.urn);
    if (!resource) return notFound(ctx, `resourceURN = ${p.urn}`);
    ok(ctx, authorization(ctx, resource, actions));
  });
  on('POST', '/v2/iam/authorization/check', (ctx) => {
    const body = object(ctx.body);
    const actions = strings(body.actions);
    const urns = strings(body.resourceURNs);
    if (!actions) return badRequest(ctx, '[actions] Missing or invalid required field');
    if (!urns || urns.length > MOST_CHECKED_RESOURCES) return badRequest(ctx, '[resourceURNs] Missing or invalid required field');
    const resources = accountResources(sim.data);
    const answers = [];
    for (const urn of urns) {
      const resource = resources.find((r) => r.urn === urn);
      // A resource the account does not hold: nothing on it is authorized.
      answers.push(
        resource
          ? { resourceURN: urn, ...authorization(ctx, resource, actions) }
          : { resourceURN: urn, authorizedActions: [], unauthorizedActions: actions },
      );
    }
    ok(ctx, answers);
  });

  on('POST', '/v2/iam/policy', (ctx) => {
    const fields = policyFields(ctx.body, accountResources(sim.data));
    if (typeof fields === 'string') return badRequest(ctx, fields);
    const policy: SimPolicy = {
      id: `new-policy-${sim.tasks.size}`,
      ...fields,
      owner: String(sim.data.me.nichandle),
      readOnly: false,
      createdAt: new Date().toISOString(),
      updatedAt: null,
      resourceStatus: sim.taskStates.resource[0],
    };
    if (sim.unmadeTask) return ok(ctx, { ...policy, id: sim.unmadeTask === 'zero' ? '0' : undefined });
    // Applies at once; reading it again moves its resourceStatus towards READY.
    sim.data.policies.push(policy);
    sim.tasks.set(`policy ${policy.id}`, {
      states: [...sim.taskStates.resource],
      reads: 0,
      task: policy as unknown as Record<string, unknown>,
      statusField: 'resourceStatus',
      // Ending in ERROR, the resource names why in its tasks, as the /v2 resources do.
      onState: (resource, status) => {
        resource.currentTasks =
          status === 'ERROR'
            ? [
                {
                  id: `task-${policy.id}`,
                  type: 'PolicyCreate',
                  status: 'ERROR',
                  errors: sim.resourceErrors.map((message) => ({ message })),
                },
              ]
            : [];
      },
    });
    ok(ctx, policy);
  });
  on('GET', '/v2/iam/policy/:id', (ctx, p) => {
    if (sim.tasks.has(`policy ${p.id}`)) return readTask(ctx, `policy ${p.id}`);
    const policy = sim.data.policies.find((x) => x.id === p.id);
    if (!policy) return notFound(ctx, `id = ${p.id}`);
    ok(ctx, policy);
  });
  on('PUT', '/v2/iam/policy/:id', (ctx, p) => {
    const policy = sim.data.policies.find((x) => x.id === p.id);
    if (!policy) return notFound(ctx, `id = ${p.id}`);
    if (policy.readOnly) return ok(ctx, { class: 'Client::Forbidden', message: 'This policy is read-only' }, 403);
    const fields = policyFields(ctx.body, accountResources(sim.data));
    if (typeof fields === 'string') return badRequest(ctx, fields);
    Object.assign(policy, fields, { updatedAt: new Date().toISOString() });
    ok(ctx, policy);
  });
  on('DELETE', '/v2/iam/policy/:id', (ctx, p) => {
    const at = sim.data.policies.findIndex((x) => x.id === p.id);
    if (at === -1) return notFound(ctx, `id = ${p.id}`);
    sim.data.policies.splice(at, 1);
    sim.tasks.delete(`policy ${p.id}`);
    ok(ctx, undefined, 204);
  });
}

function object(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** A list of `{action}` (iam.policy.Action[]), or undefined when it is not one. */
function actionList(value: unknown): Array<{ action: string }> | null | undefined {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((a) => typeof object(a).action === 'string')) return undefined;
  return value.map((a: { action: string }) => ({ action: a.action }));
}

/**
 * The fields of an iam.policy.Creation or iam.policy.Update, or the API's words for what is wrong.
 * A missing list is an empty one (a policy that allows nothing), so a bare `{name}` still makes
 * a policy; resources must be the account's own.
 */
function policyFields(body: unknown, resources: readonly IamResource[]): Omit<SimPolicy, 'id'> | string {
  const b = object(body);
  if (b.name !== undefined && typeof b.name !== 'string') return '[name] Given data is not valid for type string';
  if (b.description !== undefined && b.description !== null && typeof b.description !== 'string') {
    return '[description] Given data is not valid for type string';
  }
  const identities = b.identities === undefined ? [] : strings(b.identities);
  if (!identities) return '[identities] Given data is not valid for type string[]';
  if (b.resources !== undefined && !Array.isArray(b.resources))
    return '[resources] Given data is not valid for type iam.policy.Resource[]';
  const urns = ((b.resources as unknown[] | undefined) ?? []).map((r) => object(r).urn);
  if (!urns.every((u): u is string => typeof u === 'string')) return '[resources] Each resource needs its urn';
  const unknown = urns.find((urn) => !resources.some((r) => r.urn === urn));
  if (unknown !== undefined) return `Resource ${unknown} does not exist`;
  const permissions = object(b.permissions);
  const allow = actionList(permissions.allow);
  const except = actionList(permissions.except);
  const deny = actionList(permissions.deny);
  if (allow === undefined || except === undefined || deny === undefined) {
    return '[permissions] Given data is not valid for type iam.policy.Permissions';
  }
  const expiredAt = typeof b.expiredAt === 'string' && !Number.isNaN(Date.parse(b.expiredAt)) ? b.expiredAt : null;
  return {
    name: typeof b.name === 'string' ? b.name : '',
    description: typeof b.description === 'string' ? b.description : null,
    identities,
    resources: urns.map((urn) => ({ urn })),
    permissions: { allow, except, deny },
    expiredAt,
  };
}

/** IAM policies of the /v2 branch: cursor pages, and policies being made until READY. */
import { header, type RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

export function iamRoutes(sim: OvhSimulator, { on, ok, notFound, badRequest, readTask }: RouteKit): void {
  on('GET', '/v2/iam/policy', (ctx) => {
    const size = Number(header(ctx.req, 'x-pagination-size') ?? 10);
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
    const page = sim.data.policies.slice(offset, offset + size);
    if (offset + size < sim.data.policies.length) {
      ctx.res.setHeader('X-Pagination-Cursor-Next', Buffer.from(JSON.stringify({ offset: offset + size })).toString('base64url'));
    }
    ok(ctx, page);
  });
  // A /v2 write answers the resource being made; reading it again moves it towards READY.
  on('POST', '/v2/iam/policy', (ctx) => {
    const b = (ctx.body !== null && typeof ctx.body === 'object' ? ctx.body : {}) as Record<string, unknown>;
    const policy = {
      id: `new-policy-${sim.tasks.size}`,
      name: String(b.name ?? ''),
      resourceStatus: sim.taskStates.resource[0],
    };
    if (sim.unmadeTask) return ok(ctx, { ...policy, id: sim.unmadeTask === 'zero' ? '0' : undefined });
    sim.tasks.set(`policy ${policy.id}`, {
      states: [...sim.taskStates.resource],
      reads: 0,
      task: policy,
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
}

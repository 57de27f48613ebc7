/**
 * Public Cloud: `/cloud/project`, its instances (a reboot moves the instance's own `status` on, read
 * after read) and its operations (cloud.Operation, the task family of /cloud: a reinstall answers one).
 */
import { isoSeconds } from '../data';
import { tasksUnder, type RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

/** cloud.OperationStatusEnum values after which an operation no longer moves. */
const ENDED = ['completed', 'in-error', 'canceled'];

export function cloudRoutes(sim: OvhSimulator, { on, ok, notFound, badRequest, readTask, startTask }: RouteKit): void {
  const project = (name: string) => sim.data.cloud[name];

  on('GET', '/cloud/project', (ctx) => ok(ctx, Object.keys(sim.data.cloud)));
  on('GET', '/cloud/project/:project', (ctx, p) => {
    if (!project(p.project)) return notFound(ctx, `serviceName = ${p.project}`);
    ok(ctx, project(p.project).project);
  });
  // The real API answers this list with whole instances (cloud.instance.Instance[]), not ids.
  on('GET', '/cloud/project/:project/instance', (ctx, p) => {
    if (!project(p.project)) return notFound(ctx, `serviceName = ${p.project}`);
    const region = ctx.query.get('region');
    ok(
      ctx,
      Object.values(project(p.project).instances).filter((i) => region === null || i.region === region),
    );
  });
  on('GET', '/cloud/project/:project/instance/:id', (ctx, p) => {
    const instance = project(p.project)?.instances[p.id];
    if (!instance) return notFound(ctx, `instanceId = ${p.id}`);
    // Rebooting: each read moves its status on (REBOOT... then ACTIVE), as sim.taskStates.instance says.
    if (sim.tasks.has(`instance ${p.project} ${p.id}`)) return readTask(ctx, `instance ${p.project} ${p.id}`);
    ok(ctx, instance);
  });
  // cloud.ProjectInstanceRebootCreation: `type` hard or soft ("default soft", says the description).
  on('POST', '/cloud/project/:project/instance/:id/reboot', (ctx, p) => {
    const instance = project(p.project)?.instances[p.id];
    if (!instance) return notFound(ctx, `instanceId = ${p.id}`);
    const type = ((ctx.body ?? {}) as Record<string, unknown>).type ?? 'soft';
    if (type !== 'soft' && type !== 'hard')
      return badRequest(ctx, `[type] Given data (${String(type)}) does not belong to the enum`);
    const states = sim.taskStates.instance.map((s) => (type === 'hard' && s === 'REBOOT' ? 'HARD_REBOOT' : s));
    startTask(`instance ${p.project} ${p.id}`, states, instance, 'status');
    ok(ctx, undefined); // void
  });
  on('POST', '/cloud/project/:project/region/:region/instance/:id/reinstall', (ctx, p) => {
    const instance = project(p.project)?.instances[p.id];
    if (!instance || instance.region !== p.region) return notFound(ctx, `instanceId = ${p.id}`);
    const b = (ctx.body ?? {}) as Record<string, unknown>;
    if (typeof b.imageRegionName !== 'string') return badRequest(ctx, 'Missing parameter(s): imageRegionName');
    if (typeof b.imageId === 'string') instance.imageId = b.imageId;
    const id = `0f0e0d0c-0000-4000-8000-${String(sim.tasks.size).padStart(12, '0')}`;
    instance.operationIds.push(id);
    const operation = {
      id,
      action: 'instance#reinstall',
      status: '',
      progress: 0,
      createdAt: isoSeconds(),
      startedAt: null as string | null,
      completedAt: null as string | null,
      regions: [p.region],
      resourceId: p.id,
      subOperations: null,
    };
    const onState = (op: Record<string, unknown>, status: string) => {
      if (status !== 'created') op.startedAt ??= isoSeconds();
      if (status === 'completed') op.completedAt = isoSeconds();
      if (ENDED.includes(status)) instance.operationIds = instance.operationIds.filter((o) => o !== id);
    };
    ok(ctx, startTask(`cloud ${p.project} ${id}`, sim.taskStates.cloud, operation, 'status', onState));
  });
  // cloud.instance.CreateInput: answers an `instance#create` operation that names no resource
  // itself; once completed, its sub-operations name the instances made (one per `bulk`), as
  // Terraform reads them.
  on('POST', '/cloud/project/:project/region/:region/instance', (ctx, p) => {
    if (!project(p.project)) return notFound(ctx, `serviceName = ${p.project}`);
    const b = (ctx.body ?? {}) as Record<string, unknown>;
    for (const field of ['billingPeriod', 'bootFrom', 'flavor', 'network']) {
      if (b[field] === undefined) return badRequest(ctx, `Missing parameter(s): ${field}`);
    }
    const count = Math.min(10, Math.max(1, Number(b.bulk) || 1));
    const serial = String(sim.tasks.size).padStart(6, '0');
    const id = `0f0e0d0c-0000-4000-8001-${serial}000000`;
    const made = Array.from({ length: count }, (_, i) => `c4d5e6f7-0000-4000-8001-${serial}${String(i).padStart(6, '0')}`);
    const operation = {
      id,
      action: 'instance#create',
      status: '',
      progress: 0,
      createdAt: isoSeconds(),
      startedAt: null as string | null,
      completedAt: null as string | null,
      regions: [p.region],
      resourceId: null,
      subOperations: [] as Array<Record<string, unknown>>,
    };
    const onState = (op: Record<string, unknown>, status: string) => {
      if (status !== 'created') op.startedAt ??= isoSeconds();
      if (status !== 'completed') return;
      op.completedAt = isoSeconds();
      op.subOperations = made.map((resourceId, i) => ({
        id: `${id}-${i}`,
        action: 'instance#create',
        status: 'completed',
        progress: 100,
        regions: [p.region],
        resourceId,
        startedAt: op.startedAt,
        completedAt: op.completedAt,
      }));
      for (const [i, instanceId] of made.entries()) {
        project(p.project).instances[instanceId] ??= {
          id: instanceId,
          name: count === 1 ? String(b.name ?? 'instance') : `${String(b.name ?? 'instance')}-${i + 1}`,
          region: p.region,
          status: 'ACTIVE',
          created: isoSeconds(),
          operationIds: [],
        };
      }
    };
    ok(ctx, startTask(`cloud ${p.project} ${id}`, sim.taskStates.cloud, operation, 'status', onState));
  });
  // Answers whole operations, like the instance list (cloud.Operation[]).
  on('GET', '/cloud/project/:project/operation', (ctx, p) => {
    if (!project(p.project)) return notFound(ctx, `serviceName = ${p.project}`);
    const instanceId = ctx.query.get('instanceId');
    ok(
      ctx,
      tasksUnder(sim.tasks, `cloud ${p.project} `).filter((op) => instanceId === null || op.resourceId === instanceId),
    );
  });
  on('GET', '/cloud/project/:project/operation/:id', (ctx, p) => readTask(ctx, `cloud ${p.project} ${p.id}`));
}

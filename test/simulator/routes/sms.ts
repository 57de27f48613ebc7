/** SMS services: `/sms`: messages sent and received, receiver lists and their cleaning tasks. */
import { dateRange, inRange, tasksUnder, type RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

/** What sms.Task's `step` says in each state of telephony.TaskStatusEnum. */
const STEPS: Record<string, string> = { todo: 'starting', doing: 'waitForHlrs', pause: 'waitForHlrs' };

export function smsRoutes(sim: OvhSimulator, { on, ok, list, notFound, badRequest, readTask, startTask }: RouteKit): void {
  on('GET', '/sms', (ctx) => ok(ctx, Object.keys(sim.data.sms)));
  on('GET', '/sms/:service', (ctx, p) => {
    const sms = sim.data.sms[p.service];
    if (!sms) return notFound(ctx, `serviceName = ${p.service}`);
    ok(ctx, { name: p.service, creditsLeft: sms.creditsLeft, status: 'enable' });
  });
  on('POST', '/sms/:service/jobs', (ctx, p) => {
    const sms = sim.data.sms[p.service];
    if (!sms) return notFound(ctx, `serviceName = ${p.service}`);
    const b = ctx.body as { message?: unknown; receivers?: unknown } | undefined;
    if (!b || typeof b.message !== 'string' || b.message === '') return badRequest(ctx, 'Missing parameter(s): message');
    const receivers = Array.isArray(b.receivers) ? b.receivers.filter((r): r is string => typeof r === 'string') : [];
    if (receivers.length === 0) return badRequest(ctx, 'Missing parameter(s): receivers');
    const valid = receivers.filter((r) => /^\+\d{6,15}$/.test(r));
    const ids = valid.map(() => sms.nextJobId++);
    sms.creditsLeft -= valid.length;
    sms.jobs.push(...valid.map((receiver, i) => ({ id: ids[i], receiver, message: b.message as string })));
    ok(ctx, {
      ids,
      validReceivers: valid,
      invalidReceivers: receivers.filter((r) => !valid.includes(r)),
      totalCreditsRemoved: valid.length,
    });
  });

  on('GET', '/sms/:service/incoming', (ctx, p) => {
    const sms = sim.data.sms[p.service];
    if (!sms) return notFound(ctx, `serviceName = ${p.service}`);
    const range = dateRange(ctx, 'creationDatetime');
    if (typeof range === 'string') return badRequest(ctx, range);
    const sender = ctx.query.get('sender');
    const tag = ctx.query.get('tag');
    list(
      ctx,
      sms.incoming.filter(
        (m) => inRange(range, m.creationDatetime) && (sender === null || m.sender === sender) && (tag === null || m.tag === tag),
      ),
      (m) => m.id,
    );
  });
  on('GET', '/sms/:service/incoming/:id', (ctx, p) => {
    const incoming = sim.data.sms[p.service]?.incoming.find((m) => String(m.id) === p.id);
    if (!incoming) return notFound(ctx, `id = ${p.id}`);
    ok(ctx, incoming);
  });
  on('DELETE', '/sms/:service/incoming/:id', (ctx, p) => {
    const sms = sim.data.sms[p.service];
    const index = sms ? sms.incoming.findIndex((m) => String(m.id) === p.id) : -1;
    if (!sms || index === -1) return notFound(ctx, `id = ${p.id}`);
    sms.incoming.splice(index, 1);
    ok(ctx, null);
  });

  on('GET', '/sms/:service/receivers', (ctx, p) => {
    const sms = sim.data.sms[p.service];
    if (!sms) return notFound(ctx, `serviceName = ${p.service}`);
    list(ctx, sms.receivers, (r) => r.slotId);
  });
  on('GET', '/sms/:service/receivers/:slotId', (ctx, p) => {
    const receivers = sim.data.sms[p.service]?.receivers.find((r) => String(r.slotId) === p.slotId);
    if (!receivers) return notFound(ctx, `slotId = ${p.slotId}`);
    ok(ctx, receivers);
  });
  // The one write that starts an sms.Task: it answers a report naming the task
  // (sms.ReceiversAsynchronousCleanReport), not the task itself, as the real API does.
  on('POST', '/sms/:service/receivers/:slotId/clean', (ctx, p) => {
    const sms = sim.data.sms[p.service];
    const receivers = sms?.receivers.find((r) => String(r.slotId) === p.slotId);
    if (!sms || !receivers) return notFound(ctx, `slotId = ${p.slotId}`);
    const b = (ctx.body ?? {}) as Record<string, unknown>;
    if (typeof b.freemium !== 'boolean' || typeof b.priceOnly !== 'boolean') {
      return badRequest(ctx, 'Missing parameter(s): freemium, priceOnly');
    }
    // A syntax check is free; an HLR lookup costs a credit per receiver.
    const totalCreditsRemoved = b.freemium ? 0 : receivers.records;
    if (b.priceOnly) return ok(ctx, { totalCreditsRemoved });
    sms.creditsLeft -= totalCreditsRemoved;
    const taskId = 3000 + sim.tasks.size;
    startTask(
      `sms ${p.service} ${taskId}`,
      sim.taskStates.sms,
      { taskId, function: 'cleanSmsReceivers', status: '', step: '' },
      'status',
      (task, status) => (task.step = STEPS[status] ?? 'finishing'),
    );
    ok(ctx, { taskId, totalCreditsRemoved });
  });
  on('GET', '/sms/:service/task', (ctx, p) => {
    if (!sim.data.sms[p.service]) return notFound(ctx, `serviceName = ${p.service}`);
    const status = ctx.query.get('status');
    list(
      ctx,
      tasksUnder(sim.tasks, `sms ${p.service} `).filter((task) => status === null || task.status === status),
      (task) => task.taskId,
    );
  });
  on('GET', '/sms/:service/task/:taskId', (ctx, p) => readTask(ctx, `sms ${p.service} ${p.taskId}`));
}

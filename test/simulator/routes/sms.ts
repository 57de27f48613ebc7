/** SMS services: `/sms`. */
import type { RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

export function smsRoutes(sim: OvhSimulator, { on, ok, notFound, badRequest }: RouteKit): void {
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
}

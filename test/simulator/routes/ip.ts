/** IP blocks: `/ip`, failover moves and their tasks. */
import type { RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

export function ipRoutes(sim: OvhSimulator, { on, ok, notFound, badRequest, readTask }: RouteKit): void {
  on('GET', '/ip/:ip', (ctx, p) => {
    const ip = sim.data.ips[p.ip];
    if (!ip) return notFound(ctx, `ip = ${p.ip}`);
    ok(ctx, ip);
  });
  on('POST', '/ip/:ip/move', (ctx, p) => {
    if (!sim.data.ips[p.ip]) return notFound(ctx, `ip = ${p.ip}`);
    // `to` names the destination server: the IP is routed there (at once, not when the task ends).
    const to = (ctx.body as { to?: unknown } | undefined)?.to;
    if (to !== undefined) {
      if (typeof to !== 'string' || !sim.data.servers[to]) return badRequest(ctx, `Invalid destination: ${String(to)}`);
      sim.data.ips[p.ip].routedTo = { serviceName: to };
    }
    const task = { taskId: 6000 + sim.tasks.size, action: 'genericMoveFloatingIp', status: sim.taskStates.ip[0] };
    sim.tasks.set(`ip ${p.ip} ${task.taskId}`, { states: [...sim.taskStates.ip], reads: 0, task, statusField: 'status' });
    ok(ctx, task);
  });
  on('GET', '/ip/:ip/task/:id', (ctx, p) => readTask(ctx, `ip ${p.ip} ${p.id}`));
}

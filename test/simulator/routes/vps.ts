/** VPS: `/vps`, their reboots and the reboots' tasks. */
import type { RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

export function vpsRoutes(sim: OvhSimulator, { on, ok, notFound, forbiddenByIam, readTask }: RouteKit): void {
  on('GET', '/vps/:name/tasks/:id', (ctx, p) => readTask(ctx, `vps ${p.name} ${p.id}`));
  on('GET', '/vps', (ctx) => ok(ctx, sim.data.vps));
  on('POST', '/vps/:name/reboot', (ctx, p) => {
    if (!sim.data.vps.includes(p.name)) return notFound(ctx, `serviceName = ${p.name}`);
    if (sim.iamDenied.has('vps:apiovh:reboot')) {
      return forbiddenByIam(ctx, 'vps:apiovh:reboot', `urn:v1:eu:resource:vps:${p.name}`);
    }
    const task = { id: 1000 + sim.tasks.size, type: 'rebootVm', state: sim.taskStates.vps[0], progress: 0 };
    sim.tasks.set(`vps ${p.name} ${task.id}`, { states: [...sim.taskStates.vps], reads: 0, task, statusField: 'state' });
    ok(ctx, task);
  });
}

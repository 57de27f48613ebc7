/**
 * Dedicated servers: `/dedicated/server`, their reboots and the reboots' tasks. A server's `state`
 * (dedicated.server.StateEnum) is what sim.setServerState made it.
 */
import { tasksUnder, type RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

export function dedicatedRoutes(sim: OvhSimulator, { on, ok, list, notFound, forbiddenByIam, readTask }: RouteKit): void {
  on('GET', '/dedicated/server', (ctx) => list(ctx, Object.values(sim.data.servers), (server) => server.name));
  on('GET', '/dedicated/server/:name', (ctx, p) => {
    const server = sim.data.servers[p.name];
    if (!server) return notFound(ctx, `serviceName = ${p.name}`);
    ok(ctx, server);
  });
  on('POST', '/dedicated/server/:name/reboot', (ctx, p) => {
    if (!sim.data.servers[p.name]) return notFound(ctx, `serviceName = ${p.name}`);
    if (sim.iamDenied.has('dedicatedServer:apiovh:reboot')) {
      return forbiddenByIam(ctx, 'dedicatedServer:apiovh:reboot', `urn:v1:eu:resource:dedicatedServer:${p.name}`);
    }
    const task = { taskId: 4000 + sim.tasks.size, function: 'hardReboot', status: sim.taskStates.server[0] };
    if (sim.unmadeTask) {
      // The reboot was not started: a task that does not exist, as the real API sometimes answers.
      return ok(ctx, sim.unmadeTask === 'zero' ? { ...task, taskId: 0 } : { function: task.function, status: task.status });
    }
    sim.tasks.set(`server ${p.name} ${task.taskId}`, {
      states: [...sim.taskStates.server],
      reads: 0,
      task,
      statusField: 'status',
    });
    ok(ctx, task);
  });
  on('GET', '/dedicated/server/:name/task', (ctx, p) => {
    if (!sim.data.servers[p.name]) return notFound(ctx, `serviceName = ${p.name}`);
    const fn = ctx.query.get('function');
    const status = ctx.query.get('status');
    list(
      ctx,
      tasksUnder(sim.tasks, `server ${p.name} `).filter(
        (t) => (fn === null || t.function === fn) && (status === null || t.status === status),
      ),
      (t) => t.taskId,
    );
  });
  on('GET', '/dedicated/server/:name/task/:id', (ctx, p) => readTask(ctx, `server ${p.name} ${p.id}`));
}

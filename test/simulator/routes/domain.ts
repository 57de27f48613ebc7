/** Domains and their DNS zones: `/domain`, `/domain/zone`, and the tasks of both. */
import { isoSeconds } from '../data';
import { tasksUnder, type Context, type RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

/**
 * A domain.zone.Task or domain.Task as made: its dates and flags, the state fields set by
 * `taskDates` as it moves on.
 */
function domainTask(id: number, fn: string): Record<string, unknown> {
  const now = isoSeconds();
  return {
    id,
    function: fn,
    status: '',
    comment: null,
    creationDate: now,
    todoDate: now,
    lastUpdate: now,
    doneDate: null,
    canAccelerate: false,
    canCancel: false,
    canRelaunch: false,
  };
}

/** Both domain task models: updated on every change, done when done, to relaunch after an error. */
function taskDates(task: Record<string, unknown>, status: string): void {
  task.lastUpdate = isoSeconds();
  if (status === 'done') task.doneDate = isoSeconds();
  task.canCancel = status === 'todo';
  task.canRelaunch = status === 'error' || status === 'problem';
}

export function domainRoutes(sim: OvhSimulator, { on, ok, list, notFound, badRequest, readTask, startTask }: RouteKit): void {
  /** A task list filtered on `function` and `status`, as both /task lists are. */
  const taskList = (ctx: Context, prefix: string) => {
    const fn = ctx.query.get('function');
    const status = ctx.query.get('status');
    list(
      ctx,
      tasksUnder(sim.tasks, prefix).filter((t) => (fn === null || t.function === fn) && (status === null || t.status === status)),
      (t) => t.id,
    );
  };

  on('GET', '/domain', (ctx) => ok(ctx, Object.keys(sim.data.domains)));
  on('GET', '/domain/zone', (ctx) => ok(ctx, Object.keys(sim.data.zones)));
  on('GET', '/domain/zone/:zone', (ctx, p) => {
    const zone = sim.data.zones[p.zone];
    if (!zone) return notFound(ctx, `zoneName = ${p.zone}`);
    ok(ctx, {
      name: p.zone,
      hasDnsAnycast: false,
      dnssecSupported: true,
      nameServers: ['dns1.example.net', 'ns1.example.net'],
    });
  });
  on('GET', '/domain/zone/:zone/record', (ctx, p) => {
    const zone = sim.data.zones[p.zone];
    if (!zone) return notFound(ctx, `zoneName = ${p.zone}`);
    const fieldType = ctx.query.get('fieldType');
    const subDomain = ctx.query.get('subDomain');
    list(
      ctx,
      zone.records.filter(
        (r) => (fieldType === null || r.fieldType === fieldType) && (subDomain === null || r.subDomain === subDomain),
      ),
      (r) => r.id,
    );
  });
  on('POST', '/domain/zone/:zone/record', (ctx, p) => {
    const zone = sim.data.zones[p.zone];
    if (!zone) return notFound(ctx, `zoneName = ${p.zone}`);
    const b = ctx.body as Record<string, unknown> | undefined;
    if (!b || typeof b.fieldType !== 'string' || typeof b.target !== 'string') {
      return badRequest(ctx, 'Missing parameter(s): fieldType, target');
    }
    const record = {
      id: sim.data.nextRecordId++,
      zone: p.zone,
      fieldType: b.fieldType,
      subDomain: typeof b.subDomain === 'string' ? b.subDomain : '',
      target: b.target,
      ttl: typeof b.ttl === 'number' ? b.ttl : 0,
    };
    zone.records.push(record);
    ok(ctx, record);
  });
  on('GET', '/domain/zone/:zone/record/:id', (ctx, p) => {
    const record = sim.data.zones[p.zone]?.records.find((r) => String(r.id) === p.id);
    if (!record) return notFound(ctx, `id = ${p.id}`);
    ok(ctx, record);
  });
  on('PUT', '/domain/zone/:zone/record/:id', (ctx, p) => {
    const record = sim.data.zones[p.zone]?.records.find((r) => String(r.id) === p.id);
    if (!record) return notFound(ctx, `id = ${p.id}`);
    const b = (ctx.body ?? {}) as Record<string, unknown>;
    if (typeof b.target === 'string') record.target = b.target;
    if (typeof b.subDomain === 'string') record.subDomain = b.subDomain;
    if (typeof b.ttl === 'number') record.ttl = b.ttl;
    ok(ctx, undefined); // the real API answers an update with an empty body
  });
  on('DELETE', '/domain/zone/:zone/record/:id', (ctx, p) => {
    const zone = sim.data.zones[p.zone];
    const index = zone ? zone.records.findIndex((r) => String(r.id) === p.id) : -1;
    if (!zone || index === -1) return notFound(ctx, `id = ${p.id}`);
    zone.records.splice(index, 1);
    ok(ctx, null);
  });
  on('POST', '/domain/zone/:zone/refresh', (ctx, p) => {
    const zone = sim.data.zones[p.zone];
    if (!zone) return notFound(ctx, `zoneName = ${p.zone}`);
    zone.refreshes++;
    ok(ctx, undefined);
  });
  // Importing a zone file answers a domain.zone.Task (the records are not read from the file: the
  // simulator serves the task, not a DNS server).
  on('POST', '/domain/zone/:zone/import', (ctx, p) => {
    if (!sim.data.zones[p.zone]) return notFound(ctx, `zoneName = ${p.zone}`);
    const b = (ctx.body ?? {}) as Record<string, unknown>;
    if (typeof b.zoneFile !== 'string' || b.zoneFile === '') return badRequest(ctx, 'Missing parameter(s): zoneFile');
    const id = 8000 + sim.tasks.size;
    ok(ctx, startTask(`zone ${p.zone} ${id}`, sim.taskStates.zone, domainTask(id, 'ZoneImport'), 'status', taskDates));
  });
  on('GET', '/domain/zone/:zone/task', (ctx, p) => {
    if (!sim.data.zones[p.zone]) return notFound(ctx, `zoneName = ${p.zone}`);
    taskList(ctx, `zone ${p.zone} `);
  });
  on('GET', '/domain/zone/:zone/task/:id', (ctx, p) => readTask(ctx, `zone ${p.zone} ${p.id}`));

  on('GET', '/domain/:name', (ctx, p) => {
    const domain = sim.data.domains[p.name];
    if (!domain) return notFound(ctx, `serviceName = ${p.name}`);
    ok(ctx, domain);
  });
  // Changing a domain's name servers answers a domain.Task (domain.nameServer.UpdatePayload).
  on('POST', '/domain/:name/nameServers/update', (ctx, p) => {
    const domain = sim.data.domains[p.name];
    if (!domain) return notFound(ctx, `serviceName = ${p.name}`);
    const b = (ctx.body ?? {}) as Record<string, unknown>;
    const hosts = Array.isArray(b.nameServers) ? b.nameServers.map((n) => (n as Record<string, unknown> | null)?.host) : [];
    if (hosts.length === 0 || !hosts.every((h) => typeof h === 'string' && h !== '')) {
      return badRequest(ctx, 'Missing parameter(s): nameServers (each with a host)');
    }
    domain.nameServerType = 'external';
    const id = 9000 + sim.tasks.size;
    const task = { ...domainTask(id, 'DomainDnsUpdate'), domain: p.name, type: 'domain' };
    ok(ctx, startTask(`domain ${p.name} ${id}`, sim.taskStates.domain, task, 'status', taskDates));
  });
  on('GET', '/domain/:name/task', (ctx, p) => {
    if (!sim.data.domains[p.name]) return notFound(ctx, `serviceName = ${p.name}`);
    taskList(ctx, `domain ${p.name} `);
  });
  on('GET', '/domain/:name/task/:id', (ctx, p) => readTask(ctx, `domain ${p.name} ${p.id}`));
}

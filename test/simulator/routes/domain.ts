/** Domains and their DNS zones: `/domain`, `/domain/zone`. */
import type { RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

export function domainRoutes(sim: OvhSimulator, { on, ok, list, notFound, badRequest }: RouteKit): void {
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
  on('GET', '/domain/:name', (ctx, p) => {
    const domain = sim.data.domains[p.name];
    if (!domain) return notFound(ctx, `serviceName = ${p.name}`);
    ok(ctx, domain);
  });
}

/**
 * What a new Public Cloud instance is made of, as the real API lists it: regions (bare names, each
 * read as a `cloud.Region`), flavors and images (whole `cloud.flavor.Flavor` and `cloud.image.Image`
 * objects, narrowed by `?region=`), and the project's SSH keys (`cloud.sshkey.SshKey`). Fixed
 * lists: an editor chooses from them; nothing here changes them.
 */
import { CLOUD_PROJECT } from '../data';
import type { RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

const REGIONS = ['GRA11', 'SBG5', 'BHS5'];

/** b2-7 in each region, and d2-2 where it is sold: ram in GiB, as the API gives it. */
const FLAVORS = REGIONS.flatMap((region, r) => [
  flavor(`f1a2b3c4-0000-4000-8000-0000000b27${r}0`, 'b2-7', region, 7, 2),
  ...(region === 'BHS5' ? [] : [flavor(`f1a2b3c4-0000-4000-8000-0000000d22${r}0`, 'd2-2', region, 2, 1)]),
]);

const IMAGES = REGIONS.flatMap((region, r) => [
  image(`e1a2b3c4-0000-4000-8000-0000000d12${r}0`, 'Debian 12', region),
  image(`e1a2b3c4-0000-4000-8000-0000000u24${r}0`, 'Ubuntu 24.04', region),
]);

const SSH_KEYS = [
  { id: 'c2873a2b3d4c5e6f', name: 'laptop', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample laptop', regions: REGIONS },
  { id: 'c2873a2b3d4c5e70', name: 'ci-runner', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample ci', regions: ['GRA11'] },
];

function flavor(id: string, name: string, region: string, ram: number, vcpus: number): Record<string, unknown> {
  return {
    id,
    name,
    region,
    ram,
    vcpus,
    disk: 50,
    type: 'ovh.ssd.eg',
    osType: 'linux',
    available: true,
    quota: 20,
    inboundBandwidth: 250,
    outboundBandwidth: 250,
    planCodes: { hourly: `${name}.consumption`, monthly: `${name}.monthly.postpaid` },
    capabilities: [],
  };
}

function image(id: string, name: string, region: string): Record<string, unknown> {
  return {
    id,
    name,
    region,
    type: 'linux',
    status: 'active',
    visibility: 'public',
    minDisk: 0,
    minRam: 0,
    size: 2.1,
    creationDate: '2026-06-01T00:00:00Z',
    flavorType: null,
    planCode: null,
    user: 'debian',
    tags: [],
  };
}

export function cloudChoiceRoutes(sim: OvhSimulator, { on, ok, notFound }: RouteKit): void {
  const known = (project: string) => project === CLOUD_PROJECT && sim.data.cloud[project] !== undefined;
  const inRegion = (region: string | null) => (item: { region?: unknown }) => region === null || item.region === region;

  on('GET', '/cloud/project/:project/region', (ctx, p) => {
    if (!known(p.project)) return notFound(ctx, `serviceName = ${p.project}`);
    ok(ctx, REGIONS);
  });
  on('GET', '/cloud/project/:project/region/:region', (ctx, p) => {
    if (!known(p.project) || !REGIONS.includes(p.region)) return notFound(ctx, `regionName = ${p.region}`);
    ok(ctx, { name: p.region, type: 'region', status: 'UP', continentCode: p.region === 'BHS5' ? 'NA' : 'EU' });
  });
  on('GET', '/cloud/project/:project/flavor', (ctx, p) => {
    if (!known(p.project)) return notFound(ctx, `serviceName = ${p.project}`);
    ok(ctx, FLAVORS.filter(inRegion(ctx.query.get('region'))));
  });
  on('GET', '/cloud/project/:project/image', (ctx, p) => {
    if (!known(p.project)) return notFound(ctx, `serviceName = ${p.project}`);
    ok(ctx, IMAGES.filter(inRegion(ctx.query.get('region'))));
  });
  on('GET', '/cloud/project/:project/sshkey', (ctx, p) => {
    if (!known(p.project)) return notFound(ctx, `serviceName = ${p.project}`);
    const region = ctx.query.get('region');
    ok(
      ctx,
      SSH_KEYS.filter((key) => region === null || key.regions.includes(region)),
    );
  });
}

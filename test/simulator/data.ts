/** The simulator's made-up account: a few domains, a DNS zone, SMS, servers, IPs and IAM policies. */

export interface DnsRecord {
  id: number;
  zone: string;
  fieldType: string;
  subDomain: string;
  target: string;
  ttl: number;
}

export interface SimData {
  me: Record<string, unknown>;
  domains: Record<string, Record<string, unknown>>;
  zones: Record<string, { records: DnsRecord[]; refreshes: number }>;
  nextRecordId: number;
  sms: Record<string, { creditsLeft: number; nextJobId: number; jobs: Array<{ id: number; receiver: string; message: string }> }>;
  servers: Record<string, Record<string, unknown>>;
  ips: Record<string, Record<string, unknown>>;
  vps: string[];
  policies: Array<{
    id: string;
    name: string;
    identities: string[];
    resources: Array<{ urn: string }>;
    permissions: { allow: Array<{ action: string }> };
  }>;
}

export function buildData(): SimData {
  const servers: SimData['servers'] = {};
  for (let i = 1; i <= 12; i++) {
    const name = `ns${3000000 + i}.ip-203-0-113.eu`;
    servers[name] = {
      name,
      serverId: 100000 + i,
      datacenter: i % 2 ? 'gra3' : 'rbx8',
      state: 'ok',
      os: 'debian12_64',
      ip: `203.0.113.${i}`,
      monitoring: true,
      commercialRange: i % 3 ? 'advance' : 'rise',
    };
  }
  const policies: SimData['policies'] = [];
  for (let i = 1; i <= 23; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    policies.push({
      id,
      name: `policy-${i}`,
      identities: [`urn:v1:eu:identity:user:xx1234-ovh/user${i}`],
      resources: [{ urn: `urn:v1:eu:resource:vps:vps-${i}.vps.ovh.net` }],
      permissions: { allow: [{ action: 'vps:apiovh:reboot' }] },
    });
  }
  return {
    me: {
      nichandle: 'xx1234-ovh',
      firstname: 'Ada',
      name: 'Lovelace',
      email: 'ada@example.com',
      country: 'FR',
      language: 'fr_FR',
      currency: { code: 'EUR', symbol: 'EURO' },
      state: 'complete',
    },
    domains: {
      'example.com': { domain: 'example.com', state: 'ok', transferLockStatus: 'locked', nameServerType: 'hosted' },
      'example.org': { domain: 'example.org', state: 'ok', transferLockStatus: 'unlocked', nameServerType: 'external' },
      'xn--exmple-cua.fr': { domain: 'xn--exmple-cua.fr', state: 'ok', transferLockStatus: 'locked', nameServerType: 'hosted' },
    },
    zones: {
      'example.com': {
        refreshes: 0,
        records: [
          { id: 1001, zone: 'example.com', fieldType: 'A', subDomain: '', target: '203.0.113.10', ttl: 0 },
          { id: 1002, zone: 'example.com', fieldType: 'A', subDomain: 'www', target: '203.0.113.10', ttl: 3600 },
          { id: 1003, zone: 'example.com', fieldType: 'MX', subDomain: '', target: '1 mx1.example.net.', ttl: 0 },
          {
            id: 1004,
            zone: 'example.com',
            fieldType: 'TXT',
            subDomain: '',
            target: '"v=spf1 include:mx.example.net ~all"',
            ttl: 0,
          },
        ],
      },
    },
    nextRecordId: 2000,
    sms: { 'sms-ab12345-1': { creditsLeft: 100, nextJobId: 5000, jobs: [] } },
    servers,
    ips: {
      '192.0.2.0/24': { ip: '192.0.2.0/24', type: 'failover', routedTo: { serviceName: 'ns3000001.ip-203-0-113.eu' } },
      '203.0.113.7': { ip: '203.0.113.7', type: 'dedicated', routedTo: { serviceName: 'ns3000007.ip-203-0-113.eu' } },
    },
    vps: ['vps-1.vps.ovh.net', 'vps-2.vps.ovh.net'],
    policies,
  };
}

/**
 * The simulator's made-up account: a few domains, a DNS zone, SMS (sent, received, receiver
 * lists), servers, IPs, a Public Cloud project, bills and IAM policies. Field names and types are
 * the real API's (test/fixtures/ovh-api-schemas; /cloud from the real /1.0/cloud.json, not kept
 * there for its size); the values are made up.
 */

export interface DnsRecord {
  id: number;
  zone: string;
  fieldType: string;
  subDomain: string;
  target: string;
  ttl: number;
}

/** order.Price: the amount, in text for people and in microcents for exact sums. */
export interface Price {
  currencyCode: 'EUR';
  priceInUcents: number;
  text: string;
  value: number;
}

/** billing.Bill */
export interface Bill {
  billId: string;
  category:
    'autorenew' | 'earlyrenewal' | 'purchase' | 'purchase-cloud' | 'purchase-servers' | 'purchase-telecom' | 'purchase-web';
  date: string;
  eInvoicingId: string | null;
  eInvoicingStatus: string | null;
  orderId: number;
  password: string;
  pdfUrl: string;
  priceWithTax: Price;
  priceWithoutTax: Price;
  tax: Price;
  url: string;
}

/** sms.Incoming: a message the service received. */
export interface IncomingSms {
  id: number;
  creationDatetime: string;
  sender: string;
  message: string;
  credits: number;
  tag: string;
}

/** sms.Receiver: a list of receivers kept in a slot. */
export interface SmsReceivers {
  slotId: number;
  description: string;
  records: number;
  datetime: string;
  autoUpdate: boolean;
  canAutoUpdate: boolean;
}

export type ServerState = 'ok' | 'error' | 'hacked' | 'hackedBlocked';

/** cloud.instance.Instance (the fields the simulator changes typed, the others as they come). */
export type CloudInstance = Record<string, unknown> & { id: string; region: string; status: string; operationIds: string[] };

export interface SimData {
  me: Record<string, unknown>;
  domains: Record<string, Record<string, unknown>>;
  zones: Record<string, { records: DnsRecord[]; refreshes: number }>;
  nextRecordId: number;
  sms: Record<
    string,
    {
      creditsLeft: number;
      nextJobId: number;
      jobs: Array<{ id: number; receiver: string; message: string }>;
      incoming: IncomingSms[];
      nextIncomingId: number;
      receivers: SmsReceivers[];
    }
  >;
  servers: Record<string, Record<string, unknown> & { state: ServerState }>;
  /** Oldest first, as the ids were given. */
  bills: Bill[];
  /** Public Cloud projects by id (the project's serviceName), with their instances by id. */
  cloud: Record<string, { project: Record<string, unknown>; instances: Record<string, CloudInstance> }>;
  ips: Record<string, Record<string, unknown>>;
  vps: string[];
  policies: SimPolicy[];
}

/** iam.policy.Response, as the simulator keeps a policy (and applies it to service accounts). */
export interface SimPolicy {
  id: string;
  name: string;
  description?: string | null;
  identities: string[];
  resources: Array<{ urn: string }>;
  permissions: {
    allow?: Array<{ action: string }> | null;
    except?: Array<{ action: string }> | null;
    deny?: Array<{ action: string }> | null;
  };
  owner?: string;
  readOnly?: boolean;
  createdAt?: string;
  updatedAt?: string | null;
  expiredAt?: string | null;
  /** The simulator's course of a /v2 resource being made (not a field of the real policy). */
  resourceStatus?: string;
}

/** A datetime as the API writes it: to the second. */
export function isoSeconds(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The bill numbered `n` (its id, order and password follow from it), of `withTax` euros, 20 % VAT. */
export function makeBill(n: number, date: number, withTax: number, category: Bill['category'] = 'autorenew'): Bill {
  const cents = Math.round(withTax * 100);
  const withoutTax = Math.round(cents / 1.2);
  const price = (c: number): Price => ({
    currencyCode: 'EUR',
    priceInUcents: c * 1_000_000,
    text: `${(c / 100).toFixed(2)} €`,
    value: c / 100,
  });
  const billId = `FR${41_000_000 + n * 137}`;
  const password = `pw${(n * 7919).toString(36).padStart(6, '0')}`;
  return {
    billId,
    category,
    date: isoSeconds(date),
    eInvoicingId: null,
    eInvoicingStatus: null,
    orderId: 210_000_000 + n * 53,
    password,
    pdfUrl: `https://www.ovh.com/cgi-bin/order/facture.pdf?reference=${billId}&passwd=${password}`,
    priceWithTax: price(cents),
    priceWithoutTax: price(withoutTax),
    tax: price(cents - withoutTax),
    url: `https://www.ovh.com/cgi-bin/order/facture.cgi?reference=${billId}&passwd=${password}`,
  };
}

/**
 * Fourteen bill dates around `now` (UTC months): three in the current month (before now), one in
 * each of up to five earlier months of this year, and the rest in the previous year's last
 * months, so "this month" and "this year by month" both have bills whatever the date.
 */
export function billDates(now: number): number[] {
  const today = new Date(now);
  const year = today.getUTCFullYear();
  const month = today.getUTCMonth();
  const monthStart = Date.UTC(year, month, 1);
  const dates: number[] = [];
  const earlier = Math.min(month, 5);
  for (let i = 0; i < 11 - earlier; i++) dates.push(Date.UTC(year - 1, 11 - (10 - earlier) + i, 12, 10, 30));
  for (let i = earlier; i >= 1; i--) dates.push(Date.UTC(year, month - i, 5, 9, 0));
  for (const share of [0.25, 0.5, 0.75]) dates.push(monthStart + Math.floor((share * (now - monthStart)) / 1000) * 1000);
  return dates;
}

/** What the seeded bills come to, with tax, oldest first. */
const BILL_AMOUNTS = [14.39, 35.99, 7.19, 119.99, 23.98, 59.88, 4.79, 14.39, 83.99, 11.99, 35.99, 7.19, 239.98, 29.99];

/** The Public Cloud project (a serviceName is a 32-hex project id) and its instance that reboots in demos. */
export const CLOUD_PROJECT = '5f4e3d2c1b0a49382716a5b4c3d2e1f0';
export const CLOUD_INSTANCE = 'b7c8d9e0-1f2a-4b3c-8d4e-5f6a7b8c9d0e';

export function buildData(now: number = Date.now()): SimData {
  const day = 86_400_000;
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
    sms: {
      'sms-ab12345-1': {
        creditsLeft: 100,
        nextJobId: 5000,
        jobs: [],
        incoming: [
          {
            id: 7001,
            creationDatetime: isoSeconds(now - 9 * day),
            sender: '+33612345678',
            message: 'Meeting moved to 3 pm',
            credits: 0,
            tag: '',
          },
          { id: 7002, creationDatetime: isoSeconds(now - 2 * day), sender: '+33698765432', message: 'STOP', credits: 0, tag: '' },
        ],
        nextIncomingId: 7003,
        receivers: [
          {
            slotId: 1,
            description: 'customers',
            records: 3,
            datetime: isoSeconds(now - 30 * day),
            autoUpdate: false,
            canAutoUpdate: false,
          },
        ],
      },
    },
    servers,
    bills: billDates(now).map((date, i) => makeBill(i + 1, date, BILL_AMOUNTS[i], i % 5 === 3 ? 'purchase' : 'autorenew')),
    cloud: {
      [CLOUD_PROJECT]: {
        project: {
          project_id: CLOUD_PROJECT,
          projectName: 'production',
          description: 'production',
          access: 'full',
          creationDate: isoSeconds(now - 400 * day),
          expiration: null,
          manualQuota: false,
          orderId: 210_000_000,
          planCode: 'project.2018',
          status: 'ok',
          unleash: true,
          iam: {
            id: CLOUD_PROJECT,
            urn: `urn:v1:eu:resource:publicCloudProject:${CLOUD_PROJECT}`,
            displayName: 'production',
          },
        },
        instances: Object.fromEntries(
          [
            ['web-1', CLOUD_INSTANCE, 'GRA11', '198.51.100.20'],
            ['db-1', 'c4d5e6f7-0000-4000-8000-000000000002', 'SBG5', '198.51.100.21'],
          ].map(([name, id, region, ip]) => [
            id,
            {
              id,
              name,
              region,
              status: 'ACTIVE',
              created: isoSeconds(now - 200 * day),
              flavorId: 'f1a2b3c4-0000-4000-8000-00000000b2c7',
              flavor: null,
              imageId: 'e1a2b3c4-0000-4000-8000-0000000d12ee',
              image: null,
              ipAddresses: [
                { ip, type: 'public', version: 4, networkId: 'a1a2b3c4-0000-4000-8000-0000000e1e71', gatewayIp: null },
              ],
              monthlyBilling: null,
              operationIds: [],
              planCode: 'b2-7.consumption',
              availabilityZone: null,
              currentMonthOutgoingTraffic: null,
              rescuePassword: null,
              sshKey: null,
              sshKeyId: null,
            },
          ]),
        ),
      },
    },
    ips: {
      '192.0.2.0/24': { ip: '192.0.2.0/24', type: 'failover', routedTo: { serviceName: 'ns3000001.ip-203-0-113.eu' } },
      '203.0.113.7': { ip: '203.0.113.7', type: 'dedicated', routedTo: { serviceName: 'ns3000007.ip-203-0-113.eu' } },
    },
    vps: ['vps-1.vps.ovh.net', 'vps-2.vps.ovh.net'],
    policies,
  };
}

/**
 * An OVHcloud API simulator for tests: a real HTTP(S) server on 127.0.0.1 that checks what the
 * real API checks (application keys, consumer keys and their state, access rules, timestamps,
 * signatures over the URL and body it received, bearer tokens), answers a made-up account's
 * routes (routes/, data in data.ts), injects faults on demand, and records every request it received.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { buildData, isoSeconds, makeBill, type Bill, type IncomingSms, type ServerState, type SimData } from './data';
import { describedOperation, neededActions, refusedActions, serviceAccountIdentity } from './iam-rules';
import { header, type Context, type Handler, type RouteKit } from './route-kit';
import { accountRoutes } from './routes';

export type CredentialState = 'pendingValidation' | 'validated' | 'expired';

export interface AccessRule {
  method: string;
  path: string;
}

export interface ConsumerKeyRecord {
  consumerKey: string;
  appKey: string;
  state: CredentialState;
  rules: AccessRule[];
  credentialId: number;
  validationToken: string;
  redirection?: string;
  allowedIPs?: string[];
  creation: string;
  expiration: string | null;
  lastUse: string | null;
}

export interface RecordedRequest {
  method: string;
  /** Raw path as received, without the query. */
  path: string;
  /** Raw query string, without "?" ("" when none). */
  search: string;
  /** Full URL as the server reconstructs it: what a valid signature covers. */
  url: string;
  body: string;
  headers: http.IncomingHttpHeaders;
  /** Local time (ms) when the request was complete. */
  receivedAt: number;
  status?: number;
}

export type FaultKind = 'status' | 'html' | '429' | 'slow' | 'reset' | 'empty200';

export interface Fault {
  kind: FaultKind;
  /** Only requests with this method (default: any). */
  method?: string;
  /** Only requests whose raw path matches (a string is a prefix). Default: any API call but /auth/time. */
  path?: string | RegExp;
  /** How many matching requests it hits (default 1). */
  count?: number;
  /** For `status`: the status code (default 500). For `html`: default 502. */
  status?: number;
  /** For `429`: the Retry-After header value (default "1"); for `status`: one, when given. */
  retryAfter?: string;
  /** For `slow`: delay before the normal answer (default 1000 ms). */
  delayMs?: number;
}

/** Per-request probabilities of each fault, drawn from a seeded generator. */
export interface FaultRates {
  status500?: number;
  status429?: number;
  reset?: number;
  slow?: number;
  slowMs?: number;
  retryAfter?: string;
  seed?: number;
}

export interface SimulatorOptions {
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Seconds the simulator's clock is ahead (+) or behind (-) the local clock. */
  skewSec?: number;
  /** Allowed distance between a request's timestamp and the simulator's clock. */
  timeWindowSec?: number;
  /** Lifetime of OAuth2 tokens. */
  tokenLifetimeSec?: number;
  /** Listen on this port (default: any free one). */
  port?: number;
  /**
   * Serve the whole EU API's description (test/fixtures/ovh-api-schemas/full: /cloud and every
   * other family) instead of the few families the copies beside it hold.
   */
  fullDescription?: boolean;
}

/** A task as the simulator keeps it: the object answered, and its course. */
export interface SimTask {
  states: string[];
  /** Reads so far, i.e. the index of the state the task is in. */
  reads: number;
  task: Record<string, unknown>;
  statusField: string;
  /** Called as the task enters a state, for the fields that follow it (dates, a step). */
  onState?: (task: Record<string, unknown>, status: string) => void;
  /** The statuses its next reads answer before the task itself (sim.taskStumbles, copied at its first read). */
  stumbles?: number[];
}

/**
 * The course of each family's next tasks: the dedicated server, VPS and IP tasks, a /v2 resource
 * being made, a DNS zone task (domain.zone.Task), a domain task (domain.Task), a Public Cloud
 * operation (cloud.Operation), an SMS task (sms.Task) and a Public Cloud instance's status after a
 * reboot (not a task: the instance itself, read again).
 */
export interface TaskStates {
  server: string[];
  vps: string[];
  ip: string[];
  resource: string[];
  zone: string[];
  domain: string[];
  cloud: string[];
  sms: string[];
  instance: string[];
}

export function defaultTaskStates(): TaskStates {
  return {
    server: ['init', 'todo', 'doing', 'done'],
    vps: ['todo', 'doing', 'done'],
    ip: ['init', 'todo', 'doing', 'done'],
    resource: ['CREATING', 'READY'],
    zone: ['todo', 'doing', 'done'],
    domain: ['todo', 'doing', 'done'],
    cloud: ['created', 'in-progress', 'completed'],
    sms: ['todo', 'doing', 'done'],
    // A soft reboot, read twice rebooting then ACTIVE; a hard one reads HARD_REBOOT where this says REBOOT.
    instance: ['REBOOT', 'REBOOT', 'REBOOT', 'ACTIVE'],
  };
}

export const DEFAULT_APP = { appKey: 'simAppKey0000001', appSecret: 'simAppSecret000000000000000000001' };
export const DEFAULT_OAUTH = { clientId: 'sim-service-account-1', clientSecret: 'simClientSecret0000000000000001' };

interface Route {
  method: string;
  pattern: string[];
  handler: Handler;
}

export class OvhSimulator {
  readonly apps = new Map<string, string>([[DEFAULT_APP.appKey, DEFAULT_APP.appSecret]]);
  readonly consumerKeys = new Map<string, ConsumerKeyRecord>();
  readonly oauthClients = new Map<string, string>([[DEFAULT_OAUTH.clientId, DEFAULT_OAUTH.clientSecret]]);
  readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  /** Keep every request in `requests` (turn off for long load runs, and count with `onRequest`). */
  recordRequests = true;
  /** Called with every request received, before it is answered. */
  onReceived: ((record: RecordedRequest) => void) | undefined;
  /** IAM actions refused to every caller, e.g. `vps:apiovh:reboot`. */
  readonly iamDenied = new Set<string>();
  /**
   * Service accounts IAM lets do anything, as if a policy the tests do not list allowed them every
   * action on every resource: the default one, so that tests of other things need no policy. Every
   * other service account may do only what the policies naming its identity allow.
   */
  readonly unrestrictedClients = new Set<string>([DEFAULT_OAUTH.clientId]);
  /**
   * Whether /1.0 lists answer whole objects, a page at a time, when asked with
   * `X-Pagination-Mode: CachedObjectList-Pages` (as the real API does for its control panel);
   * off, they answer ids whatever the headers, like an API without the mode.
   */
  cachedObjectLists = true;
  /**
   * Tasks the simulator made (reboots, imports, operations...): each read moves it one state on,
   * then it stays in its last. `taskStates` is the course of the next tasks of each family
   * (pending states, then the final one); resetCounters puts back the defaults.
   */
  readonly tasks = new Map<string, SimTask>();
  taskStates: TaskStates = defaultTaskStates();
  /**
   * The statuses (404, 500...) the first reads of each task answer before the task, as a task
   * just made does while the region that runs it does not know it yet; [] (the default): none.
   */
  taskStumbles: number[] = [];
  /**
   * How the next writes that make a task answer when the task was not made: with its id `0`, or
   * without an id (`none`); undefined (the default): the task is made. Dedicated server reboots
   * and /v2 IAM policies honour it.
   */
  unmadeTask: 'zero' | 'none' | undefined;
  /** The reasons a /v2 resource ending in ERROR gives in its `currentTasks[].errors[].message`. */
  resourceErrors: string[] = ['Quota exceeded for resource policies'];
  faultRates: FaultRates | undefined;
  /** Signed calls a consumer key may make per second before 429 (like the real API's rate limit); 0: none. */
  rateLimitPerSecond = 0;
  skewSec: number;
  timeWindowSec: number;
  tokenLifetimeSec: number;
  /** How many TCP connections clients opened: kept-alive clients open few. */
  connections = 0;
  data: SimData = buildData();
  /**
   * Rewrites the API's description before it is served: `file` is `1.0/index.json`,
   * `1.0/domain.json`... (e.g. a description holding markup, for the editor); undefined: the
   * copies as they are.
   */
  rewriteDescription: ((file: string, description: unknown) => unknown) | undefined;

  private server!: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly routes: Route[] = [];
  /** Recent accepted call times per consumer key, for the rate limit. */
  private readonly recentCalls = new Map<string, number[]>();
  private nextCredentialId = 1;
  private queryCounter = 0;
  private random: () => number = Math.random;
  private readonly protocol: 'http' | 'https';
  private origin = '';

  private constructor(private readonly options: SimulatorOptions) {
    this.skewSec = options.skewSec ?? 0;
    this.timeWindowSec = options.timeWindowSec ?? 30;
    this.tokenLifetimeSec = options.tokenLifetimeSec ?? 3600;
    this.protocol = options.tls ? 'https' : 'http';
    this.defineRoutes();
  }

  static async start(options: SimulatorOptions = {}): Promise<OvhSimulator> {
    const sim = new OvhSimulator(options);
    await sim.listen();
    return sim;
  }

  /** Connections open right now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return this.origin;
  }

  /** The base URL to give a client: `http://127.0.0.1:PORT/1.0`. */
  get baseUrl(): string {
    return this.origin + '/1.0';
  }

  get tokenUrl(): string {
    return this.origin + '/auth/oauth2/token';
  }

  /** The simulator's clock, in Unix seconds. */
  serverTime(): number {
    return Math.floor(Date.now() / 1000) + this.skewSec;
  }

  // ---- test hooks -------------------------------------------------------------------------

  /** A service account (OAuth2 client) that may call the API; IAM lets it do only what policies allow. */
  addServiceAccount(clientId: string, clientSecret: string): string {
    this.oauthClients.set(clientId, clientSecret);
    return this.serviceAccountIdentity(clientId);
  }

  /** The IAM identity a service account acts as (`urn:v1:eu:identity:credential:<nic>/oauth2-<clientId>`). */
  serviceAccountIdentity(clientId: string): string {
    return serviceAccountIdentity(this.data, clientId);
  }

  /** A consumer key created directly, as if requested and validated. */
  addConsumerKey(
    rules: AccessRule[] = ['GET', 'POST', 'PUT', 'DELETE'].map((method) => ({ method, path: '/*' })),
    options: {
      appKey?: string;
      state?: CredentialState;
      consumerKey?: string;
      /** Valid this long from now, as the person chose on the validation page; then refused (403 INVALID_CREDENTIAL). */
      expiresInMs?: number;
    } = {},
  ): string {
    const record = this.createConsumerKey(options.appKey ?? DEFAULT_APP.appKey, rules, options.consumerKey);
    record.state = options.state ?? 'validated';
    if (options.expiresInMs !== undefined) record.expiration = new Date(Date.now() + options.expiresInMs).toISOString();
    return record.consumerKey;
  }

  /** Stands in for the person who opens the validation URL and logs in. */
  validateConsumerKey(consumerKeyOrToken: string, validitySec: number | null = null): void {
    const record = this.findCredential(consumerKeyOrToken);
    record.state = 'validated';
    record.expiration = validitySec === null ? null : new Date(Date.now() + validitySec * 1000).toISOString();
  }

  expireConsumerKey(consumerKey: string): void {
    this.findCredential(consumerKey).state = 'expired';
  }

  /**
   * A new bill, as if the month's renewals were just billed: `value` is what it comes to with tax
   * (20 % VAT), `date` when it was made (default now). Listed by GET /me/bill from now on.
   */
  addBill(bill: { value: number; date?: Date | string | number; category?: Bill['category'] }): Bill {
    const date = bill.date === undefined ? Date.now() : new Date(bill.date).getTime();
    if (Number.isNaN(date)) throw new Error(`simulator: no date in ${String(bill.date)}`);
    const made = makeBill(this.data.bills.length + 1, date, bill.value, bill.category);
    this.data.bills.push(made);
    return made;
  }

  /** An SMS the service receives now, as GET /sms/{serviceName}/incoming lists it from now on. */
  receiveSms(service: string, sms: { sender: string; message: string; tag?: string; credits?: number }): IncomingSms {
    const account = this.data.sms[service];
    if (!account) throw new Error(`simulator: no SMS service ${service}`);
    const incoming: IncomingSms = {
      id: account.nextIncomingId++,
      creationDatetime: isoSeconds(),
      sender: sms.sender,
      message: sms.message,
      credits: sms.credits ?? 0,
      tag: sms.tag ?? '',
    };
    account.incoming.push(incoming);
    return incoming;
  }

  /** A dedicated server's state as GET /dedicated/server/{serviceName} answers it (`error`: it stopped answering). */
  setServerState(name: string, state: ServerState): void {
    const server = this.data.servers[name];
    if (!server) throw new Error(`simulator: no dedicated server ${name}`);
    server.state = state;
  }

  /** Queues a fault for the next matching request(s). */
  injectFault(fault: Fault): void {
    this.faults.push({ count: 1, ...fault });
  }

  setFaultRates(rates: FaultRates | undefined): void {
    this.faultRates = rates;
    this.random = rates ? seededRandom(rates.seed ?? 42) : Math.random;
  }

  /** Requests received, optionally only those of a method and a raw path (a RegExp, or an exact path). */
  received(filter: { method?: string; path?: string | RegExp } = {}): RecordedRequest[] {
    return this.requests.filter(
      (r) =>
        (!filter.method || r.method === filter.method) &&
        (!filter.path || (typeof filter.path === 'string' ? r.path === filter.path : filter.path.test(r.path))),
    );
  }

  count(filter: { method?: string; path?: string | RegExp } = {}): number {
    return this.received(filter).length;
  }

  /**
   * Forgets recorded requests, faults, connections and tasks, puts back the tasks' default
   * courses, every server's `ok` state, every cloud instance ACTIVE, and lists that answer objects;
   * keeps keys and data (records, bills and messages added stay).
   */
  resetCounters(): void {
    this.cachedObjectLists = true;
    this.tasks.clear();
    this.taskStates = defaultTaskStates();
    this.taskStumbles = [];
    this.unmadeTask = undefined;
    this.resourceErrors = ['Quota exceeded for resource policies'];
    for (const server of Object.values(this.data.servers)) server.state = 'ok';
    // A reboot or an operation cut short by the clear above leaves no instance half-way.
    for (const project of Object.values(this.data.cloud)) {
      for (const instance of Object.values(project.instances)) Object.assign(instance, { status: 'ACTIVE', operationIds: [] });
    }
    this.requests.length = 0;
    this.faults.length = 0;
    this.connections = 0;
    this.rateLimitPerSecond = 0;
    this.recentCalls.clear();
    this.recordRequests = true;
    this.onReceived = undefined;
    this.setFaultRates(undefined);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  // ---- server -----------------------------------------------------------------------------

  private async listen(): Promise<void> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.onRequest(req, res);
    this.server = this.options.tls ? https.createServer({ ...this.options.tls }, handler) : http.createServer(handler);
    this.server.keepAliveTimeout = 30_000;
    const onSocket = (socket: Socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    };
    this.server.on(this.options.tls ? 'secureConnection' : 'connection', onSocket);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    const defaultPort = this.protocol === 'https' ? 443 : 80;
    // As WHATWG URLs write it: no port when it is the scheme's default.
    this.origin = port === defaultPort ? `${this.protocol}://127.0.0.1` : `${this.protocol}://127.0.0.1:${port}`;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = req.url ?? '/';
      const queryAt = raw.indexOf('?');
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: queryAt === -1 ? raw : raw.slice(0, queryAt),
        search: queryAt === -1 ? '' : raw.slice(queryAt + 1),
        url: `${this.protocol}://${req.headers.host}${raw}`,
        body: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers,
        receivedAt: Date.now(),
      };
      // The simulator's own controls are not API calls: not recorded, never faulted, not signed.
      if (isControlPath(record.path)) return this.control(res, record);
      if (this.recordRequests) this.requests.push(record);
      this.onReceived?.(record);
      res.setHeader('X-Ovh-QueryID', this.queryId());
      const fault = this.pickFault(record);
      if (fault) return this.applyFault(fault, req, res, record);
      this.handle(req, res, record);
    });
  }

  /**
   * The simulator's controls, for a person trying flows (the playground's "simulate an incoming
   * SMS"): `POST /_simulator/sms/{serviceName}/incoming` with `{"sender": "+33...", "message":
   * "..."}` is an SMS the service receives now (201, the SMS as listed). Unsigned: they change only
   * the made-up account, and live under a prefix the API never has, apart from its rules.
   */
  private control(res: http.ServerResponse, record: RecordedRequest): void {
    const incoming = /^\/_simulator\/sms\/([^/]+)\/incoming$/.exec(record.path);
    if (!incoming || record.method !== 'POST') {
      return this.send(res, record, 404, { message: `No simulator control ${record.method} ${record.path}` });
    }
    let body: { sender?: unknown; message?: unknown };
    try {
      body = JSON.parse(record.body) as typeof body;
    } catch {
      return this.send(res, record, 400, { message: 'The body must be JSON: {"sender": "+33...", "message": "..."}' });
    }
    const sender = body?.sender ?? '+33601020304';
    const message = body?.message;
    if (typeof sender !== 'string' || typeof message !== 'string' || message.length > MAX_CONTROL_SMS_CHARS) {
      return this.send(res, record, 400, {
        message: `sender and message must be strings, the message at most ${MAX_CONTROL_SMS_CHARS} characters`,
      });
    }
    let service: string;
    try {
      service = decodeURIComponent(incoming[1]);
    } catch {
      service = incoming[1];
    }
    if (!Object.hasOwn(this.data.sms, service)) return this.send(res, record, 404, { message: `No SMS service ${service}` });
    this.send(res, record, 201, this.receiveSms(service, { sender, message }));
  }

  /** A task read: one state further each time, its progress growing, then its last state kept. */
  private readTask(ctx: Context, key: string): void {
    const known = this.tasks.get(key);
    if (!known) return this.send(ctx.res, ctx.record, 404, { class: 'Client::NotFound', message: `No task ${key}` });
    known.stumbles ??= [...this.taskStumbles];
    const stumble = known.stumbles.shift();
    if (stumble !== undefined) {
      const body =
        stumble === 404 ? { class: 'Client::NotFound', message: `No task ${key}` } : { message: 'Internal server error' };
      return this.send(ctx.res, ctx.record, stumble, body);
    }
    known.reads = Math.min(known.reads + 1, known.states.length - 1);
    known.task[known.statusField] = known.states[known.reads];
    if ('progress' in known.task) known.task.progress = Math.round((100 * known.reads) / (known.states.length - 1));
    known.onState?.(known.task, known.states[known.reads]);
    this.send(ctx.res, ctx.record, 200, known.task);
  }

  private pickFault(record: RecordedRequest): Fault | undefined {
    const isTime = /\/auth\/time$/.test(record.path);
    for (let i = 0; i < this.faults.length; i++) {
      const fault = this.faults[i];
      if (fault.method && fault.method !== record.method) continue;
      if (fault.path === undefined ? isTime : !matchesPath(fault.path, record.path)) continue;
      if (--fault.count! <= 0) this.faults.splice(i, 1);
      return fault;
    }
    const rates = this.faultRates;
    if (!rates || isTime || record.path.startsWith('/auth/oauth2')) return undefined;
    let draw = this.random();
    const pick: Array<[number | undefined, Fault]> = [
      [rates.status500, { kind: 'status', status: 500 }],
      [rates.status429, { kind: '429', retryAfter: rates.retryAfter ?? '0' }],
      [rates.reset, { kind: 'reset' }],
      [rates.slow, { kind: 'slow', delayMs: rates.slowMs ?? 1000 }],
    ];
    for (const [rate, fault] of pick) {
      if (!rate) continue;
      if (draw < rate) return fault;
      draw -= rate;
    }
    return undefined;
  }

  private applyFault(fault: Fault, req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest): void {
    switch (fault.kind) {
      case 'status':
        if (fault.retryAfter !== undefined) res.setHeader('Retry-After', fault.retryAfter);
        return this.send(res, record, fault.status ?? 500, { message: 'Internal server error' });
      case 'html':
        record.status = fault.status ?? 502;
        res.writeHead(record.status, { 'Content-Type': 'text/html' });
        res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>');
        return;
      case '429':
        res.setHeader('Retry-After', fault.retryAfter ?? '1');
        return this.send(res, record, 429, { message: 'Too many requests' });
      case 'reset':
        record.status = 0;
        req.socket.destroy();
        return;
      case 'empty200':
        record.status = 200;
        res.writeHead(200);
        res.end();
        return;
      case 'slow': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!res.destroyed) this.handle(req, res, record);
        }, fault.delayMs ?? 1000);
        this.timers.add(timer);
        // A client that gives up closes the connection: the answer is no longer owed.
        res.once('close', () => {
          clearTimeout(timer);
          this.timers.delete(timer);
        });
        return;
      }
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest): void {
    try {
      this.route(req, res, record);
    } catch (err) {
      this.send(res, record, 500, { message: `simulator error: ${(err as Error).message}` });
    }
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest): void {
    if (record.path === '/auth/oauth2/token' && record.method === 'POST') return this.oauthToken(res, record);
    if (record.path === '/auth/' || record.path === '/auth') return this.validationPage(res, record);

    const versioned = /^\/(1\.0|v1|v2)(\/.*)?$/.exec(record.path);
    if (!versioned) return this.send(res, record, 404, { message: 'Got an invalid (or empty) URL' });
    if (record.method === 'GET' && isSchemaPath(record.path)) return this.schema(res, record);
    const rest = versioned[2] ?? '/';
    const apiPath = versioned[1] === 'v2' ? '/v2' + rest : rest;
    const ctx: Context = {
      req,
      res,
      record,
      apiPath,
      segments: apiPath.split('/').slice(1),
      query: new URLSearchParams(record.search),
      body: undefined,
    };

    if (apiPath === '/auth/time' && record.method === 'GET') return this.send(res, record, 200, this.serverTime());
    if (apiPath === '/auth/credential' && record.method === 'POST') {
      if (!this.checkApplication(ctx)) return;
      if (!this.parseBody(ctx)) return;
      return this.credentialRequest(ctx);
    }
    if (!this.authenticate(ctx)) return;
    if (!this.parseBody(ctx)) return;
    if (ctx.serviceAccount !== undefined && !this.iamAllows(ctx)) return;

    for (const route of this.routes) {
      if (route.method !== 'ANY' && route.method !== record.method) continue;
      const params = matchRoute(route.pattern, ctx.segments);
      if (params) return route.handler(ctx, params);
    }
    return this.send(res, record, 404, { class: 'Client::NotFound', message: `No route ${record.method} ${apiPath}` });
  }

  /**
   * The API's description of itself, unauthenticated, as the real API serves it: `/1.0/` and
   * `/v2/` list the families, `/1.0/<family>.json` describes one. Served from the real copies in
   * test/fixtures/ovh-api-schemas; a family the copies do not hold answers 404.
   */
  private schema(res: http.ServerResponse, record: RecordedRequest): void {
    const [branch, ...family] = record.path.split('/').slice(1);
    const file = family.join('/') === '' ? 'index.json' : family.join('/');
    const dir = this.options.fullDescription ? FULL_SCHEMA_DIR : SCHEMA_DIR;
    const stored = path.resolve(dir, branch === 'v1' ? '1.0' : branch, file) + (this.options.fullDescription ? '.gz' : '');
    if (!stored.startsWith(dir + path.sep) || !fs.existsSync(stored)) {
      return this.send(res, record, 404, { class: 'Client::NotFound', message: `No schema ${record.path}` });
    }
    // The whole API's copies are kept compressed.
    let text = this.options.fullDescription ? zlib.gunzipSync(fs.readFileSync(stored)) : fs.readFileSync(stored);
    const resolved = stored.replace(/\.gz$/, '');
    if (this.rewriteDescription) {
      const file = path.relative(dir, resolved).split(path.sep).join('/');
      text = Buffer.from(JSON.stringify(this.rewriteDescription(file, JSON.parse(text.toString('utf8')))));
    }
    record.status = 200;
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': text.length });
    res.end(text);
  }

  // ---- authentication -----------------------------------------------------------------------

  private checkApplication(ctx: Context): boolean {
    const appKey = header(ctx.req, 'x-ovh-application');
    if (!appKey) {
      this.send(ctx.res, ctx.record, 401, { message: 'You must login first' });
      return false;
    }
    if (!this.apps.has(appKey)) {
      this.send(ctx.res, ctx.record, 403, oldError('INVALID_KEY', 403, 'This application key is invalid'));
      return false;
    }
    return true;
  }

  private authenticate(ctx: Context): boolean {
    const authorization = header(ctx.req, 'authorization');
    if (authorization?.startsWith('Bearer ')) {
      const token = this.tokens.get(authorization.slice(7));
      if (!token || token.expiresAt <= Date.now()) {
        this.send(ctx.res, ctx.record, 401, { class: 'Client::Unauthorized', message: 'Invalid or expired token' });
        return false;
      }
      ctx.serviceAccount = token.clientId;
      return true;
    }
    if (!this.checkApplication(ctx)) return false;
    const appKey = header(ctx.req, 'x-ovh-application')!;
    const consumerKey = header(ctx.req, 'x-ovh-consumer');
    const timestamp = header(ctx.req, 'x-ovh-timestamp');
    const signature = header(ctx.req, 'x-ovh-signature');
    if (!consumerKey || !timestamp || !signature) {
      this.send(ctx.res, ctx.record, 401, { message: 'You must login first' });
      return false;
    }
    if (!/^\d+$/.test(timestamp) || Math.abs(Number(timestamp) - this.serverTime()) > this.timeWindowSec) {
      this.send(ctx.res, ctx.record, 400, oldError('QUERY_TIME_OUT', 400, 'Query out of time'));
      return false;
    }
    const consumer = this.consumerKeys.get(consumerKey);
    if (!consumer || consumer.appKey !== appKey) {
      this.send(ctx.res, ctx.record, 403, oldError('NOT_CREDENTIAL', 403, 'This credential does not exist'));
      return false;
    }
    if (consumer.state !== 'validated' || (consumer.expiration && Date.parse(consumer.expiration) <= Date.now())) {
      this.send(ctx.res, ctx.record, 403, oldError('INVALID_CREDENTIAL', 403, 'This credential is not valid'));
      return false;
    }
    const expected = expectedSignature(this.apps.get(appKey)!, consumerKey, ctx.record, timestamp);
    if (signature !== expected) {
      this.send(ctx.res, ctx.record, 400, oldError('INVALID_SIGNATURE', 400, 'Invalid signature'));
      return false;
    }
    // Every valid key may describe itself; other paths need a matching access rule.
    const selfDescription = ctx.apiPath === '/auth/currentCredential';
    if (
      !selfDescription &&
      !consumer.rules.some((rule) => rule.method === ctx.record.method && rulePathMatches(rule.path, ctx.apiPath))
    ) {
      this.send(ctx.res, ctx.record, 403, oldError('NOT_GRANTED_CALL', 403, 'This call has not been granted'));
      return false;
    }
    if (this.rateLimitPerSecond > 0 && !this.withinRate(consumerKey)) {
      ctx.res.setHeader('Retry-After', '1');
      this.send(ctx.res, ctx.record, 429, { message: 'Too many requests' });
      return false;
    }
    consumer.lastUse = new Date().toISOString();
    ctx.consumer = consumer;
    return true;
  }

  /**
   * IAM for a service account's call: every action the operation's description names must be
   * allowed on the resource its path names, else 403 naming those refused, as the API answers.
   * A path the description does not know is left to the routes (404, or the simulator's own).
   */
  private iamAllows(ctx: Context): boolean {
    const clientId = ctx.serviceAccount!;
    if (this.unrestrictedClients.has(clientId)) return true;
    const operation = describedOperation(ctx.record.method, ctx.apiPath);
    if (!operation) return true;
    const refused = refusedActions(
      this.data,
      this.serviceAccountIdentity(clientId),
      neededActions(this.data, operation, ctx.apiPath),
    );
    if (!refused) return true;
    this.forbiddenByIam(ctx, refused.actions, refused.urn);
    return false;
  }

  /** The 403 of IAM: the actions refused (comma-separated when several), and the resource. */
  private forbiddenByIam(ctx: Context, actions: readonly string[], urn: string): void {
    this.send(ctx.res, ctx.record, 403, {
      class: 'Client::Forbidden',
      message: 'User not granted for this request',
      details: { unauthorizedActionsByIAM: actions.join(','), urn },
    });
  }

  private withinRate(consumerKey: string): boolean {
    const now = Date.now();
    const recent = (this.recentCalls.get(consumerKey) ?? []).filter((t) => now - t < 1000);
    const allowed = recent.length < this.rateLimitPerSecond;
    if (allowed) recent.push(now);
    this.recentCalls.set(consumerKey, recent);
    return allowed;
  }

  private parseBody(ctx: Context): boolean {
    const text = ctx.record.body;
    if (text === '') return true;
    const length = Number(header(ctx.req, 'content-length'));
    if (length !== Buffer.byteLength(text, 'utf8')) {
      this.send(ctx.res, ctx.record, 400, { class: 'Client::BadRequest', message: 'Content-Length does not match the body' });
      return false;
    }
    try {
      ctx.body = JSON.parse(text);
      return true;
    } catch {
      this.send(ctx.res, ctx.record, 400, { class: 'Client::BadRequest', message: 'Invalid JSON received' });
      return false;
    }
  }

  private credentialRequest(ctx: Context): void {
    const body = ctx.body as { accessRules?: unknown; redirection?: unknown; allowedIPs?: unknown } | undefined;
    const rules = body?.accessRules;
    const valid =
      Array.isArray(rules) &&
      rules.length > 0 &&
      rules.every(
        (r) =>
          r &&
          typeof r === 'object' &&
          ['GET', 'POST', 'PUT', 'DELETE'].includes(r.method) &&
          typeof r.path === 'string' &&
          r.path.startsWith('/'),
      );
    if (!valid) {
      return this.send(ctx.res, ctx.record, 400, { class: 'Client::BadRequest', message: 'Invalid access rules' });
    }
    const record = this.createConsumerKey(header(ctx.req, 'x-ovh-application')!, rules as AccessRule[]);
    if (typeof body?.redirection === 'string') record.redirection = body.redirection;
    if (Array.isArray(body?.allowedIPs)) record.allowedIPs = body.allowedIPs as string[];
    this.send(ctx.res, ctx.record, 200, {
      validationUrl: `${this.origin}/auth/?credentialToken=${record.validationToken}`,
      consumerKey: record.consumerKey,
      state: 'pendingValidation',
    });
  }

  /**
   * The page a validationUrl opens: where, on the real API, a person logs in and picks a
   * validity. Here one button validates the key, so a browser test or a playground user can
   * go through the whole consumer-key flow.
   */
  private validationPage(res: http.ServerResponse, record: RecordedRequest): void {
    const form = new URLSearchParams(record.method === 'POST' ? record.body : record.search);
    const token = form.get('credentialToken') ?? '';
    const credential = [...this.consumerKeys.values()].find((c) => c.validationToken === token);
    const page = (status: number, title: string, body: string) => {
      record.status = status;
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family: sans-serif; margin: 3em;"><h1>${title}</h1>${body}</body></html>`,
      );
    };
    if (!credential) return page(404, 'Unknown credential token', '<p>This validation link is not known to the simulator.</p>');
    if (record.method === 'POST') {
      this.validateConsumerKey(token, Number(form.get('validitySec')) || null);
      if (credential.redirection) {
        record.status = 302;
        res.writeHead(302, { Location: credential.redirection });
        res.end();
        return;
      }
      return page(200, 'Consumer key validated', '<p id="validated">The consumer key is now valid. You can close this page.</p>');
    }
    const rules = credential.rules.map((r) => `<li><code>${r.method} ${escapeHtml(r.path)}</code></li>`).join('');
    page(
      200,
      'OVHcloud API simulator: validate a consumer key',
      `<p>An application asks for these rights:</p><ul>${rules}</ul>
<form method="post" action="/auth/"><input type="hidden" name="credentialToken" value="${escapeHtml(token)}">
<label>Validity <select name="validitySec"><option value="3600">1 hour</option><option value="86400">1 day</option><option value="0" selected>Unlimited</option></select></label>
<button id="validate" type="submit">Validate</button></form>`,
    );
  }

  private oauthToken(res: http.ServerResponse, record: RecordedRequest): void {
    const form = new URLSearchParams(record.body);
    const clientId = form.get('client_id') ?? '';
    if (form.get('grant_type') !== 'client_credentials') {
      return this.send(res, record, 400, { error: 'unsupported_grant_type', error_description: 'Only client_credentials' });
    }
    if (this.oauthClients.get(clientId) !== form.get('client_secret')) {
      return this.send(res, record, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    const accessToken = 'simtok_' + randomBytes(16).toString('hex');
    this.tokens.set(accessToken, { clientId, expiresAt: Date.now() + this.tokenLifetimeSec * 1000 });
    this.send(res, record, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.tokenLifetimeSec,
      scope: form.get('scope') ?? 'all',
    });
  }

  private createConsumerKey(
    appKey: string,
    rules: AccessRule[],
    consumerKey = randomBytes(16).toString('hex'),
  ): ConsumerKeyRecord {
    const record: ConsumerKeyRecord = {
      consumerKey,
      appKey,
      state: 'pendingValidation',
      rules: rules.map((r) => ({ method: r.method, path: r.path })),
      credentialId: this.nextCredentialId++,
      validationToken: randomBytes(12).toString('hex'),
      creation: new Date().toISOString(),
      expiration: null,
      lastUse: null,
    };
    this.consumerKeys.set(record.consumerKey, record);
    return record;
  }

  private findCredential(consumerKeyOrToken: string): ConsumerKeyRecord {
    const record =
      this.consumerKeys.get(consumerKeyOrToken) ??
      [...this.consumerKeys.values()].find((r) => r.validationToken === consumerKeyOrToken);
    if (!record) throw new Error(`simulator: no consumer key or validation token ${consumerKeyOrToken}`);
    return record;
  }

  // ---- answers ------------------------------------------------------------------------------

  send(res: http.ServerResponse, record: RecordedRequest, status: number, body: unknown): void {
    record.status = status;
    if (body === undefined) {
      res.writeHead(status);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private queryId(): string {
    this.queryCounter++;
    return `EU.ext-3.${randomBytes(4).toString('hex')}.${this.queryCounter}.${randomBytes(4).toString('hex')}`;
  }

  private defineRoutes(): void {
    const on = (method: string, path: string, handler: Handler) =>
      this.routes.push({ method, pattern: path.split('/').slice(1), handler });
    const ok = (ctx: Context, body: unknown, status = 200) => this.send(ctx.res, ctx.record, status, body);
    /** A /1.0 list: ids, or a page of whole objects when asked for CachedObjectList-Pages. */
    const list = <T>(ctx: Context, items: T[], idOf: (item: T) => unknown) => {
      const header = (name: string) => {
        const value = ctx.record.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      if (!this.cachedObjectLists || header('x-pagination-mode') !== 'CachedObjectList-Pages') return ok(ctx, items.map(idOf));
      const size = Math.min(5000, Math.max(1, Number(header('x-pagination-size')) || 5000));
      const number = Math.max(1, Number(header('x-pagination-number')) || 1);
      ctx.res.setHeader('X-Pagination-Elements', String(items.length));
      ctx.res.setHeader('X-Pagination-Size', String(size));
      ctx.res.setHeader('X-Pagination-Number', String(number));
      ok(ctx, items.slice((number - 1) * size, number * size));
    };
    const notFound = (ctx: Context, what: string) =>
      this.send(ctx.res, ctx.record, 404, {
        class: 'Client::NotFound',
        message: `The requested object (${what}) does not exist`,
      });
    const badRequest = (ctx: Context, message: string) =>
      this.send(ctx.res, ctx.record, 400, { class: 'Client::BadRequest', message });

    // The simulator's own routes: a key describing itself and the keys of its application, and
    // echo routes for tests of the request itself. The made-up account's are in routes/.
    on('GET', '/auth/currentCredential', (ctx) => {
      const c = ctx.consumer;
      if (!c) return badRequest(ctx, 'No consumer key in use');
      ok(ctx, {
        credentialId: c.credentialId,
        applicationId: 1,
        status: c.state,
        rules: c.rules,
        creation: c.creation,
        expiration: c.expiration,
        lastUse: c.lastUse,
        allowedIPs: c.allowedIPs ?? null,
        ovhSupport: false,
      });
    });
    on('GET', '/me/api/credential', (ctx) =>
      ok(
        ctx,
        [...this.consumerKeys.values()].filter((c) => c.appKey === ctx.consumer?.appKey).map((c) => c.credentialId),
      ),
    );

    const echo: Handler = (ctx) =>
      ok(ctx, {
        method: ctx.record.method,
        url: ctx.record.url,
        path: ctx.record.path,
        search: ctx.record.search,
        query: Object.fromEntries([...new Set(ctx.query.keys())].map((k) => [k, ctx.query.getAll(k)])),
        body: ctx.record.body,
        contentType: ctx.record.headers['content-type'] ?? null,
        contentLength: ctx.record.headers['content-length'] ?? null,
        headers: ctx.record.headers,
      });
    on('ANY', '/echo', echo);
    on('ANY', '/echo/**', echo);
    on('ANY', '/v2/echo/**', echo);

    const kit: RouteKit = {
      on,
      ok,
      list,
      notFound,
      badRequest,
      forbiddenByIam: (ctx, action, urn) => this.forbiddenByIam(ctx, [action], urn),
      readTask: (ctx, key) => this.readTask(ctx, key),
      startTask: (key, states, task, statusField, onState) => {
        (task as Record<string, unknown>)[statusField] = states[0];
        onState?.(task, states[0]);
        this.tasks.set(key, { states: [...states], reads: 0, task, statusField, onState });
        return task;
      },
    };
    accountRoutes(this, kit);
  }
}

/** `$1$` + SHA-1 over AS+CK+METHOD+URL+BODY+TS, with the body's bytes as received. */
function expectedSignature(appSecret: string, consumerKey: string, record: RecordedRequest, timestamp: string): string {
  const hash = createHash('sha1');
  hash.update(`${appSecret}+${consumerKey}+${record.method}+${record.url}+`, 'utf8');
  hash.update(record.body, 'utf8');
  hash.update(`+${timestamp}`, 'utf8');
  return '$1$' + hash.digest('hex');
}

/** Access-rule paths: `*` matches anything, `/` included. */
function rulePathMatches(rulePath: string, apiPath: string): boolean {
  const pattern = '^' + rulePath.split('*').map(escapeRegExp).join('.*') + '$';
  return new RegExp(pattern).test(apiPath);
}

/** Matches raw segments against a pattern; `:name` takes one decoded segment, `**` the rest. */
function matchRoute(pattern: string[], segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i];
    if (part === '**') return segments.length > i ? params : undefined;
    const segment = segments[i];
    if (segment === undefined || segment === '') return undefined;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (part !== segment) {
      return undefined;
    }
  }
  return segments.length === pattern.length ? params : undefined;
}

function matchesPath(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? path.startsWith(pattern) : pattern.test(path);
}

/** The prefix of the simulator's own controls: no API path starts with it (they start with a version). */
export const CONTROL_PREFIX = '/_simulator/';
/** The longest message the control accepts, as a few concatenated SMS. */
const MAX_CONTROL_SMS_CHARS = 1600;

/** The control path that makes an SMS service receive an SMS (POST `{"sender", "message"}`). */
export function incomingSmsControlPath(service: string): string {
  return `${CONTROL_PREFIX}sms/${encodeURIComponent(service)}/incoming`;
}

function isControlPath(p: string): boolean {
  return p.startsWith(CONTROL_PREFIX);
}

/** Where the simulator's API schemas are: the repository's copies of the real ones. */
const SCHEMA_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'ovh-api-schemas');

/** The whole EU API's description, each family compressed. */
const FULL_SCHEMA_DIR = path.join(SCHEMA_DIR, 'full');

/** `/1.0/`, `/v2/` (the family lists) and `/<branch>/<family>.json`. */
function isSchemaPath(p: string): boolean {
  return /^\/(1\.0|v1|v2)\/$/.test(p) || /^\/(1\.0|v1|v2)\/[A-Za-z0-9/]+\.json$/.test(p);
}

function oldError(errorCode: string, status: number, message: string) {
  return { errorCode, httpCode: `${status} ${http.STATUS_CODES[status]}`, message };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Mulberry32: a small seeded generator, so a fault mix is the same run after run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

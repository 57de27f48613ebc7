/** Shared test helpers: the simulator, clients pointed at it, and the shared fixtures. */
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { OvhClient, type OvhClientOptions } from '../../nodes/client';
import { DEFAULT_APP, OvhSimulator, type SimulatorOptions } from '../simulator/simulator';

/** The repository root, from dist/test/helpers or test/helpers. */
export const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');

/**
 * The repository's copies of the shared fixtures (signature vectors, API schemas): a clone of
 * the repository alone runs every test. test/fixtures.test.ts keeps them identical to
 * ../shared, where that folder exists.
 */
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');

export function fixtureFile(name: string): string {
  return path.join(fixturesDir, name);
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<OvhSimulator> {
  return OvhSimulator.start(options);
}

/** A client with a validated consumer key of the simulator (all methods on /*), fast retries. */
export function clientFor(sim: OvhSimulator, options: Partial<OvhClientOptions> & { consumerKey?: string } = {}): OvhClient {
  return new OvhClient({
    endpoint: sim.baseUrl,
    appKey: DEFAULT_APP.appKey,
    appSecret: DEFAULT_APP.appSecret,
    consumerKey: options.consumerKey ?? sim.addConsumerKey(),
    timeoutMs: 2000,
    ...options,
    retry: { baseDelayMs: 5, maxDelayMs: 20, ...options.retry },
  });
}

/** Awaits a promise that must reject, and returns its error. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** An HTTP proxy that tunnels CONNECT to loopback targets, and lists the targets it was asked for. */
export async function connectProxy(): Promise<{ url: string; tunnels: string[]; close(): Promise<void> }> {
  const tunnels: string[] = [];
  const proxy = http.createServer((_req, res) => res.writeHead(500).end());
  proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
    tunnels,
    close: () => {
      proxy.closeAllConnections();
      return new Promise((resolve) => proxy.close(() => resolve()));
    },
  };
}

/** The official clients' variables: what makes an account read its keys from the environment. */
export const OVH_VARIABLES = ['OVH_ENDPOINT', 'OVH_APPLICATION_KEY', 'OVH_APPLICATION_SECRET', 'OVH_CONSUMER_KEY'] as const;

/**
 * Sets the OVH_* variables to `values` (a variable left out is removed, whatever this shell
 * holds) and answers what puts back the shell's own.
 */
export function setOvhVariables(values: Partial<Record<(typeof OVH_VARIABLES)[number], string>>): () => void {
  const kept = Object.fromEntries(OVH_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of OVH_VARIABLES) {
    if (values[name] === undefined) delete process.env[name];
    else process.env[name] = values[name];
  }
  return () => {
    for (const name of OVH_VARIABLES) {
      if (kept[name] === undefined) delete process.env[name];
      else process.env[name] = kept[name];
    }
  };
}

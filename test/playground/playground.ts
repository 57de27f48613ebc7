/**
 * What `npm start` starts: the OVHcloud API simulator and a Node-RED with this package installed,
 * on 127.0.0.1, with the demo flow deployed and, against the simulator, the ops dashboard
 * (example 14) on a tab of its own, on the playground's account. With OVH_APPLICATION_KEY,
 * OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY set, the demo calls the real API instead (and the
 * dashboard, which can reboot servers, is left out).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_APP, OvhSimulator } from '../simulator/simulator';
import { repoRoot } from '../helpers';
import { deploy, startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import { demoAccount, demoFlow, DEMO_SMS_MESSAGE, EXAMPLES_ACCOUNT_ID } from './demo-flow';

/** A fixed consumer key, so that a restarted simulator still accepts the demo's stored key. */
const PLAYGROUND_CONSUMER_KEY = 'playgroundConsumerKey00000000001';
export const DASHBOARD_EXAMPLE = path.join(repoRoot, 'examples', '14 Ops dashboard (FlowFuse Dashboard 2.0).json');
const DASHBOARD_TAB = 'ops-dashboard-tab';

type FlowNode = Record<string, unknown>;

/**
 * The demo's SMS is answered a few seconds later, so the demo's watch has something to show. Only
 * that one: a flow answering each SMS received (example 12) and the simulator would otherwise
 * answer each other for ever.
 */
function answerEachSms(sim: OvhSimulator): void {
  sim.onReceived = (request) => {
    const sent = /^\/1\.0\/sms\/([^/]+)\/jobs$/.exec(request.path);
    if (request.method !== 'POST' || !sent) return;
    let message: unknown;
    try {
      message = (JSON.parse(request.body) as { message?: unknown }).message;
    } catch {
      return;
    }
    if (message !== DEMO_SMS_MESSAGE) return;
    const service = decodeURIComponent(sent[1]);
    setTimeout(() => {
      try {
        sim.receiveSms(service, { sender: '+33601020304', message: 'Got it, thanks!' });
      } catch {
        // an SMS account the simulator does not have: nothing to answer
      }
    }, 3_000).unref();
  };
}

/** FlowFuse Dashboard 2.0's folder (a dev dependency), or nothing when it is not installed. */
export function dashboardDir(): string | undefined {
  try {
    return path.dirname(require.resolve('@flowfuse/node-red-dashboard/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * Example 14 on a tab of its own, as imported, without its account node: its requests name the
 * examples' account id, which is the playground's account.
 */
export function dashboardFlow(): FlowNode[] {
  const example = JSON.parse(fs.readFileSync(DASHBOARD_EXAMPLE, 'utf8')) as FlowNode[];
  return [
    { id: DASHBOARD_TAB, type: 'tab', label: 'Ops dashboard (example 14)', info: 'Open /dashboard/ops.' },
    ...example.filter((n) => n.id !== EXAMPLES_ACCOUNT_ID).map((n) => ('wires' in n ? { ...n, z: DASHBOARD_TAB } : n)),
  ];
}

export interface Playground {
  nodeRed: StartedNodeRed;
  /** The simulator, unless the real API is used. */
  sim?: OvhSimulator;
  /** Whether the ops dashboard was deployed. */
  dashboard: boolean;
  stop(): Promise<void>;
}

export async function startPlayground(
  options: {
    port?: number;
    simulatorPort?: number;
    echo?: boolean;
    /** Deploy the ops dashboard when it is installed (default: yes; a test of the demo alone says no). */
    dashboard?: boolean;
  } = {},
): Promise<Playground> {
  const realApi = Boolean(process.env.OVH_APPLICATION_KEY && process.env.OVH_APPLICATION_SECRET && process.env.OVH_CONSUMER_KEY);
  let sim: OvhSimulator | undefined;
  if (!realApi) {
    sim = await OvhSimulator.start({ port: options.simulatorPort ?? 0 });
    sim.addConsumerKey(undefined, { consumerKey: PLAYGROUND_CONSUMER_KEY });
    answerEachSms(sim);
  }
  // The dashboard reboots servers: against the simulator only.
  const dashboard = sim && options.dashboard !== false ? dashboardDir() : undefined;
  const nodeRed = await startNodeRed({
    port: options.port,
    echo: options.echo,
    modules: dashboard ? { '@flowfuse/node-red-dashboard': dashboard } : {},
  });
  // The examples' account id: an example imported later can use this account.
  const account = demoAccount(sim ? { simulatorUrl: sim.url } : { fromEnvironment: true }, EXAMPLES_ACCOUNT_ID);
  const credentials: Record<string, Record<string, string>> = sim
    ? {
        [EXAMPLES_ACCOUNT_ID]: {
          appKey: DEFAULT_APP.appKey,
          appSecret: DEFAULT_APP.appSecret,
          consumerKey: PLAYGROUND_CONSUMER_KEY,
        },
      }
    : {};
  await deploy(nodeRed, [...demoFlow(account), ...(dashboard ? dashboardFlow() : [])], credentials);
  return {
    nodeRed,
    sim,
    dashboard: Boolean(dashboard),
    stop: async () => {
      await nodeRed.stop();
      await sim?.close();
    },
  };
}

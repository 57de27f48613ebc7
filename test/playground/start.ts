/**
 * `npm start`: the OVHcloud API simulator and a Node-RED with this package installed, on
 * 127.0.0.1, with a demo flow deployed. With OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET and
 * OVH_CONSUMER_KEY (and optionally OVH_ENDPOINT) set, the demo calls the real API instead.
 */
import { DEFAULT_APP, OvhSimulator } from '../simulator/simulator';
import { deploy, startNodeRed } from '../helpers/node-red-process';
import { demoAccount, demoFlow, DEMO_ACCOUNT_ID } from './demo-flow';

/** A fixed consumer key, so that a restarted simulator still accepts the demo's stored key. */
const PLAYGROUND_CONSUMER_KEY = 'playgroundConsumerKey00000000001';

/** Each SMS the demo sends is answered a few seconds later, so the demo's watch has something to show. */
function answerEachSms(sim: OvhSimulator): void {
  sim.onReceived = (request) => {
    const sent = /^\/1\.0\/sms\/([^/]+)\/jobs$/.exec(request.path);
    if (request.method !== 'POST' || !sent) return;
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

async function main(): Promise<void> {
  const port = Number(process.env.PORT) || 1880;
  const realApi = Boolean(process.env.OVH_APPLICATION_KEY && process.env.OVH_APPLICATION_SECRET && process.env.OVH_CONSUMER_KEY);
  let sim: OvhSimulator | undefined;
  if (!realApi) {
    sim = await OvhSimulator.start({ port: Number(process.env.SIMULATOR_PORT) || 0 });
    sim.addConsumerKey(undefined, { consumerKey: PLAYGROUND_CONSUMER_KEY });
    answerEachSms(sim);
  }
  const nodeRed = await startNodeRed({ port, echo: true });
  const account = sim ? demoAccount({ simulatorUrl: sim.url }) : demoAccount({ fromEnvironment: true });
  const credentials: Record<string, Record<string, string>> = sim
    ? {
        [DEMO_ACCOUNT_ID]: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey: PLAYGROUND_CONSUMER_KEY },
      }
    : {};
  await deploy(nodeRed, demoFlow(account), credentials);

  const line = '-'.repeat(72);
  console.log(`\n${line}`);
  console.log(`Node-RED with node-red-contrib-ovhcloud: ${nodeRed.url}/`);
  if (sim) {
    console.log(`OVHcloud API simulator:                    ${sim.baseUrl}`);
    console.log(`  application key ${DEFAULT_APP.appKey}, secret ${DEFAULT_APP.appSecret}`);
    console.log('Open the editor and click the inject buttons; answers show in the Debug sidebar.');
    console.log('Set OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY (and OVH_ENDPOINT) to use the real API.');
  } else {
    console.log(`Real OVHcloud API: ${process.env.OVH_ENDPOINT || 'ovh-eu'} (keys from the OVH_* environment variables)`);
  }
  console.log('The demo flow is deployed afresh at each start. Ctrl+C stops everything.');
  console.log(`${line}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await nodeRed.stop();
    await sim?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

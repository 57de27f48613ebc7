/**
 * `npm start`: the OVHcloud API simulator and a Node-RED with this package installed, on
 * 127.0.0.1, with a demo flow deployed (see playground.ts). With OVH_APPLICATION_KEY,
 * OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY (and optionally OVH_ENDPOINT) set, the demo calls
 * the real API instead.
 */
import { DEFAULT_APP } from '../simulator/simulator';
import { startPlayground } from './playground';

async function main(): Promise<void> {
  const playground = await startPlayground({
    port: Number(process.env.PORT) || 1880,
    simulatorPort: Number(process.env.SIMULATOR_PORT) || 0,
    echo: true,
  });
  const { nodeRed, sim } = playground;

  const line = '-'.repeat(72);
  console.log(`\n${line}`);
  console.log(`Node-RED with node-red-contrib-ovhcloud: ${nodeRed.url}/`);
  if (sim) {
    console.log(`OVHcloud API simulator:                    ${sim.baseUrl}`);
    console.log(`  application key ${DEFAULT_APP.appKey}, secret ${DEFAULT_APP.appSecret}`);
    console.log('Open the editor and click the inject buttons; answers show in the Debug sidebar.');
    console.log('"Simulate an incoming SMS" makes the simulator receive one: the watch "SMS received" sends it.');
    if (playground.dashboard)
      console.log(`Ops dashboard (example 14, on the playground's account): ${nodeRed.url}/dashboard/ops`);
    console.log('Set OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY (and OVH_ENDPOINT) to use the real API.');
  } else {
    console.log(`Real OVHcloud API: ${process.env.OVH_ENDPOINT || 'ovh-eu'} (keys from the OVH_* environment variables)`);
    console.log('The demo leaves out what only the simulator has (example.com, sms-ab12345-1, a reboot, a simulated SMS).');
  }
  console.log('The demo flow is deployed afresh at each start. Ctrl+C stops everything.');
  console.log(`${line}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await playground.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

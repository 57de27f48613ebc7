/**
 * The simulator in a process of its own for the benchmark, so that the client's CPU time is
 * measured apart from the server's. Talks to its parent over IPC.
 */
import { OvhSimulator, type FaultRates, type RecordedRequest } from '../simulator/simulator';

export type SimCommand =
  { type: 'stats' } | { type: 'reset' } | { type: 'faults'; rates: FaultRates | undefined } | { type: 'consumer-key' };

export interface SimStats {
  total: number;
  timeCalls: number;
}

async function main(): Promise<void> {
  const tls = { key: process.env.BENCH_TLS_KEY!, cert: process.env.BENCH_TLS_CERT! };
  // Port 443: the official Node.js clients sign "https://" + host + path, without a port, so
  // they can only be measured against a server on the default port (loopback, as root).
  const sim = await OvhSimulator.start({ tls, timeWindowSec: 300, port: Number(process.env.BENCH_SIM_PORT ?? 443) });
  sim.recordRequests = false;
  let stats: SimStats = { total: 0, timeCalls: 0 };
  sim.onReceived = (r: RecordedRequest) => {
    stats.total++;
    if (r.path.endsWith('/auth/time')) stats.timeCalls++;
  };
  process.on('message', (command: SimCommand) => {
    switch (command.type) {
      case 'stats':
        process.send!({ type: 'stats', stats });
        break;
      case 'reset':
        stats = { total: 0, timeCalls: 0 };
        process.send!({ type: 'ok' });
        break;
      case 'faults':
        sim.setFaultRates(command.rates);
        process.send!({ type: 'ok' });
        break;
      case 'consumer-key':
        process.send!({ type: 'consumer-key', consumerKey: sim.addConsumerKey() });
        break;
    }
  });
  process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
  process.send!({ type: 'ready', url: sim.url });
}

void main();

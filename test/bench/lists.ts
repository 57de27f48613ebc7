/**
 * Reading a whole /1.0 list with expand, both ways, against the simulator: one call per id
 * (500 DNS records = 501 calls), or whole objects a page at a time (X-Pagination-Mode:
 * CachedObjectList-Pages). Calls are counted by the simulator; times are medians of a few reads,
 * and what matters at OVHcloud is the calls: its fair use is about 60 calls a minute.
 */
import { performance } from 'node:perf_hooks';
import { OvhSimulator } from '../simulator/simulator';
import { clientFor } from '../helpers';
import { readSettings } from '../../nodes/calls/settings';
import { runSequence } from '../../nodes/calls/modes';

export interface ListFigures {
  records: number;
  objects: { calls: number; ms: number };
  ids: { calls: number; ms: number };
}

const RECORDS = 500;
const READS = 5;

export async function measureLists(): Promise<ListFigures> {
  const sim = await OvhSimulator.start();
  const client = clientFor(sim);
  try {
    const records = sim.data.zones['example.com'].records;
    for (let i = records.length; i < RECORDS; i++) {
      records.push({ id: 9000 + i, zone: 'example.com', fieldType: 'TXT', subDomain: `r${i}`, target: `"v${i}"`, ttl: 60 });
    }
    const settings = readSettings({ mode: 'expand', path: '/domain/zone/{zoneName}/record', concurrency: 4 });
    const read = async (objects: boolean) => {
      const times: number[] = [];
      let calls = 0;
      for (let n = 0; n < READS; n++) {
        sim.resetCounters();
        sim.cachedObjectLists = objects;
        const started = performance.now();
        const run = {
          settings,
          signal: new AbortController().signal,
          answered: () => undefined,
          text: (key: string) => key,
          client,
          call: { method: 'GET' as const, path: settings.path, params: { zoneName: 'example.com' } },
        };
        let items = 0;
        for await (const step of runSequence(run)) if (step.kind === 'complete') items = (step.payload as unknown[]).length;
        if (items !== RECORDS) throw new Error(`read ${items} records, not ${RECORDS}`);
        times.push(performance.now() - started);
        calls = sim.count({ path: /^\/1\.0\/domain\/zone\/example\.com\/record/ });
      }
      times.sort((a, b) => a - b);
      return { calls, ms: times[Math.floor(times.length / 2)] };
    };
    const ids = await read(false);
    const objects = await read(true);
    return { records: RECORDS, objects, ids };
  } finally {
    await client.close();
    await sim.close();
  }
}

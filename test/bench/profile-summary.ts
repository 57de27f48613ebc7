/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. from `npm run bench -- --regime lean
 * --profile client`): the functions with the most self time, and the self time by file.
 *
 * Usage: node dist/test/bench/profile-summary.js FILE.cpuprofile [--top N] [--only TEXT]
 * (--only keeps the functions whose file contains TEXT, e.g. nodes/client).
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  what: string;
  ms: number;
  share: number;
}

/** Self time by function and by file, largest first, in ms and as a share of all samples. */
export function selfTimes(profile: Profile): { functions: SelfTime[]; files: SelfTime[]; totalMs: number } {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const perFunction = new Map<string, number>();
  const perFile = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const frame = byNode.get(id)?.callFrame;
    if (!frame) return;
    total += us;
    const file =
      frame.url
        .replace(/^file:\/\//, '')
        .replace(/.*node_modules\//, 'node_modules/')
        .replace(/.*\/dist\//, 'dist/') || '(native)';
    const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    perFunction.set(name, (perFunction.get(name) ?? 0) + us);
    perFile.set(file, (perFile.get(file) ?? 0) + us);
  });
  const sorted = (map: Map<string, number>) =>
    [...map.entries()].map(([what, us]) => ({ what, ms: us / 1000, share: us / total })).sort((a, b) => b.ms - a.ms);
  return { functions: sorted(perFunction), files: sorted(perFile), totalMs: total / 1000 };
}

function main(): void {
  const [file, ...rest] = process.argv.slice(2);
  const top = Number(rest[rest.indexOf('--top') + 1]) || 25;
  const only = rest.includes('--only') ? rest[rest.indexOf('--only') + 1] : undefined;
  const { functions, files, totalMs } = selfTimes(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile);
  const show = (rows: SelfTime[]) =>
    rows
      .slice(0, top)
      .forEach((r) => console.log(`${r.ms.toFixed(1).padStart(9)} ms ${(100 * r.share).toFixed(1).padStart(5)} %  ${r.what}`));
  console.log(`${file}: ${totalMs.toFixed(0)} ms sampled\n\nSelf time by function:`);
  show(only ? functions.filter((r) => r.what.includes(only)) : functions);
  console.log('\nSelf time by file:');
  show(files);
}

if (require.main === module) main();

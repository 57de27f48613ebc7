/** The examples as a user imports them: each file's nodes, in the order of their names. */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './index';

export type FlowNode = Record<string, unknown>;
const examplesDir = path.join(repoRoot, 'examples');

export function readExamples(): Array<{ file: string; nodes: FlowNode[] }> {
  return fs
    .readdirSync(examplesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, nodes: JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) as FlowNode[] }));
}

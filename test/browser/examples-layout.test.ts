/**
 * Every example as the editor draws it: imported into a real editor (with FlowFuse Dashboard 2.0
 * in the palette, for the dashboard example), each on its own tab, no node drawn on another. The
 * sizes are the editor's own (a node is as wide as its label), read once each tab is shown.
 */
import 'should';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, CHROMIUM, launchBrowser } from '../helpers/browser';
import { startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import { EXAMPLES_ACCOUNT_ID } from '../playground/demo-flow';
import { readExamples } from '../helpers/examples';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const requestAnimationFrame: (callback: () => void) => void;

interface Box {
  label: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The pairs of boxes that cover one another (touching edges do not). */
export function overlaps(boxes: Box[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
        found.push(`"${a.label}" on "${b.label}"`);
    }
  }
  return found;
}

describe('the examples in the editor', function () {
  this.timeout(180_000);
  let nodeRed: StartedNodeRed;
  let browser: Browser;
  let closeBrowser: (() => Promise<void>) | undefined;

  before(async function () {
    if (!chromiumAvailable()) {
      if (process.env.CI) throw new Error(`No Chromium at ${CHROMIUM}: .ci/run must install Debian's chromium`);
      console.log(`      (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium to run the editor tests)`);
      this.skip();
    }
    const dashboardDir = path.dirname(require.resolve('@flowfuse/node-red-dashboard/package.json'));
    nodeRed = await startNodeRed({ modules: { '@flowfuse/node-red-dashboard': dashboardDir } });
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  after(async () => {
    await closeBrowser?.();
    await nodeRed?.stop();
  });

  it('imports every example, one after another, and draws no node on another', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    try {
      await page.goto(nodeRed.url);
      await page.waitForFunction(
        () =>
          typeof RED !== 'undefined' &&
          RED.nodes?.getType('ovh-request') &&
          RED.nodes.getType('ui-template') &&
          document.querySelector('.red-ui-palette-node[data-palette-type="ui-template"]') &&
          RED.workspaces.active(),
        null,
        { timeout: 60_000 },
      );
      const examples = readExamples();
      const drawn: Record<string, Box[]> = {};
      for (const [i, { file, nodes }] of examples.entries()) {
        // The shared account once: the later examples use it (their own copy is the same node).
        const imported = i === 0 ? nodes : nodes.filter((n) => n.id !== EXAMPLES_ACCOUNT_ID);
        const tab = await page.evaluate((flow) => {
          RED.view.importNodes(flow, { addFlow: true });
          return RED.workspaces.active();
        }, imported);
        // Drawn on the next frames: each node's size is the editor's once drawn.
        await page.evaluate(
          () =>
            new Promise<void>((resolve) => {
              RED.view.redraw(true);
              requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
            }),
        );
        drawn[file] = await page.evaluate((z) => {
          const boxes: Box[] = [];
          RED.nodes.eachNode((n: { z: string; type: string; name?: string; x: number; y: number; w: number; h: number }) => {
            if (n.z !== z) return;
            boxes.push({
              label: `${n.type} ${n.name || ''}`.trim(),
              left: n.x - n.w / 2,
              right: n.x + n.w / 2,
              top: n.y - n.h / 2,
              bottom: n.y + n.h / 2,
            });
          });
          return boxes;
        }, tab);
        drawn[file].length.should.equal(nodes.filter((n) => 'wires' in n).length, file);
        for (const box of drawn[file]) (box.right - box.left).should.be.above(0, `${file}: ${box.label} not drawn`);
      }
      const found = Object.entries(drawn).flatMap(([file, boxes]) => overlaps(boxes).map((o) => `${file}: ${o}`));
      found.should.eql([]);
    } finally {
      await page.close();
    }
  });
});

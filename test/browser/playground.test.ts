/**
 * The playground (`npm start`) in the editor: against its simulator, "Simulate an incoming SMS"
 * makes the demo's watch send one; pointed at a real endpoint (the OVH_* variables; here a
 * simulator of the test's own stands in for the real API), the demo leaves out the simulator's
 * made-up account, and a watch failure from before the editor opened still shows there.
 */
import 'should';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM, launchBrowser, newEditorContext } from '../helpers/browser';
import { setOvhVariables } from '../helpers';
import { DEFAULT_APP, OvhSimulator } from '../simulator/simulator';
import { startPlayground, type Playground } from '../playground/playground';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Sets (or, undefined, removes) the OVH_* variables for the block; puts back what the shell held after it. */
function useRealApiVariables(values: () => Record<string, string | undefined>): void {
  let restore: (() => void) | undefined;
  before(() => (restore = setOvhVariables(values())));
  after(() => restore?.());
}

/** The editor on the playground's flow, its Debug sidebar open. */
async function openEditor(browser: Browser, playground: Playground): Promise<Page> {
  const page = await (await newEditorContext(browser)).newPage();
  page.on('pageerror', (err) => console.error(`      editor error: ${err.message}`));
  await page.goto(playground.nodeRed.url);
  await page.waitForFunction(() => typeof RED !== 'undefined' && RED.nodes?.node('demo-watch') && RED.workspaces.active(), null, {
    timeout: 60_000,
  });
  await page.evaluate(() => RED.sidebar.show('debug'));
  return page;
}

/** The status text a node shows on the canvas. */
const statusOf = (page: Page, id: string) => page.locator(`[id="${id}"] .red-ui-flow-node-status-label`);

describe('the playground (npm start) in the editor', function () {
  this.timeout(120_000);
  let browser: Browser;
  let closeBrowser: (() => Promise<void>) | undefined;

  before(async function () {
    if (!chromiumAvailable()) {
      if (process.env.CI) throw new Error(`No Chromium at ${CHROMIUM}: .ci/run must install Debian's chromium`);
      console.log(`      (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium to run the playground test)`);
      this.skip();
    }
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  after(async () => closeBrowser?.());

  describe('against its simulator', () => {
    let playground: Playground;
    useRealApiVariables(() => ({}));
    before(async () => {
      playground = await startPlayground({ dashboard: false });
    });
    after(async () => playground?.stop());

    it('"Simulate an incoming SMS" makes the watch send it to the Debug sidebar, as the tab says', async () => {
      const page = await openEditor(browser, playground);
      try {
        await page
          .locator('.red-ui-flow-node-label', { hasText: /Simulate an incoming SMS/ })
          .first()
          .waitFor();
        (await page.locator('text=/the simulator receives one, and the watch/').count()).should.be.above(0);
        await page.click('[id="demo-incoming-sms-inject"] .red-ui-flow-node-button');
        await statusOf(page, 'demo-incoming-sms-debug').filter({ hasText: '201' }).waitFor({ timeout: 15_000 });
        // The watch checks every 5 s.
        await page.locator('.red-ui-debug-msg', { hasText: 'Is the server back up?' }).first().waitFor({ timeout: 20_000 });
        playground.sim!.data.sms['sms-ab12345-1'].incoming.at(-1)!.message.should.equal('Is the server back up?');
        playground.sim!.count({ path: /_simulator/ }).should.equal(0); // not an API call
      } finally {
        await page.context().close();
      }
    });
  });

  describe('pointed at a real endpoint', () => {
    let playground: Playground;
    // Stands in for the real API: a key that may read /me and IAM policies, not bills.
    let realApi: OvhSimulator;
    before(async () => {
      realApi = await OvhSimulator.start();
    });
    useRealApiVariables(() => ({
      OVH_ENDPOINT: realApi.baseUrl,
      OVH_APPLICATION_KEY: DEFAULT_APP.appKey,
      OVH_APPLICATION_SECRET: DEFAULT_APP.appSecret,
      OVH_CONSUMER_KEY: realApi.addConsumerKey([
        { method: 'GET', path: '/me' },
        { method: 'GET', path: '/v2/iam/policy' },
      ]),
    }));
    before(async () => {
      playground = await startPlayground();
      // The watch's first check, at start-up, before any editor is open: refused.
      for (const deadline = Date.now() + 30_000; !realApi.received({ path: '/1.0/me/bill' }).some((r) => r.status === 403);) {
        if (Date.now() > deadline) throw new Error('the watch never read /me/bill');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    after(async () => {
      await playground?.stop();
      await realApi?.close();
    });

    it("leaves out the simulator's made-up account and shows the watch's start-up failure once the editor opens", async () => {
      (playground.sim === undefined).should.be.true();
      const page = await openEditor(browser, playground);
      try {
        const demo = await page.evaluate(() => {
          const ids: string[] = [];
          RED.nodes.eachNode((n: { id: string; z: string }) => {
            if (n.z === 'demo-tab') ids.push(n.id);
          });
          return { ids, text: JSON.stringify(RED.nodes.createCompleteNodeSet()) };
        });
        demo.text.should.not.match(/example\.com|sms-ab12345-1|_simulator/);
        demo.ids.should.not.containEql('demo-incoming-sms-inject');
        // Both statuses were set before the editor connected: Node-RED keeps them for it.
        await statusOf(page, 'demo-watch').filter({ hasText: /403/ }).waitFor({ timeout: 10_000 });
        await statusOf(page, 'demo-catch-debug').filter({ hasText: 'New bills: 403' }).waitFor({ timeout: 10_000 });
        // A button works: the account's keys come from the OVH_* variables.
        await page.click('[id="demo-me-inject"] .red-ui-flow-node-button');
        await page.locator('.red-ui-debug-msg', { hasText: 'xx1234-ovh' }).first().waitFor({ timeout: 15_000 });
      } finally {
        await page.context().close();
      }
    });
  });
});

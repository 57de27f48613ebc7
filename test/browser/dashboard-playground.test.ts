/**
 * The playground (`npm start`) with the ops dashboard: deployed on a tab of its own on the
 * playground's account (the simulator's URL and keys), so /dashboard/ops shows the simulator's
 * servers, SMS credits and bills with nothing to type.
 */
import 'should';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, CHROMIUM, launchBrowser } from '../helpers/browser';
import { admin } from '../helpers/node-red-process';
import { DEMO_ACCOUNT_ID } from '../playground/demo-flow';
import { dashboardFlow, startPlayground, type Playground } from '../playground/playground';

type FlowNode = Record<string, unknown>;
const REAL_API_KEYS = ['OVH_APPLICATION_KEY', 'OVH_APPLICATION_SECRET', 'OVH_CONSUMER_KEY'];

describe('the playground (npm start) with the ops dashboard', function () {
  this.timeout(120_000);
  let playground: Playground;
  let browser: Browser;
  let closeBrowser: (() => Promise<void>) | undefined;
  const kept: Record<string, string | undefined> = {};

  before(async function () {
    if (!chromiumAvailable()) {
      if (process.env.CI) throw new Error(`No Chromium at ${CHROMIUM}: .ci/run must install Debian's chromium`);
      console.log(`      (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium to run the dashboard test)`);
      this.skip();
    }
    // Against the simulator, whatever this shell holds.
    for (const key of REAL_API_KEYS) {
      kept[key] = process.env[key];
      delete process.env[key];
    }
    playground = await startPlayground();
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  after(async () => {
    await closeBrowser?.();
    await playground?.stop();
    for (const key of REAL_API_KEYS) if (kept[key] !== undefined) process.env[key] = kept[key];
  });

  it("deploys example 14 on the playground's one account", async () => {
    playground.dashboard.should.be.true();
    const res = await admin(playground.nodeRed, 'GET', '/flows');
    res.status.should.equal(200, res.text);
    const flows = res.body as FlowNode[];
    flows
      .filter((n) => n.type === 'ovh-credentials')
      .map((n) => n.id)
      .should.eql([DEMO_ACCOUNT_ID]);
    const requests = flows.filter((n) => n.type === 'ovh-request' && dashboardFlow().some((d) => d.id === n.id));
    requests.length.should.equal(4);
    for (const request of requests) request.account!.should.equal(DEMO_ACCOUNT_ID);
  });

  it("shows the simulator's servers, SMS credits and bills on /dashboard/ops, with nothing to set", async () => {
    const { sim, nodeRed } = playground;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(`${nodeRed.url}/dashboard/ops`);
      const rows = page.locator('.ovh-servers tbody tr');
      await rows.nth(Object.keys(sim!.data.servers).length - 1).waitFor({ timeout: 30_000 });
      (await rows.count()).should.equal(Object.keys(sim!.data.servers).length);
      await page
        .locator('.nrdb-ui-text-value', { hasText: String(sim!.data.sms['sms-ab12345-1'].creditsLeft) })
        .first()
        .waitFor({ timeout: 10_000 });
      await page.locator('.nrdb-ui-text-value', { hasText: /\d+ bills, / }).waitFor({ timeout: 10_000 });
      (await page.getByText('Last read failed').count()).should.equal(0);
    } finally {
      await page.close();
    }
  });
});

/**
 * The playground (`npm start`) with the ops dashboard: deployed on a tab of its own on the
 * playground's account (the simulator's URL and keys), so /dashboard/ops shows the simulator's
 * servers, SMS credits and bills with nothing to type.
 */
import 'should';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { repoRoot, setOvhVariables } from '../helpers';
import { chromiumAvailable, CHROMIUM, launchBrowser } from '../helpers/browser';
import { admin } from '../helpers/node-red-process';
import { EXAMPLES_ACCOUNT_ID } from '../playground/demo-flow';
import { dashboardFlow, startPlayground, type Playground } from '../playground/playground';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any

type FlowNode = Record<string, unknown>;

describe('the playground (npm start) with the ops dashboard', function () {
  this.timeout(120_000);
  let playground: Playground;
  let browser: Browser;
  let closeBrowser: (() => Promise<void>) | undefined;
  let restoreVariables: (() => void) | undefined;

  before(async function () {
    if (!chromiumAvailable()) {
      if (process.env.CI) throw new Error(`No Chromium at ${CHROMIUM}: .ci/run must install Debian's chromium`);
      console.log(`      (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium to run the dashboard test)`);
      this.skip();
    }
    // Against the simulator, whatever this shell holds.
    restoreVariables = setOvhVariables({});
    playground = await startPlayground();
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  after(async () => {
    await closeBrowser?.();
    await playground?.stop();
    restoreVariables?.();
  });

  it("deploys example 14 on the playground's one account", async () => {
    playground.dashboard.should.be.true();
    const res = await admin(playground.nodeRed, 'GET', '/flows');
    res.status.should.equal(200, res.text);
    const flows = res.body as FlowNode[];
    flows
      .filter((n) => n.type === 'ovh-credentials')
      .map((n) => n.id)
      .should.eql([EXAMPLES_ACCOUNT_ID]);
    const requests = flows.filter((n) => n.type === 'ovh-request' && dashboardFlow().some((d) => d.id === n.id));
    requests.length.should.equal(4);
    for (const request of requests) request.account!.should.equal(EXAMPLES_ACCOUNT_ID);
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

  it('uses its account in an example imported later, the account unticked as the README says (View nodes...)', async () => {
    const { sim, nodeRed } = playground;
    const example = JSON.parse(
      fs.readFileSync(path.join(repoRoot, 'examples', '01 Read my account (GET me).json'), 'utf8'),
    ) as FlowNode[];
    const editor = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await editor.goto(nodeRed.url);
      await editor.waitForFunction(
        () => typeof RED !== 'undefined' && RED.nodes?.getType('ovh-request') && RED.workspaces.active(),
        null,
        {
          timeout: 60_000,
        },
      );
      const imported = await editor.evaluate(
        ({ nodes, account }) => {
          // As the import dialog does once the account is unticked among the nodes that exist already.
          const importMap: Record<string, string> = { [account]: 'skip' };
          let conflict = '';
          try {
            RED.view.importNodes(nodes, { addFlow: true });
          } catch (err) {
            conflict = (err as { code?: string }).code ?? String(err);
          }
          RED.view.importNodes(
            nodes.filter((n: FlowNode) => importMap[n.id as string] !== 'skip'),
            { addFlow: true, importMap },
          );
          RED.nodes.dirty(true); // as the import dialog leaves it: to deploy
          const request = RED.nodes
            .filterNodes({ type: 'ovh-request' })
            .find((n: FlowNode) => nodes.some((e: FlowNode) => e.id === n.id));
          const accounts: string[] = [];
          RED.nodes.eachConfig((n: FlowNode) => {
            if (n.type === 'ovh-credentials') accounts.push(`${String(n.id)} ${String(n.name)}`);
          });
          return { conflict, account: request.account, valid: request.valid, accounts };
        },
        { nodes: example, account: EXAMPLES_ACCOUNT_ID },
      );
      imported.should.eql({
        conflict: 'import_conflict',
        account: EXAMPLES_ACCOUNT_ID,
        valid: true,
        accounts: [`${EXAMPLES_ACCOUNT_ID} OVHcloud API simulator`],
      });
      // Deployed from the editor, then its button: the call is signed with the playground's keys.
      await editor.click('#red-ui-header-button-deploy');
      const inject = example.find((n) => n.type === 'inject')!.id as string;
      const before = sim!.count({ method: 'GET', path: '/1.0/me' });
      let res = await admin(nodeRed, 'POST', `/inject/${inject}`);
      for (const deadline = Date.now() + 10_000; res.status === 404 && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 200)); // the deploy's flows starting
        res = await admin(nodeRed, 'POST', `/inject/${inject}`);
      }
      res.status.should.equal(200, res.text);
      for (
        const deadline = Date.now() + 10_000;
        sim!.count({ method: 'GET', path: '/1.0/me' }) === before && Date.now() < deadline;
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const call = sim!.received({ method: 'GET', path: '/1.0/me' }).at(-1)!;
      call.status!.should.equal(200);
      String(call.headers['x-ovh-consumer']).should.equal('playgroundConsumerKey00000000001');
    } finally {
      await editor.close();
    }
  });
});

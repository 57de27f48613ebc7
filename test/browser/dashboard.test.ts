/**
 * Example 14, the ops dashboard built with FlowFuse Dashboard 2.0, in a real browser: a started
 * Node-RED with this package and the dashboard in its user dir, the example deployed as a user
 * imports it (pointed at the simulator), and the dashboard page opened in Chromium. The page must
 * show the simulator's servers and their state, the SMS credits, this year's bills, and reboot a
 * server only once confirmed: one question at a time, each server's reboot with its own state, a
 * confirmation the runtime did not issue refused.
 */
import 'should';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_APP, OvhSimulator } from '../simulator/simulator';
import { repoRoot } from '../helpers';
import { chromiumAvailable, CHROMIUM, launchBrowser } from '../helpers/browser';
import { admin, deploy, startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import { nodeRedVersion } from '../helpers/runtime';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const getComputedStyle: (element: unknown) => { backgroundColor: string };

const EXAMPLE = path.join(repoRoot, 'examples', '14 Ops dashboard (FlowFuse Dashboard 2.0).json');
const SMS_ACCOUNT = 'sms-ab12345-1';
/** The access rules the example says it needs, and no more: the key the test deploys it with. */
const RULES = [
  ...['/dedicated/server', '/dedicated/server/*', '/sms/*', '/me/bill', '/me/bill/*'].map((p) => ({ method: 'GET', path: p })),
  { method: 'POST', path: '/dedicated/server/*/reboot' },
];
/** The colour of the bills' bars, as the example sets it. */
const BAR_COLOUR = [0x0d, 0x74, 0xce];

type FlowNode = Record<string, unknown>;

/**
 * The example imported in the editor (Menu > Import) into an empty workspace, as the editor would
 * deploy it: every node, with the properties the editor keeps. Also says which imported nodes the
 * editor does not know or finds invalid.
 */
async function importInEditor(
  browser: Browser,
  nodeRed: StartedNodeRed,
  example: FlowNode[],
): Promise<{ flow: FlowNode[]; unknown: string[]; invalid: string[] }> {
  const editor = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await editor.goto(nodeRed.url);
    await editor.waitForFunction(
      () =>
        typeof RED !== 'undefined' &&
        RED.nodes?.getType('ovh-request') &&
        RED.nodes.getType('ui-table') &&
        document.querySelector('.red-ui-palette-node[data-palette-type="ui-table"]') &&
        RED.workspaces.active(),
      null,
      { timeout: 60_000 },
    );
    return await editor.evaluate((nodes) => {
      RED.view.importNodes(nodes, { addFlow: true });
      const all: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
      RED.nodes.eachNode((n: unknown) => all.push(n));
      RED.nodes.eachConfig((n: unknown) => all.push(n));
      const imported = all.filter((n) => nodes.some((e: FlowNode) => e.id === n.id));
      return {
        // As deployed: JSON, where a property left undefined is not written.
        flow: JSON.parse(JSON.stringify(RED.nodes.createCompleteNodeSet({ credentials: false }))),
        unknown: imported.filter((n) => !RED.nodes.getType(n.type)).map((n) => n.type),
        invalid: imported.filter((n) => !n.valid).map((n) => `${n.type} ${n.name}: ${JSON.stringify(n.validationErrors)}`),
      };
    }, example);
  } finally {
    await editor.close();
  }
}

function idOf(flow: FlowNode[], type: string, name: string): string {
  const node = flow.find((n) => n.type === type && n.name === name);
  if (!node) throw new Error(`the example has no ${type} named ${name}`);
  return node.id as string;
}

describe('the ops dashboard example (FlowFuse Dashboard 2.0) in a real browser', function () {
  this.timeout(120_000);
  let sim: OvhSimulator;
  let nodeRed: StartedNodeRed;
  let browser: Browser;
  let closeBrowser: (() => Promise<void>) | undefined;
  let page: Page;
  /** The example as written, and as the editor deploys it once imported. */
  const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as FlowNode[];
  let flow: FlowNode[];
  let imported: { flow: FlowNode[]; unknown: string[]; invalid: string[] };
  const pageErrors: string[] = [];
  const screenshotDir =
    process.env.UPDATE_SCREENSHOTS === '1'
      ? path.join(repoRoot, 'docs', 'images')
      : fs.mkdtempSync(path.join(os.tmpdir(), 'ovh-shots-'));
  /** A server whose state is not ok, to see the table shows the API's state. */
  const failing = 'ns3000004.ip-203-0-113.eu';

  const widget = (type: string, name: string) => `#nrdb-ui-widget-${idOf(flow, type, name)}`;
  const row = (server: string) => page.locator(`${widget('ui-table', 'servers')} tbody tr`, { hasText: server });
  const rebootButton = (server: string) => row(server).getByRole('button', { name: 'Reboot' });
  /** The confirmation the runtime asked for a server. */
  const question = (server: string) => page.locator('.nrdb-ui-notification', { hasText: `Reboot ${server}?` });
  /** A word for this page alone: a refusal, a cancel. */
  const notice = (text: string) => page.locator('.nrdb-ui-notification', { hasText: text });
  const rebootCalls = () => sim.received({ method: 'POST', path: /^\/1\.0\/dedicated\/server\/[^/]+\/reboot$/ });
  /** No script error on the page; no warning or error from a request node or a widget (a call the API does not know, a failed call, a widget without its group). */
  const noProblems = () => {
    pageErrors.should.eql([]);
    const logged = nodeRed.output.join('').split('\n');
    logged.filter((line) => /\[(warn|error)\] \[(ovh|ui)-/.test(line)).should.eql([]);
  };

  before(async function () {
    if (!chromiumAvailable()) {
      if (process.env.CI) throw new Error(`No Chromium at ${CHROMIUM}: .ci/run must install Debian's chromium`);
      console.log(`      (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium to run the dashboard test)`);
      this.skip();
    }
    // A dev dependency: `npm ci` installs it, so it is never missing in CI or a checkout.
    const dashboardDir = path.dirname(require.resolve('@flowfuse/node-red-dashboard/package.json'));
    sim = await OvhSimulator.start();
    sim.data.servers[failing].state = 'error';
    nodeRed = await startNodeRed({
      modules: { '@flowfuse/node-red-dashboard': dashboardDir },
      // The reboot's task read every few ms, not every few seconds as against the real API.
      settings: { ovhRequestTaskPolling: { firstMs: 20, largestMs: 40 } },
    });
    ({ browser, close: closeBrowser } = await launchBrowser());
    imported = await importInEditor(browser, nodeRed, example);
    // Its account pointed at the simulator, with the simulator's keys.
    flow = imported.flow.map((n) => (n.type === 'ovh-credentials' ? { ...n, endpoint: 'custom', url: sim.baseUrl } : n));
    const account = flow.find((n) => n.type === 'ovh-credentials')!.id as string;
    const started = () => nodeRed.output.join('').split('Started flows').length;
    const before = started();
    await deploy(nodeRed, flow, {
      [account]: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey: sim.addConsumerKey(RULES) },
    });
    // The page is opened once the flows (the dashboard's socket server among them) have started:
    // a deploy may answer before, and a page opened too early waits for data that went out before it.
    const deadline = Date.now() + 60_000;
    while (started() === before || (await fetch(`${nodeRed.url}/dashboard/ops`)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`the dashboard did not start:\n${nodeRed.output.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    page = await browser.newPage({ viewport: { width: 1280, height: 1300 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${nodeRed.url}/dashboard/ops`);
  });

  after(async () => {
    await closeBrowser?.();
    await nodeRed?.stop();
    await sim?.close();
    if (process.env.UPDATE_SCREENSHOTS !== '1') fs.rmSync(screenshotDir, { recursive: true, force: true });
  });

  it(`imports into the editor of Node-RED ${nodeRedVersion()} with the dashboard, every node known, valid and kept as written`, () => {
    imported.unknown.should.eql([]);
    imported.invalid.should.eql([]);
    // What the editor deploys is the example: no property dropped or changed on the way.
    for (const node of example) {
      const kept = imported.flow.find((n) => n.id === node.id)!;
      // The import places the nodes on a new tab, where the view has room.
      const { z, x, y, ...rest } = kept; // eslint-disable-line @typescript-eslint/no-unused-vars
      const { x: x0, y: y0, ...written } = node; // eslint-disable-line @typescript-eslint/no-unused-vars
      rest.should.eql(written, `${String(node.type)} ${String(node.name)}`);
    }
  });

  it('names the access rules it needs, as Rules for my flows gathers them (the key deployed has no others)', async () => {
    const calls = example
      .filter((n) => n.type === 'ovh-request')
      .map((n) => ({ method: n.method, path: n.path, mode: n.mode, wait: n.wait, by: n.id }));
    const res = await admin(nodeRed, 'POST', '/ovh-credentials/rules-for-calls', { calls });
    res.status.should.equal(200, res.text);
    const gathered = (res.body.rules as Array<{ method: string; path: string }>).map((r) => `${r.method} ${r.path}`);
    gathered.sort().should.eql(RULES.map((r) => `${r.method} ${r.path}`).sort());
    const comment = example.find((n) => n.type === 'comment')!.info as string;
    for (const rule of gathered) comment.should.containEql(rule);
  });

  it('loads, with no error on the page or from the flow', async () => {
    nodeRed.output.join('').should.match(/Node-RED Dashboard 2\.0 \(v[\d.]+\) started at \/dashboard/);
    try {
      await page.waitForSelector(`${widget('ui-table', 'servers')} tbody tr`, { timeout: 30_000 });
    } catch (err) {
      // What the page and Node-RED showed instead, for whoever reads a failed run.
      const body = (await page.textContent('body'))?.slice(0, 500);
      const calls = sim.received().map((r) => `${r.method} ${r.path} ${r.status}`);
      throw new Error(`${(err as Error).message}\npage: ${body}\ncalls: ${calls.join(', ')}\n${nodeRed.output.join('')}`, {
        cause: err,
      });
    }
    noProblems();
  });

  it("shows the dedicated servers with their state, from the API's answer", async () => {
    const table = widget('ui-table', 'servers');
    const servers = Object.values(sim.data.servers);
    await page.waitForFunction(({ selector, count }) => document.querySelectorAll(`${selector} tbody tr`).length === count, {
      selector: table,
      count: servers.length,
    });
    const rows = await page.$$eval(`${table} tbody tr`, (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())),
    );
    rows.length.should.equal(12);
    // Each row: the server, its state, where, its range, its last reboot and when it started (none yet), its button.
    rows.sort().should.eql(servers.map((s) => [s.name, s.state, s.datacenter, s.commercialRange, '', '', 'Reboot']).sort());
    rows.find((r) => r[0] === failing)![1].should.equal('error');
    // One list call: expand read the servers as whole objects.
    sim.count({ method: 'GET', path: '/1.0/dedicated/server' }).should.equal(1);
  });

  it('shows the SMS credits left', async () => {
    const credits = sim.data.sms[SMS_ACCOUNT].creditsLeft;
    const text = page.locator(`${widget('ui-text', 'SMS credits')} .nrdb-ui-text-value`);
    await text.filter({ hasText: String(credits) }).waitFor({ timeout: 10_000 });
    (await text.textContent())!.trim().should.equal(String(credits));
  });

  it("shows this year's bills: their count and total, and one bar each in the chart", async () => {
    const from = `${new Date().getUTCFullYear()}-01-01T00:00:00Z`;
    const bills = sim.data.bills.filter((b) => b.date >= from);
    bills.length.should.be.above(0); // the simulator always has bills this year
    const total = bills.reduce((sum, b) => sum + Math.round(b.priceWithTax.value * 100), 0) / 100;
    const expected = `${bills.length} bills, ${total.toLocaleString('en-US', { minimumFractionDigits: 2 })} EUR with tax`;
    const text = page.locator(`${widget('ui-text', 'bills total')} .nrdb-ui-text-value`);
    await text.filter({ hasText: expected }).waitFor({ timeout: 10_000 });
    // The list was asked from the 1st of January, the simulator filtering by it.
    const listCall = sim.received({ method: 'GET', path: '/1.0/me/bill' });
    listCall.length.should.equal(1);
    new URLSearchParams(listCall[0].search).get('date.from')!.should.equal(from);

    // The chart's points, as the page holds them (the dashboard's store), one per bill.
    const chartId = idOf(flow, 'ui-chart', 'bills');
    await page.waitForFunction(
      (id) => document.querySelector('#app').__vue_app__.config.globalProperties.$store.state.data.messages[id]?.length > 0,
      chartId,
    );
    const points = await page.evaluate(
      (id) =>
        (document.querySelector('#app').__vue_app__.config.globalProperties.$store.state.data.messages[id] as any[]) // eslint-disable-line @typescript-eslint/no-explicit-any
          .map((m) => m._datapoint),
      chartId,
    );
    points
      .map((p: { x: string; y: number }) => `${p.x} ${p.y}`)
      .sort()
      .should.eql(bills.map((b) => `${b.date} ${b.priceWithTax.value}`).sort());
    // And drawn: the canvas holds the bars' colour.
    const barPixels = await page.evaluate(
      ({ selector, colour }) => {
        const canvas = document.querySelector(`${selector} canvas`);
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let count = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (Math.abs(data[i] - colour[0]) + Math.abs(data[i + 1] - colour[1]) + Math.abs(data[i + 2] - colour[2]) < 30) count++;
        }
        return count;
      },
      { selector: widget('ui-chart', 'bills'), colour: BAR_COLOUR },
    );
    barPixels.should.be.above(100);
  });

  it('asks to confirm each click, one question at a time, the Reboot button in red; a cancel says so and sends nothing', async () => {
    const spared = 'ns3000002.ip-203-0-113.eu';
    const other = 'ns3000003.ip-203-0-113.eu';
    await rebootButton(spared).click();
    await question(spared).waitFor({ state: 'visible', timeout: 10_000 });
    // The destructive button is marked.
    const colour = await question(spared)
      .getByRole('button', { name: 'Reboot' })
      .evaluate((b) => getComputedStyle(b).backgroundColor);
    colour.should.equal('rgb(198, 40, 40)');
    // A second click while the question is open: refused with a word, the question kept.
    await rebootButton(other).click();
    await notice(`Answer the question about ${spared} first: one reboot is confirmed at a time.`).waitFor({ timeout: 10_000 });
    (await question(spared).isVisible()).should.be.true();
    await question(spared).getByRole('button', { name: 'Cancel' }).click();
    await question(spared).waitFor({ state: 'hidden', timeout: 10_000 });
    await notice(`Reboot of ${spared} cancelled: nothing was sent.`).waitFor({ timeout: 10_000 });
    rebootCalls().should.eql([]);
    noProblems();
  });

  it('reboots two servers at once, each row with its own state; the list is read again when a reboot ends', async () => {
    const slow = 'ns3000005.ip-203-0-113.eu';
    const failed = 'ns3000007.ip-203-0-113.eu';
    const listReads = sim.count({ method: 'GET', path: '/1.0/dedicated/server' });
    // The first's task answers slowly (it stays rebooting a while); the second's reboot is refused.
    sim.injectFault({ kind: 'slow', delayMs: 6_000, method: 'GET', path: `/1.0/dedicated/server/${slow}/task/` });
    sim.injectFault({ kind: 'status', status: 403, method: 'POST', path: `/1.0/dedicated/server/${failed}/reboot` });

    await rebootButton(slow).click();
    await question(slow).getByRole('button', { name: 'Reboot' }).click();
    await question(slow).waitFor({ state: 'hidden', timeout: 10_000 });
    const slowRow = row(slow);
    await slowRow.filter({ hasText: 'rebooting' }).waitFor({ timeout: 10_000 });
    // While it runs, its button says so, and a click on it is refused with a word.
    await slowRow.getByRole('button', { name: 'Rebooting…' }).click();
    await notice(`${slow} is already rebooting: wait until it ends.`).waitFor({ timeout: 10_000 });
    // The server's state changes meanwhile: the table shows it once the reboot ends, not 5 minutes later.
    sim.data.servers[slow].state = 'error';

    await rebootButton(failed).click();
    await question(failed).getByRole('button', { name: 'Reboot' }).click();
    await row(failed)
      .filter({ hasText: /failed: .*403/ })
      .waitFor({ timeout: 10_000 });
    (await slowRow.textContent())!.should.match(/rebooting/); // the failure did not replace the other's state

    await slowRow.filter({ hasText: /done in \d+ s/ }).waitFor({ timeout: 20_000 });
    const cells = await slowRow.locator('td').allTextContents();
    cells.map((c) => c.trim()).should.match([slow, 'error', /./, /./, /^done in \d+ s$/, /\d/, 'Reboot']);
    (await row(failed).locator('td').nth(5).textContent())!.should.match(/\d/); // when it started
    sim.count({ method: 'GET', path: '/1.0/dedicated/server' }).should.be.above(listReads);
    rebootCalls()
      .map((r) => r.path)
      .sort()
      .should.eql([`/1.0/dedicated/server/${slow}/reboot`, `/1.0/dedicated/server/${failed}/reboot`].sort());
    // The page as the README shows it: the word for this page dismissed.
    const words = page.locator('.nrdb-ui-notification').getByRole('button', { name: 'OK' });
    if (await words.isVisible()) await words.click();
    await page.locator('.nrdb-ui-notification .v-snackbar__wrapper').first().waitFor({ state: 'hidden', timeout: 10_000 });
    await page.screenshot({ path: path.join(screenshotDir, 'dashboard.png') });
    noProblems();
  });

  it("refuses a confirmation the runtime did not issue (forged on the page's socket), and says so on the page", async () => {
    const target = 'ns3000009.ip-203-0-113.eu';
    const before = rebootCalls().length;
    await page.evaluate(
      ({ id, server }) =>
        document.querySelector('#app').__vue_app__._context.provides.$socket.emit('widget-action', id, {
          payload: 'confirm_clicked',
          server,
          token: 'forged',
        }),
      { id: idOf(flow, 'ui-notification', 'confirm reboot'), server: target },
    );
    await notice(`Refused: no confirmation for ${target} was asked on this page, or it expired. Nothing was sent.`).waitFor({
      timeout: 10_000,
    });
    // A name not listed is refused at the click already.
    await page.evaluate(
      ({ id }) =>
        document.querySelector('#app').__vue_app__._context.provides.$socket.emit('widget-action', id, {
          payload: { name: 'ns9.example' },
          action: 'button_click',
        }),
      { id: idOf(flow, 'ui-table', 'servers') },
    );
    await notice('Refused: ns9.example is not in the last list of servers read.').waitFor({ timeout: 10_000 });
    rebootCalls().length.should.equal(before);
    noProblems();
  });

  it('says which read failed and why, on the page, and keeps the last values', async () => {
    // The SMS account read refused once (as a key without its rule is), at the next refresh (once
    // the deploy's own reads are done).
    const credits = page.locator(`${widget('ui-text', 'SMS credits')} .nrdb-ui-text-value`);
    await credits.filter({ hasText: /\d/ }).waitFor({ timeout: 10_000 });
    sim.injectFault({ kind: 'status', status: 403, method: 'GET', path: /^\/1\.0\/sms\// });
    const refreshed = await admin(nodeRed, 'POST', `/inject/${idOf(flow, 'inject', 'at deploy, every 5 min')}`);
    refreshed.status.should.equal(200, refreshed.text);
    const problem = page.locator(`${widget('ui-text', 'last problem')} .nrdb-ui-text-value`);
    await problem.filter({ hasText: /^SMS credits: / }).waitFor({ timeout: 10_000 });
    (await problem.textContent())!.should.match(/^SMS credits: .*403/);
    (await credits.textContent())!.trim().should.equal(String(sim.data.sms[SMS_ACCOUNT].creditsLeft));
    noProblems(); // on the page, not in the log
  });
});

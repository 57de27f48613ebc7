/**
 * Example 14, the ops dashboard built with FlowFuse Dashboard 2.0, in a real browser: a started
 * Node-RED with this package and the dashboard in its user dir, the example deployed as a user
 * imports it (pointed at the simulator), and the dashboard page opened in Chromium at laptop and
 * phone sizes. The page must show the simulator's servers and their state, the SMS credits, this
 * year's bills by month; each card when it was read and why its last read failed (cleared by the
 * next good read), stale values marked; and reboot a server only once confirmed: one modal
 * question per click, each server's reboot in its own row with its time, a log of the actions, a
 * confirmation the runtime did not issue refused.
 */
import should from 'should';
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
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXAMPLE = path.join(repoRoot, 'examples', '14 Ops dashboard (FlowFuse Dashboard 2.0).json');
const SMS_ACCOUNT = 'sms-ab12345-1';
/** The access rules the example says it needs, and no more: the key the test deploys it with. */
const RULES = [
  ...['/dedicated/server', '/dedicated/server/*', '/sms/*', '/me/bill', '/me/bill/*'].map((p) => ({ method: 'GET', path: p })),
  { method: 'POST', path: '/dedicated/server/*/reboot' },
];
/** The colour of the bills' bars, as the example sets it. */
const BAR_COLOUR = [0x0d, 0x74, 0xce];
/** A time as the page writes it (the browser's locale: 09:05 AM, 09:05). */
const TIME = /\d{1,2}:\d{2}(?: [AP]M)?/;
const LAPTOP = { width: 1280, height: 720 };
const PHONE = { width: 390, height: 844 };
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  const servers = () => widget('ui-template', 'servers');
  const row = (server: string, on: Page = page) => on.locator(`${servers()} tbody tr`, { hasText: server });
  const rebootButton = (server: string, on: Page = page) => row(server, on).getByRole('button');
  /** The confirmation the runtime asked for a server. */
  const question = (server: string) => page.locator('.nrdb-ui-notification', { hasText: `Reboot ${server}?` });
  /** A word for this page alone: a refusal, a cancel. */
  const notice = (text: string) => page.locator('.nrdb-ui-notification', { hasText: text });
  /** The line of a card that says when it was read, and why its last read failed. */
  const lastRead = (card: 'servers' | 'SMS credits' | 'bills', on: Page = page) =>
    on.locator(widget('ui-template', `${card}: last read`));
  const rebootCalls = () => sim.received({ method: 'POST', path: /^\/1\.0\/dedicated\/server\/[^/]+\/reboot$/ });
  /** What a row shows, cell by cell, as the eye reads it (innerText: hidden parts left out). */
  const cells = (server: string) =>
    row(server)
      .locator('td')
      .evaluateAll((tds) => tds.map((td) => (td as { innerText: string }).innerText.trim()));
  /** A click on a server's Reboot sent as a page would, whatever its button shows (a page not yet refreshed, a script). */
  const sendClick = (server: string) =>
    page.evaluate(
      ({ id, name }) =>
        document.querySelector('#app').__vue_app__._context.provides.$socket.emit('widget-send', id, { payload: { name } }),
      { id: idOf(flow, 'ui-template', 'servers'), name: server },
    );
  const dismissNotices = async () => {
    const words = page.locator('.nrdb-ui-notification').getByRole('button', { name: 'OK' });
    for (const word of await words.all()) if (await word.isVisible()) await word.click();
    await page.locator('.nrdb-ui-notification .v-snackbar__wrapper').first().waitFor({ state: 'hidden', timeout: 10_000 });
  };
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
      await delay(100);
    }
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
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

  it("shows each card's last read with one template (the three nodes hold the same, to keep them alike)", () => {
    const lines = example.filter((n) => n.type === 'ui-template' && String(n.name).endsWith(': last read'));
    lines.map((n) => n.name).should.eql(['servers: last read', 'SMS credits: last read', 'bills: last read']);
    new Set(lines.map((n) => n.format)).size.should.equal(1);
    new Set(lines.map((n) => n.group)).size.should.equal(3);
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
      await page.waitForSelector(`${servers()} tbody tr`, { timeout: 30_000 });
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
    const list = Object.values(sim.data.servers);
    await page.waitForFunction(({ selector, count }) => document.querySelectorAll(`${selector} tbody tr`).length === count, {
      selector: servers(),
      count: list.length,
    });
    const rows = await page.$$eval(`${servers()} tbody tr`, (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td as { innerText: string }).innerText.trim())),
    );
    rows.length.should.equal(12);
    // Each row: the server, its state, where, its range, its last reboot (none yet), its button.
    rows.sort().should.eql(list.map((s) => [s.name, s.state, s.datacenter, s.commercialRange, '', 'Reboot']).sort());
    rows.find((r) => r[0] === failing)![1].should.equal('error');
    // One list call: expand read the servers as whole objects.
    sim.count({ method: 'GET', path: '/1.0/dedicated/server' }).should.equal(1);
  });

  it('says on each card when it was read, and no "Last read failed" when nothing failed', async () => {
    for (const card of ['servers', 'SMS credits', 'bills'] as const) {
      await lastRead(card)
        .filter({ hasText: /Read at / })
        .waitFor({ timeout: 10_000 });
      (await lastRead(card).innerText()).should.match(new RegExp(`^Read at ${TIME.source}$`), card);
    }
    (await page.locator('.ovh-read-failed').count()).should.equal(0);
    (await page.getByText('Last read failed').count()).should.equal(0);
    (await page.locator('.ovh-stale').count()).should.equal(0);
  });

  it('shows the SMS credits left', async () => {
    const credits = sim.data.sms[SMS_ACCOUNT].creditsLeft;
    const text = page.locator(`${widget('ui-text', 'SMS credits')} .nrdb-ui-text-value`);
    await text.filter({ hasText: String(credits) }).waitFor({ timeout: 10_000 });
    (await text.textContent())!.trim().should.equal(String(credits));
  });

  it("shows this year's bills: their count and total, and a bar a month in EUR, drawn whole and above the fold on a laptop", async () => {
    const year = new Date().getUTCFullYear();
    const from = `${year}-01-01T00:00:00Z`;
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

    // The chart's points, as the page holds them (the dashboard's store): one a month, January
    // to this month, each the sum of its bills (a month without bills at 0).
    const chartId = idOf(flow, 'ui-chart', 'bills');
    const stored = () =>
      page.evaluate(
        (id) => document.querySelector('#app').__vue_app__.config.globalProperties.$store.state.data.messages[id] as unknown,
        chartId,
      );
    await page.waitForFunction(
      (id) => document.querySelector('#app').__vue_app__.config.globalProperties.$store.state.data.messages[id]?.length > 0,
      chartId,
    );
    const messages = (await stored()) as Array<{ _datapoint: { x: string; y: number } }>;
    const months = Array.from({ length: new Date().getUTCMonth() + 1 }, (_, m) => {
      const key = `${year}-${String(m + 1).padStart(2, '0')}`;
      const cents = bills
        .filter((b) => b.date.startsWith(key))
        .reduce((sum, b) => sum + Math.round(b.priceWithTax.value * 100), 0);
      return `${new Date(Date.UTC(year, m, 1)).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${cents / 100}`;
    });
    messages.map((m) => `${m._datapoint.x} ${m._datapoint.y}`).should.eql(months);
    // The chart as drawn (its ECharts options): months on a category axis, the currency on the
    // value axis, room for the axes' labels.
    const drawn = await page.evaluate((id) => {
      // The chart's component, found in the page's component tree (a bounded walk).
      let seen = 0;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const walk = (vnode: any): any => {
        if (!vnode || seen++ > 20_000) return undefined;
        const c = vnode.component;
        if (c?.props?.id === id && c.proxy?.chart) return c.proxy.chart.getOption();
        if (c) return walk(c.subTree);
        if (Array.isArray(vnode.children))
          for (const child of vnode.children) {
            const found = walk(child);
            if (found) return found;
          }
        if (vnode.dynamicChildren)
          for (const child of vnode.dynamicChildren) {
            const found = walk(child);
            if (found) return found;
          }
        return undefined;
      };
      const option = walk(document.querySelector('#app')._vnode);
      return option && { x: option.xAxis[0].type, y: option.yAxis[0].name, containLabel: option.grid[0].containLabel };
    }, chartId);
    should(drawn).eql({ x: 'category', y: 'EUR', containLabel: true });

    const chart = `${widget('ui-chart', 'bills')} canvas`;
    const pixels = await page.evaluate(
      ({ selector, colour }) => {
        const canvas = document.querySelector(selector);
        const { data, width, height } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let bars = 0;
        let edges = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (Math.abs(data[i] - colour[0]) + Math.abs(data[i + 1] - colour[1]) + Math.abs(data[i + 2] - colour[2]) < 30) bars++;
          // Text (dark grey) in the canvas' first or last two rows or columns: a label cut at the edge.
          const pixel = i / 4;
          const [x, y] = [pixel % width, Math.floor(pixel / width)];
          const edge = x < 2 || y < 2 || x >= width - 2 || y >= height - 2;
          if (edge && data[i + 3] > 0 && data[i] < 160 && data[i + 1] < 160 && data[i + 2] < 160) edges++;
        }
        return { bars, edges };
      },
      { selector: chart, colour: BAR_COLOUR },
    );
    pixels.bars.should.be.above(100);
    pixels.edges.should.equal(0);

    // On a laptop's screen, the whole chart without scrolling.
    const laptop = await browser.newPage({ viewport: LAPTOP });
    try {
      await laptop.goto(`${nodeRed.url}/dashboard/ops`);
      await laptop.locator(chart).waitFor({ timeout: 30_000 });
      const box = (await laptop.locator(chart).boundingBox())!;
      (box.y + box.height).should.be.belowOrEqual(LAPTOP.height);
      box.height.should.be.above(150);
    } finally {
      await laptop.close();
    }
  });

  it('has no empty band above the servers: the list right under the line of its last read', async () => {
    const line = (await lastRead('servers').boundingBox())!;
    const table = (await page.locator(`${servers()} table`).boundingBox())!;
    (table.y - (line.y + line.height)).should.be.below(20);
    line.height.should.be.below(30);
  });

  it('asks to confirm each click in a modal question, the second of two quick clicks refused with a word; a cancel says so and sends nothing', async () => {
    const spared = 'ns3000002.ip-203-0-113.eu';
    const other = 'ns3000003.ip-203-0-113.eu';
    // Two clicks 300 ms apart, the second before the question could stop it (as on a slow link).
    await rebootButton(spared).click();
    await delay(300);
    await rebootButton(other).evaluate((button) => (button as { click(): void }).click());
    await question(spared).waitFor({ state: 'visible', timeout: 10_000 });
    await notice(`Answer the question about ${spared} first: one reboot is confirmed at a time.`).waitFor({ timeout: 10_000 });
    (await question(other).count()).should.equal(0);
    // Modal: the page behind takes no click (what is under a Reboot button is the question's backdrop).
    const box = (await rebootButton(other).boundingBox())!;
    const under = await page.evaluate(({ x, y }) => Boolean(document.elementFromPoint(x, y)?.closest('.ovh-servers')), {
      x: box.x + box.width / 2,
      y: box.y + box.height / 2,
    });
    under.should.be.false();
    // The destructive button is marked.
    const colour = await question(spared)
      .getByRole('button', { name: 'Reboot' })
      .evaluate((b) => getComputedStyle(b).backgroundColor);
    colour.should.equal('rgb(198, 40, 40)');
    await question(spared).getByRole('button', { name: 'Cancel' }).click();
    await question(spared).waitFor({ state: 'hidden', timeout: 10_000 });
    await notice(`Reboot of ${spared} cancelled: nothing was sent.`).waitFor({ timeout: 10_000 });
    rebootCalls().should.eql([]);
    await dismissNotices();
    noProblems();
  });

  it('reboots two servers at once, each row with its own state and time, its button disabled while it runs; logs each action; a reload keeps the results with their time', async () => {
    const slow = 'ns3000005.ip-203-0-113.eu';
    const failed = 'ns3000007.ip-203-0-113.eu';
    const listReads = sim.count({ method: 'GET', path: '/1.0/dedicated/server' });
    // The first's task answers slowly (it stays rebooting a while); the second's reboot is refused.
    sim.injectFault({ kind: 'slow', delayMs: 15_000, method: 'GET', path: `/1.0/dedicated/server/${slow}/task/` });
    sim.injectFault({ kind: 'status', status: 403, method: 'POST', path: `/1.0/dedicated/server/${failed}/reboot` });

    await rebootButton(slow).click();
    await question(slow).getByRole('button', { name: 'Reboot' }).click();
    await question(slow).waitFor({ state: 'hidden', timeout: 10_000 });
    const slowRow = row(slow);
    await slowRow.filter({ hasText: new RegExp(`rebooting since ${TIME.source}`) }).waitFor({ timeout: 10_000 });
    // While it runs, its button is disabled; a click sent anyway (a page not refreshed) is refused with a word.
    (await rebootButton(slow).innerText()).should.equal('Rebooting…');
    (await rebootButton(slow).isDisabled()).should.be.true();
    await sendClick(slow);
    await notice(`${slow} is already rebooting: wait until it ends.`).waitFor({ timeout: 10_000 });
    // The server's state changes meanwhile: the table shows it once the reboot ends, not 5 minutes later.
    sim.data.servers[slow].state = 'error';

    await rebootButton(failed).click();
    await question(failed).getByRole('button', { name: 'Reboot' }).click();
    await row(failed)
      .filter({ hasText: new RegExp(`failed at ${TIME.source}: .*403`) })
      .waitFor({ timeout: 10_000 });
    (await slowRow.innerText()).should.match(/rebooting since/); // the failure did not replace the other's state
    (await rebootButton(failed).isDisabled()).should.be.false();

    await slowRow.filter({ hasText: /done in \d+ s/ }).waitFor({ timeout: 30_000 });
    (await cells(slow)).should.match([slow, 'error', /./, /./, new RegExp(`^done in \\d+ s, at ${TIME.source}$`), 'Reboot']);
    (await rebootButton(slow).isDisabled()).should.be.false();
    sim.count({ method: 'GET', path: '/1.0/dedicated/server' }).should.be.above(listReads);
    rebootCalls()
      .map((r) => r.path)
      .sort()
      .should.eql([`/1.0/dedicated/server/${slow}/reboot`, `/1.0/dedicated/server/${failed}/reboot`].sort());
    // The actions, newest first, each with its time.
    const log = (await page.locator(`${servers()} .ovh-log-entry`).allInnerTexts()).map((l) => l.trim());
    const entry = (text: string | RegExp) =>
      log.findIndex((l) => (typeof text === 'string' ? l.endsWith(` ${text}`) : text.test(l)));
    const done = entry(new RegExp(`^${TIME.source}.* ${slow} rebooted in \\d+ s\\.$`));
    const refused = entry(new RegExp(`^${TIME.source}.* Reboot of ${failed} failed: .*403`));
    const sent = entry(`Reboot of ${slow} confirmed: sent.`);
    const cancelled = entry('Reboot of ns3000002.ip-203-0-113.eu cancelled: nothing was sent.');
    for (const i of [done, refused, sent, cancelled]) i.should.not.equal(-1, log.join('\n'));
    done.should.be.below(refused);
    refused.should.be.below(sent);
    sent.should.be.below(cancelled);
    log.length.should.be.belowOrEqual(10);

    // A reload: each result still there, with its time.
    await dismissNotices();
    await page.reload();
    await row(slow)
      .filter({ hasText: new RegExp(`done in \\d+ s, at ${TIME.source}`) })
      .waitFor({ timeout: 30_000 });
    (await row(failed).innerText()).should.match(new RegExp(`failed at ${TIME.source}: .*403`));
    // The page as the README shows it.
    await lastRead('bills')
      .filter({ hasText: /Read at / })
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(screenshotDir, 'dashboard.png'), fullPage: true });
    noProblems();
  });

  it('says of a reboot without an answer that it may still have happened, and how to check', async () => {
    const lost = 'ns3000008.ip-203-0-113.eu';
    // The connection cut as the reboot is sent: it may have reached the API, or not.
    sim.injectFault({ kind: 'reset', method: 'POST', path: `/1.0/dedicated/server/${lost}/reboot` });
    await rebootButton(lost).click();
    await question(lost).getByRole('button', { name: 'Reboot' }).click();
    const said = row(lost).filter({ hasText: /may still have happened/ });
    await said.waitFor({ timeout: 20_000 });
    (await said.innerText()).should.match(
      new RegExp(
        `no answer at ${TIME.source} \\(.+\\): the reboot may still have happened\\. Check its state after the next read \\(Refresh now\\), and its tasks in the OVHcloud Control Panel\\.`,
      ),
    );
    (await row(lost).innerText()).should.not.match(/failed at/);
    (await row(lost).locator('.ovh-reboot-unknown').count()).should.equal(1);
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
    await sendClick('ns9.example');
    await notice('Refused: ns9.example is not in the last list of servers read.').waitFor({ timeout: 10_000 });
    rebootCalls().length.should.equal(before);
    await dismissNotices();
    noProblems();
  });

  it('says on its own card which read failed, when and why in full, each failure kept; the next good read (Refresh now) clears it', async () => {
    const credits = page.locator(`${widget('ui-text', 'SMS credits')} .nrdb-ui-text-value`);
    await credits.filter({ hasText: /\d/ }).waitFor({ timeout: 10_000 });
    const serverReads = sim.count({ method: 'GET', path: '/1.0/dedicated/server' });
    // Two reads refused (as a key without their rule is), at one refresh.
    sim.injectFault({ kind: 'status', status: 403, method: 'GET', path: /^\/1\.0\/sms\// });
    sim.injectFault({ kind: 'status', status: 403, method: 'GET', path: /^\/1\.0\/me\/bill$/ });
    await page.getByRole('button', { name: 'Refresh now' }).click();
    const smsFailed = lastRead('SMS credits').locator('.ovh-read-failed');
    const billsFailed = lastRead('bills').locator('.ovh-read-failed');
    await smsFailed.waitFor({ timeout: 10_000 });
    await billsFailed.waitFor({ timeout: 10_000 });
    // Each its own failure, the whole error (up to the query id it ends with), wrapped, not cut.
    const smsText = await smsFailed.innerText();
    smsText.should.match(
      new RegExp(`^Last read failed at ${TIME.source}: GET /sms/\\{serviceName\\} failed: 403\\b.*\\(query id [^)]+\\)$`),
    );
    (await billsFailed.innerText()).should.match(
      new RegExp(`^Last read failed at ${TIME.source}: GET /me/bill failed: 403\\b.*\\(query id [^)]+\\)$`),
    );
    for (const line of [smsFailed, billsFailed]) {
      const fits = await line.evaluate(
        (el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= window.innerWidth,
      );
      fits.should.be.true();
    }
    // The other card read well: no failure said there; the last values kept.
    while (sim.count({ method: 'GET', path: '/1.0/dedicated/server' }) === serverReads) await delay(50); // read at this refresh too
    (await lastRead('servers').locator('.ovh-read-failed').count()).should.equal(0);
    (await lastRead('SMS credits').innerText()).should.match(new RegExp(`^Read at ${TIME.source}\\n`));
    (await credits.textContent())!.trim().should.equal(String(sim.data.sms[SMS_ACCOUNT].creditsLeft));

    // Recovered: the next read clears each failure.
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await smsFailed.waitFor({ state: 'detached', timeout: 10_000 });
    await billsFailed.waitFor({ state: 'detached', timeout: 10_000 });
    (await page.getByText('Last read failed').count()).should.equal(0);
    noProblems(); // on the page, not in the log
  });

  it('marks the values stale once older than two read intervals', async () => {
    const context = await browser.newContext({ viewport: LAPTOP });
    try {
      const later = await context.newPage();
      await later.clock.install();
      await later.goto(`${nodeRed.url}/dashboard/ops`);
      for (const card of ['servers', 'SMS credits', 'bills'] as const) {
        await lastRead(card, later)
          .filter({ hasText: /Read at / })
          .waitFor({ timeout: 30_000 });
      }
      (await later.locator('.ovh-stale').count()).should.equal(0);
      // Eleven minutes on, no read since (the example reads every 5 minutes).
      await later.clock.fastForward('11:00');
      await later.locator('.nrdb-ui-group.ovh-stale').nth(2).waitFor({ timeout: 10_000 });
      (await later.locator('.nrdb-ui-group.ovh-stale').count()).should.equal(3);
      for (const card of ['servers', 'SMS credits', 'bills'] as const) {
        (await lastRead(card, later).innerText()).should.match(
          new RegExp(`^Read at ${TIME.source} · stale: older than 10 min(\n|$)`),
        );
      }
      const opacity = await later
        .locator(`${servers()} table`)
        .evaluate((t) => (getComputedStyle(t) as unknown as { opacity: string }).opacity);
      Number(opacity).should.be.below(1);
    } finally {
      await context.close();
    }
  });

  it('keeps each server name and its button together on a phone (390 px), no sideways scroll', async () => {
    const phone = await browser.newPage({ viewport: PHONE });
    try {
      await phone.goto(`${nodeRed.url}/dashboard/ops`);
      await phone.locator(`${servers()} tbody tr`).nth(11).waitFor({ timeout: 30_000 });
      const rows = await phone.$$eval(`${servers()} tbody tr`, (trs) =>
        trs.map((tr) => {
          const name = tr.querySelector('.ovh-name')!;
          const button = tr.querySelector('button')!;
          const [n, b] = [name.getBoundingClientRect(), button.getBoundingClientRect()];
          return {
            text: (name as { innerText: string }).innerText,
            whole: name.scrollWidth <= name.clientWidth,
            name: { left: n.left, right: n.right, top: n.top, bottom: n.bottom },
            button: { left: b.left, right: b.right, top: b.top, bottom: b.bottom },
          };
        }),
      );
      rows.length.should.equal(12);
      for (const r of rows) {
        r.whole.should.be.true(r.text);
        r.name.left.should.be.aboveOrEqual(0);
        r.button.right.should.be.belowOrEqual(PHONE.width);
        // On one line: the button beside the name.
        (r.button.top < r.name.bottom && r.button.bottom > r.name.top).should.be.true(r.text);
        r.button.left.should.be.aboveOrEqual(r.name.right - 1);
      }
      (await phone.evaluate(() => document.documentElement.scrollWidth)).should.be.belowOrEqual(PHONE.width);
      if (process.env.UPDATE_SCREENSHOTS === '1')
        await phone.screenshot({ path: path.join(screenshotDir, 'dashboard-phone.png') });
    } finally {
      await phone.close();
    }
  });
});

/**
 * The ops dashboard protected as the README says: a started Node-RED whose settings are
 * docs/dashboard-settings.js itself (the two password hashes pasted in), example 14 deployed
 * against the simulator. The page and its socket ask for the same login: a script without it
 * (plain HTTP long-polling, as any client can speak to /dashboard/socket.io/) gets no data and
 * cannot reboot, with or without an Origin header; a page logged in, in Chromium, works and reboots.
 */
import should from 'should';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { DEFAULT_APP, OvhSimulator } from '../simulator/simulator';
import { repoRoot } from '../helpers';
import { chromiumAvailable, CHROMIUM, launchBrowser } from '../helpers/browser';
import { deploy, eventLoopHolds, HOLDS_RECORDER, login, startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import { PollingSocket } from '../helpers/socket-io-polling';

const bcrypt = require('bcryptjs') as { hashSync(password: string, rounds: number): string };

const DASHBOARD_SETTINGS = path.join(repoRoot, 'docs', 'dashboard-settings.js');
const EXAMPLE = path.join(repoRoot, 'examples', '14 Ops dashboard (FlowFuse Dashboard 2.0).json');
const SOCKET = '/dashboard/socket.io/';
/** The example's rules (its other test checks Rules for my flows gathers exactly these). */
const RULES = [
  ...['/dedicated/server', '/dedicated/server/*', '/sms/*', '/me/bill', '/me/bill/*'].map((p) => ({ method: 'GET', path: p })),
  { method: 'POST', path: '/dedicated/server/*/reboot' },
];
/** The dashboard's login, and the editor's (the test helper's login() says "password"). */
const OPS = { username: 'ops', password: 'correct horse battery staple' };
const ADMIN = { username: 'admin', password: 'password' };

type FlowNode = Record<string, unknown>;
const basic = (user: { username: string; password: string }, scheme = 'Basic') =>
  `${scheme} ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** docs/dashboard-settings.js with hashes of the test's passwords pasted where it says to. */
function settingsWithHashes(): string {
  const text = fs.readFileSync(DASHBOARD_SETTINGS, 'utf8');
  const pasted = text
    .replace('PASTE-THE-HASH-OF-THE-DASHBOARD-PASSWORD', bcrypt.hashSync(OPS.password, 8))
    .replace('PASTE-THE-HASH-OF-THE-EDITOR-PASSWORD', bcrypt.hashSync(ADMIN.password, 8));
  pasted.should.not.equal(text);
  return pasted;
}

/**
 * What a page sends to reboot a server, from a script: the row's click, then the confirmation
 * with the token the runtime sent with its question (if one came). Answers whether a question came.
 */
async function tryToReboot(socket: PollingSocket, table: string, confirmation: string, server: string): Promise<boolean> {
  await socket.emit('widget-send', table, { payload: { name: server } });
  const question = await socket.waitFor((e) => e.name === `msg-input:${confirmation}`, 2_000);
  const token = (question?.args[0] as { token?: string } | undefined)?.token;
  await socket.emit('widget-action', confirmation, { payload: 'confirm_clicked', server, token });
  return question !== undefined;
}

describe('the ops dashboard protected by docs/dashboard-settings.js: the page and its socket ask for the login', function () {
  this.timeout(120_000);
  let sim: OvhSimulator;
  let nodeRed: StartedNodeRed;
  let browser: Browser;
  let closeBrowser: (() => Promise<void>) | undefined;
  const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as FlowNode[];
  const idOf = (type: string, name: string) => example.find((n) => n.type === type && n.name === name)!.id as string;
  const table = idOf('ui-template', 'servers');
  const confirmation = idOf('ui-notification', 'confirm reboot');
  const notices = idOf('ui-notification', 'notices');
  const rebootCalls = () => sim.received({ method: 'POST', path: /^\/1\.0\/dedicated\/server\/[^/]+\/reboot$/ });

  before(async function () {
    if (!chromiumAvailable()) {
      if (process.env.CI) throw new Error(`No Chromium at ${CHROMIUM}: .ci/run must install Debian's chromium`);
      console.log(`      (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium to run the dashboard test)`);
      this.skip();
    }
    const dashboardDir = path.dirname(require.resolve('@flowfuse/node-red-dashboard/package.json'));
    sim = await OvhSimulator.start();
    nodeRed = await startNodeRed({
      modules: { '@flowfuse/node-red-dashboard': dashboardDir },
      settings: { ovhRequestTaskPolling: { firstMs: 20, largestMs: 40 } },
      settingsModule: settingsWithHashes(),
      settingsCode: HOLDS_RECORDER,
      echo: process.env.ECHO === '1',
    });
    const token = await login(nodeRed, ADMIN.username);
    // On a tab of its own, as an import places it; its account pointed at the simulator.
    const flow: FlowNode[] = [
      { id: 'c7000000000000ff', type: 'tab', label: 'Ops dashboard' },
      ...example.map((n) =>
        n.type === 'ovh-credentials'
          ? { ...n, endpoint: 'custom', url: sim.baseUrl }
          : 'wires' in n
            ? { ...n, z: 'c7000000000000ff' }
            : n,
      ),
    ];
    const account = flow.find((n) => n.type === 'ovh-credentials')!.id as string;
    await deploy(
      nodeRed,
      flow,
      { [account]: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey: sim.addConsumerKey(RULES) } },
      token,
    );
    // The servers read, and the dashboard serving its page (to the login).
    const deadline = Date.now() + 60_000;
    while (
      sim.count({ method: 'GET', path: '/1.0/dedicated/server' }) === 0 ||
      (await fetch(`${nodeRed.url}/dashboard/ops`, { headers: { authorization: basic(OPS) } })).status !== 200
    ) {
      if (Date.now() > deadline) throw new Error(`the dashboard did not start:\n${nodeRed.output.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  after(async () => {
    await closeBrowser?.();
    await nodeRed?.stop();
    await sim?.close();
  });

  it('Node-RED refuses to start while a password hash is not pasted in', async () => {
    const started = startNodeRed({ settingsModule: fs.readFileSync(DASHBOARD_SETTINGS, 'utf8') });
    await started.should.be.rejectedWith(/paste the bcrypt hash of each password \(node-red admin hash-pw\)/);
  });

  it('is shown whole in the README', () => {
    fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8').should.containEql(
      '```js\n' + fs.readFileSync(DASHBOARD_SETTINGS, 'utf8') + '```',
    );
  });

  it('asks for the login on the page, and on the editor', async () => {
    (await fetch(`${nodeRed.url}/dashboard/ops`)).status.should.equal(401);
    const wrong = { ...OPS, password: 'wrong' };
    (await fetch(`${nodeRed.url}/dashboard/ops`, { headers: { authorization: basic(wrong) } })).status.should.equal(401);
    (await fetch(`${nodeRed.url}/dashboard/ops`, { headers: { authorization: basic(OPS) } })).status.should.equal(200);
    (await fetch(`${nodeRed.url}/flows`)).status.should.equal(401);
  });

  for (const [label, origin] of [
    ['no Origin header', undefined],
    ["the page's own Origin", 'SELF'],
    ["another site's Origin", 'https://attacker.example'],
  ] as const) {
    it(`refuses the socket to a script without the login (${label}): no data, no reboot`, async () => {
      const headers: Record<string, string> = origin ? { origin: origin === 'SELF' ? nodeRed.url : origin } : {};
      const socket = await PollingSocket.open(nodeRed.url, SOCKET, headers);
      (await socket.connect()).should.eql({ connected: false, message: 'login required' });
      // What the page does: load the table, then reboot as a script with the login can (below).
      await socket.emit('widget-load', table);
      (await tryToReboot(socket, table, confirmation, 'ns3000001.ip-203-0-113.eu')).should.be.false();
      await socket.poll(1_000);
      socket.events().should.eql([]);
      rebootCalls().should.eql([]);
    });
  }

  it("refuses the socket to another site's page even with the login (the browser would send it)", async () => {
    const socket = await PollingSocket.open(nodeRed.url, SOCKET, {
      authorization: basic(OPS),
      origin: 'https://attacker.example',
    });
    (await socket.connect()).should.eql({ connected: false, message: 'login required' });
    const wrong = await PollingSocket.open(nodeRed.url, SOCKET, { authorization: basic({ ...OPS, password: 'wrong' }) });
    (await wrong.connect()).should.eql({ connected: false, message: 'login required' });
  });

  it("keeps Node-RED's event loop free under a flood of wrong passwords on the socket; a wrong login sent again is refused unchecked; the right login still connects", async () => {
    const FLOOD = 30;
    const wrongLogins = Array.from({ length: FLOOD }, (_, i) => basic({ ...OPS, password: `wrong${i}` }));
    /** Every session opened first, then every handshake sent at once: they reach Node-RED together. */
    const handshakes = async (logins: string[]) => {
      const sockets = await Promise.all(
        logins.map((authorization) => PollingSocket.open(nodeRed.url, SOCKET, { authorization })),
      );
      return Promise.all(sockets.map((socket) => socket.connect(20_000)));
    };
    const holdsBefore = eventLoopHolds(nodeRed).length;
    const answers = await handshakes(wrongLogins);
    await delay(1_100); // the flood's last half second written
    const held = eventLoopHolds(nodeRed).slice(holdsBefore);
    const refusals = answers.map((a) => (a.connected ? 'connected' : a.message!));
    const report = `Node-RED held at most ${Math.max(...held)} ms (by half second: ${held.join(' ')}); answers: ${[...new Set(refusals)].map((r) => `${refusals.filter((x) => x === r).length} ${r}`).join(', ')}`;
    console.log(`      ${report}`);
    // bcrypt is slow on purpose (about 20 ms a check at cost 8): checked on the event loop, 30 of them held it over half a second.
    Math.max(...held).should.be.below(50, report);
    for (const refusal of refusals) ['login required', 'try again later'].should.containEql(refusal);
    // Only a few checked at once: the others told to try again later.
    refusals.filter((r) => r === 'try again later').length.should.be.above(FLOOD / 2, report);

    // The wrong logins that were checked, sent again many times at once: remembered as wrong, so
    // each is refused at once, none waits for a check.
    const checked = wrongLogins.filter((_, i) => refusals[i] === 'login required');
    const again = Array.from({ length: FLOOD }, (_, i) => checked[i % checked.length]);
    (await handshakes(again)).should.eql(again.map(() => ({ connected: false, message: 'login required' })));

    // The right login, in a header never seen before (HTTP's scheme is case-insensitive), from a
    // page opened in several tabs at once: checked once, and every tab let in.
    const tabs = Array.from({ length: 5 }, () => basic(OPS, 'basic'));
    (await handshakes(tabs)).should.eql(tabs.map(() => ({ connected: true })));
  });

  it('gives the socket to a script with the login: the rows the page shows, no more; a forged confirmation is refused and said, an issued one reboots', async () => {
    const socket = await PollingSocket.open(nodeRed.url, SOCKET, { authorization: basic(OPS) });
    (await socket.connect()).should.eql({ connected: true });
    should.exist(await socket.waitFor((e) => e.name === 'ui-config'));
    await socket.emit('widget-load', table);
    const loaded = await socket.waitFor((e) => e.name === `widget-load:${table}`);
    const rows = (loaded!.args[0] as { payload: Array<Record<string, unknown>> }).payload;
    rows.length.should.equal(Object.keys(sim.data.servers).length);
    // What the table shows, not the API's whole answer (IPs, OS...).
    for (const row of rows) Object.keys(row).sort().should.eql(['commercialRange', 'datacenter', 'name', 'state']);

    const server = 'ns3000003.ip-203-0-113.eu';
    await socket.emit('widget-action', confirmation, { payload: 'confirm_clicked', server, token: 'guessed' });
    const said = await socket.waitFor((e) => e.name === `msg-input:${notices}`);
    (said!.args[0] as { payload: string }).payload.should.equal(
      `Refused: no confirmation for ${server} was asked on this page, or it expired. Nothing was sent.`,
    );
    rebootCalls().should.eql([]);

    // With the login, the same steps as the scripts above do reboot: the refusals there were the socket's.
    (await tryToReboot(socket, table, confirmation, server)).should.be.true();
    const deadline = Date.now() + 10_000;
    while (rebootCalls().length === 0 && Date.now() < deadline) await socket.poll(1_000);
    rebootCalls()
      .map((r) => r.path)
      .should.eql([`/1.0/dedicated/server/${server}/reboot`]);
  });

  it('works in Chromium with the login: the servers shown, a reboot confirmed and done', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 1100 },
      httpCredentials: { username: OPS.username, password: OPS.password },
    });
    try {
      const page = await context.newPage();
      await page.goto(`${nodeRed.url}/dashboard/ops`);
      const rows = page.locator(`#nrdb-ui-widget-${table} tbody tr`);
      const server = 'ns3000006.ip-203-0-113.eu';
      const row = rows.filter({ hasText: server });
      // A server's row, not the table's "no data" row shown until the rows come.
      await row.waitFor({ timeout: 30_000 });
      (await rows.count()).should.equal(Object.keys(sim.data.servers).length);
      await row.getByRole('button', { name: 'Reboot' }).click();
      const question = page.locator('.nrdb-ui-notification', { hasText: `Reboot ${server}?` });
      await question.waitFor({ state: 'visible', timeout: 10_000 });
      await question.getByRole('button', { name: 'Reboot' }).click();
      await row.filter({ hasText: /done in \d+ s/ }).waitFor({ timeout: 20_000 });
      rebootCalls()
        .map((r) => r.path)
        .should.containEql(`/1.0/dedicated/server/${server}/reboot`);
    } finally {
      await context.close();
    }
  });
});

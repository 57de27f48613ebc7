/**
 * The account dialog's Proxy setting in a real browser: the rows of each kind shown and hidden,
 * a bad proxy URL flagged, the Check going through the proxy typed, the setting saved and
 * deployed, its password neither shown back nor exported, and Node-RED's http proxy node chosen.
 */
import 'should';
import type { Page } from 'playwright-core';
import { useEditor } from '../helpers/editor';
import { admin, inject, type StartedNodeRed } from '../helpers/node-red-process';
import { startRecordingProxy, type RecordingProxy } from '../helpers/real-proxy';
import { DEMO_ACCOUNT_ID } from '../playground/demo-flow';
import type { OvhSimulator } from '../simulator/simulator';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROXY_USER = 'dialog-proxy-user';
const PROXY_PASSWORD = 'dialog-proxy-Pa55word';

describe('the Proxy setting of the account dialog in a real browser', function () {
  this.timeout(120_000);
  const session = useEditor();
  let sim: OvhSimulator;
  let nodeRed: StartedNodeRed;
  let proxy: RecordingProxy;
  before(async () => {
    ({ sim, nodeRed } = session);
    proxy = await startRecordingProxy({ user: PROXY_USER, password: PROXY_PASSWORD });
  });
  after(() => proxy?.close());

  const openAccountDialog = async (page: Page) => {
    await page.evaluate((id) => RED.editor.editConfig('', 'ovh-credentials', id), DEMO_ACCOUNT_ID);
    await page.waitForSelector('#node-config-input-proxyFrom', { state: 'visible' });
  };
  const deployed = async () => {
    const flows = await admin(nodeRed, 'GET', '/flows', undefined, undefined, { 'Node-RED-API-Version': 'v2' });
    return (flows.body.flows as Array<Record<string, unknown>>).find((n) => n.id === DEMO_ACCOUNT_ID)!;
  };
  /** Deploys the dialog's values, and waits for the flows to have started again (the old ones answer until then). */
  const deploy = async (page: Page) => {
    const started = () => nodeRed.output.join('').split('Started flows').length;
    const before = started();
    await page.click('#node-config-dialog-ok');
    await page.click('#red-ui-header-button-deploy');
    await page.waitForSelector('.red-ui-notification:has-text("Successfully deployed")', { timeout: 15_000 });
    const deadline = Date.now() + 15_000;
    while (started() === before && Date.now() < deadline) await page.waitForTimeout(50);
  };

  it('shows the rows of each kind, checks and saves a given proxy, and never shows back or exports its password', async () => {
    const page = await openEditor();
    try {
      await openAccountDialog(page);
      const visible = (selector: string) => page.isVisible(selector);
      // An account saved before the setting: the environment's proxy, as it always had.
      (await page.inputValue('#node-config-input-proxyFrom')).should.equal('env');
      (await visible('#node-config-input-proxyUrl')).should.be.false();
      (await visible('#node-config-input-proxy')).should.be.false();

      await page.selectOption('#node-config-input-proxyFrom', 'url');
      (await visible('#node-config-input-proxyUrl')).should.be.true();
      (await visible('#node-config-input-proxyUser')).should.be.true();
      (await visible('#node-config-input-proxyPassword')).should.be.true();
      (await visible('#node-config-input-proxy')).should.be.false();
      // A password written in the URL would be exported with it: refused.
      await page.fill('#node-config-input-proxyUrl', `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:3128`);
      await page.locator('#node-config-input-proxyUrl').dispatchEvent('change');
      await page.waitForSelector('#node-config-input-proxyUrl.input-error');

      await page.selectOption('#node-config-input-proxyFrom', 'node');
      (await visible('#node-config-input-proxyUrl')).should.be.false();
      (await page.locator('.ovh-proxy-node').isVisible()).should.be.true();
      // No http proxy node chosen yet: flagged.
      await page.waitForSelector('#node-config-input-proxy.input-error', { state: 'attached' });
      await page.selectOption('#node-config-input-proxyFrom', 'none');
      (await visible('#node-config-input-proxyUrl')).should.be.false();
      (await page.locator('.ovh-proxy-node').isVisible()).should.be.false();
      (await page.locator('.input-error').count()).should.equal(0);

      // The Check goes through the proxy typed, with its credentials.
      await page.selectOption('#node-config-input-proxyFrom', 'url');
      await page.fill('#node-config-input-proxyUrl', proxy.url);
      await page.locator('#node-config-input-proxyUrl').dispatchEvent('change');
      (await page.locator('#node-config-input-proxyUrl.input-error').count()).should.equal(0);
      await page.fill('#node-config-input-proxyUser', PROXY_USER);
      await page.fill('#node-config-input-proxyPassword', PROXY_PASSWORD);
      proxy.reset();
      await page.click('#ovh-check');
      await page.waitForSelector('#ovh-check-result[data-status="valid"]', { timeout: 15_000 });
      proxy.connects.map((c) => c.target).should.matchEach(new URL(sim.url).host);
      proxy.connects.length.should.be.above(0);

      proxy.reset();
      await deploy(page);
      const account = await deployed();
      account.should.containEql({ proxyFrom: 'url', proxyUrl: proxy.url });
      JSON.stringify(account).should.not.containEql(PROXY_PASSWORD);
      // The calls of the deployed account go through it (the demo's watch opens the tunnel at
      // once, and the call uses it: the simulator is plain HTTP here, so the proxy's recorder
      // sees the request inside the tunnel).
      await inject(nodeRed, 'demo-me-inject');
      const deadline = Date.now() + 15_000;
      while (!proxy.received().includes('GET /1.0/me ') && Date.now() < deadline) await page.waitForTimeout(100);
      proxy.received().should.containEql('GET /1.0/me ');
      proxy.connects.length.should.be.above(0);
      proxy.connects.map((c) => c.target).should.matchEach(new URL(sim.url).host);

      // Opened again: the user name back, the password only as Node-RED's placeholder.
      await openAccountDialog(page);
      (await page.inputValue('#node-config-input-proxyUser')).should.equal(PROXY_USER);
      (await page.inputValue('#node-config-input-proxyPassword')).should.not.equal(PROXY_PASSWORD);
      await page.click('#node-config-dialog-cancel');
      const exported = await page.evaluate(() => JSON.stringify(RED.nodes.createCompleteNodeSet({ credentials: false })));
      exported.should.not.containEql(PROXY_PASSWORD);
      exported.should.not.containEql(PROXY_USER);
    } finally {
      await page.context().close();
    }
  });

  it("chooses Node-RED's http proxy node", async () => {
    const page = await openEditor();
    try {
      await page.evaluate(
        ([url]) =>
          RED.view.importNodes([{ id: 'corp-proxy', type: 'http proxy', name: 'corporate', url, noproxy: [] }], {
            generateIds: false,
          }),
        [proxy.url],
      );
      await openAccountDialog(page);
      await page.selectOption('#node-config-input-proxyFrom', 'node');
      await page.selectOption('#node-config-input-proxy', 'corp-proxy');
      await deploy(page);
      (await deployed()).should.containEql({ proxyFrom: 'node', proxy: 'corp-proxy' });
    } finally {
      await page.context().close();
    }
  });

  const openEditor = () => session.openEditor();
});

/** The editor in a real browser: palette, help, the account dialog, deploy and debug. */
import should from 'should';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DEFAULT_APP, OvhSimulator } from '../simulator/simulator';
import { useEditor } from '../helpers/editor';
import type { StartedNodeRed } from '../helpers/node-red-process';
import { DEMO_ACCOUNT_ID } from '../playground/demo-flow';
import { BOUNDS } from '../../nodes/calls/settings';
import { ENDPOINTS, PRESETS } from '../../nodes/client';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const $: any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the editor in a real browser', function () {
  this.timeout(120_000);
  const session = useEditor();
  const { openEditor } = session;
  let sim: OvhSimulator;
  let nodeRed: StartedNodeRed;
  let consumerKey: string;
  let screenshotDir: string;
  before(() => ({ sim, nodeRed, consumerKey, screenshotDir } = session));

  const openAccountDialog = async (page: Page) => {
    await page.evaluate((id) => RED.editor.editConfig('', 'ovh-credentials', id), DEMO_ACCOUNT_ID);
    await page.waitForSelector('#node-config-input-endpoint', { state: 'visible' });
  };

  it('shows the request and watch nodes under OVHcloud in the palette, with their icon', async () => {
    const page = await openEditor();
    try {
      const palette = await page.evaluate(() =>
        ['ovh-request', 'ovh-watch'].map((type) => {
          const node = document.querySelector(`.red-ui-palette-node[data-palette-type="${type}"]`);
          const category = node?.closest('.red-ui-palette-category');
          const icon = node?.querySelector('.red-ui-palette-icon');
          return {
            category: category?.querySelector('.red-ui-palette-header')?.textContent?.trim(),
            icon: icon?.style.backgroundImage,
            label: node?.textContent?.replace(/\s+/g, ' ').trim(),
          };
        }),
      );
      const iconUrl = 'url("icons/node-red-contrib-ovhcloud/ovhcloud.svg")';
      palette.should.eql([
        { category: 'OVHcloud', icon: iconUrl, label: 'ovh request' },
        { category: 'OVHcloud', icon: iconUrl, label: 'ovh watch' },
      ]);
      (await page.evaluate(() => RED.nodes.getType('ovh-credentials')?.category)).should.equal('config');
      const icon = await page.request.get(nodeRed.url + '/icons/node-red-contrib-ovhcloud/ovhcloud.svg');
      icon.status().should.equal(200);
      (await icon.text()).should.match(/^<svg/);
    } finally {
      await page.context().close();
    }
  });

  for (const [locale, expected] of [
    ['en-US', 'Calls the OVHcloud API'],
    ['fr-FR', "Appelle l'API OVHcloud"],
  ] as const) {
    it(`shows the help in the sidebar (${locale})`, async () => {
      const page = await openEditor(locale);
      try {
        await page.evaluate(() => RED.sidebar.help.show('ovh-request'));
        await page.waitForSelector(`.red-ui-help:has-text("${expected}")`, { timeout: 10_000 });
        await page.evaluate(() => RED.sidebar.help.show('ovh-credentials'));
        await page.waitForSelector(`.red-ui-help:has-text("${locale === 'fr-FR' ? 'Obtenir les clés' : 'Getting keys'}")`, {
          timeout: 10_000,
        });
      } finally {
        await page.context().close();
      }
    });
  }

  it('switches the account fields by region and authentication', async () => {
    const page = await openEditor();
    try {
      await openAccountDialog(page);
      const visible = (selector: string) => page.isVisible(selector);
      (await visible('#node-config-input-url')).should.be.true(); // the demo account is on a custom URL
      // The regions and presets are the client's own lists, handed over by the runtime.
      const values = (selector: string, attribute: string) =>
        page.$$eval(selector, (elements, name) => elements.map((e) => e.getAttribute(name)), attribute);
      (await values('#node-config-input-endpoint option', 'value')).should.eql([...Object.keys(ENDPOINTS), 'custom']);
      (await values('.ovh-preset', 'data-preset')).should.eql(Object.keys(PRESETS));
      await page.selectOption('#node-config-input-endpoint', 'ovh-eu');
      (await visible('#node-config-input-url')).should.be.false();
      (await visible('#node-config-input-appKey')).should.be.true();
      (await page.getAttribute('#ovh-create-app', 'href'))!.should.equal('https://eu.api.ovh.com/createApp/');
      await page.selectOption('#node-config-input-authType', 'oauth2');
      (await visible('#node-config-input-clientId')).should.be.true();
      (await visible('#node-config-input-appKey')).should.be.false();
      (await visible('#ovh-request-token')).should.be.false();
      await page.selectOption('#node-config-input-endpoint', 'kimsufi-eu');
      (await page.inputValue('#node-config-input-authType')).should.equal('signature'); // no OAuth2 there
      await page.selectOption('#node-config-input-credentialsFrom', 'env');
      (await visible('#node-config-input-appKey')).should.be.false();
      (await visible('.ovh-env-tip')).should.be.true();
    } finally {
      await page.context().close();
    }
  });

  it('gets a consumer key with the wizard, and Check follows it from pending to valid', async () => {
    const page = await openEditor();
    try {
      await openAccountDialog(page);
      await page.click('.ovh-preset[data-preset="read-only"]');
      await page.fill('#ovh-redirection', '');
      await page.click('#ovh-request-token');
      const link = await page.waitForSelector('#ovh-validation-link', { timeout: 15_000 });
      const validationUrl = (await link.getAttribute('href'))!;
      validationUrl.should.startWith(sim.url + '/auth/?credentialToken=');
      (await link.getAttribute('target'))!.should.equal('_blank');
      const newKey = await page.inputValue('#node-config-input-consumerKey');
      newKey.should.not.equal('__PWRD__');
      sim.consumerKeys.get(newKey)!.rules.should.eql([{ method: 'GET', path: '/*' }]);
      await page.screenshot({ path: path.join(screenshotDir, 'credentials-wizard.png') });

      await page.click('#ovh-check');
      await page.waitForSelector('#ovh-check-result[data-status="pending"]', { timeout: 15_000 });
      (await page.textContent('#ovh-check-result'))!.should.match(/Pending validation/);

      // The person opens the link, as the editor offers it, and validates.
      const [validation] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
      await validation.waitForLoadState();
      await validation.click('#validate');
      await validation.waitForSelector('#validated');
      await validation.close();

      await page.click('#ovh-check');
      await page.waitForSelector('#ovh-check-result[data-status="valid"]', { timeout: 15_000 });
      (await page.textContent('#ovh-check-result'))!.should.match(/^Valid\. Never expires\. Rules: GET \/\*/);
      // The key against the flows using the account: read-only, so the SMS cannot be sent nor the server rebooted.
      const comparison = await page.waitForSelector('.ovh-check-comparison', { timeout: 15_000 });
      (await comparison.textContent())!.should.equal(
        'Not allowed by this key: POST /sms/{serviceName}/jobs, POST /dedicated/server/{serviceName}/reboot.',
      );
      await page.screenshot({ path: path.join(screenshotDir, 'credentials-check.png') });
      await page.click('#node-config-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('gathers the rules for the flows using the account: the fewest, with the nodes needing each', async () => {
    const page = await openEditor();
    try {
      await openAccountDialog(page);
      await page.click('#ovh-flow-rules');
      await page.waitForSelector('.ovh-flow-rules-list li', { timeout: 15_000 });
      const rows = await page.evaluate(() =>
        $('#ovh-rules li')
          .toArray()
          .map((li: unknown) => `${$(li).find('.ovh-rule-method').val()} ${$(li).find('.ovh-rule-path').val()}`),
      );
      // The demo flow: GET /me, expand of /domain/zone/{zoneName}/record, /v2 policies, an SMS, a reboot
      // waiting for its task, GET /domain/zone/{zoneName}, and a watch of the SMS received, read as objects.
      rows.should.eql([
        'POST /dedicated/server/*/reboot',
        'GET /dedicated/server/*/task/*',
        'GET /domain/zone/*',
        'GET /me',
        'POST /sms/*/jobs',
        'GET /sms/sms-ab12345-1/incoming',
        'GET /sms/sms-ab12345-1/incoming/*',
        'GET /v2/iam/policy',
      ]);
      (await page.textContent('.ovh-flow-rules-list'))!.should.match(
        /GET \/domain\/zone\/\* ← .*DNS records of example\.com|GET \/domain\/zone\/\* ← .*GET \/domain\/zone/,
      );
      await page.screenshot({ path: path.join(screenshotDir, 'credentials-flow-rules.png') });
      await page.click('#node-config-dialog-cancel');
      await page.waitForSelector('#ovh-flow-rules', { state: 'detached' });

      // Nodes on another tab and in a subflow count too (not deployed); one whose method comes from msg is named.
      await page.evaluate((account) => {
        const request = (id: string, z: string, method: string, path: string, name = '') => {
          const defaults = RED.nodes.getType('ovh-request').defaults;
          const values = Object.fromEntries(Object.keys(defaults).map((key) => [key, defaults[key].value]));
          return { ...values, id, z, type: 'ovh-request', x: 200, y: 100, wires: [[]], account, method, path, name };
        };
        RED.view.importNodes(
          [
            { id: 'rules-tab', type: 'tab', label: 'Other tab' },
            request('rules-delete', 'rules-tab', 'DELETE', '/domain/zone/{zoneName}/record/{id}', 'delete record'),
            { id: 'rules-subflow', type: 'subflow', name: 'reboot helper', in: [], out: [] },
            request('rules-reboot', 'rules-subflow', 'POST', '/dedicated/server/{serviceName}/reboot', 'reboot'),
            request('rules-dynamic', 'rules-tab', 'msg', '', 'dynamic call'),
          ],
          { generateIds: false, addFlow: false },
        );
      }, DEMO_ACCOUNT_ID);
      await openAccountDialog(page);
      await page.click('#ovh-flow-rules');
      await page.waitForSelector('.ovh-flow-rules-list li', { timeout: 15_000 });
      const more = await page.evaluate(() =>
        $('#ovh-rules li')
          .toArray()
          .map((li: unknown) => `${$(li).find('.ovh-rule-method').val()} ${$(li).find('.ovh-rule-path').val()}`),
      );
      more.should.eql([
        'POST /dedicated/server/*/reboot',
        'GET /dedicated/server/*/task/*',
        'GET /domain/zone/*',
        'DELETE /domain/zone/*/record/*',
        'GET /me',
        'POST /sms/*/jobs',
        'GET /sms/sms-ab12345-1/incoming',
        'GET /sms/sms-ab12345-1/incoming/*',
        'GET /v2/iam/policy',
      ]);
      (await page.textContent('#ovh-flow-rules-notes'))!.should.match(/set by msg, so not known here: dynamic call/);
      await page.click('#node-config-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('asks for the secrets again when a deployed account is checked against another URL', async () => {
    const page = await openEditor();
    try {
      await openAccountDialog(page);
      await page.selectOption('#node-config-input-endpoint', 'custom');
      await page.fill('#node-config-input-url', sim.url + '/elsewhere/1.0');
      sim.resetCounters();
      await page.click('#ovh-check');
      await page.waitForSelector('#ovh-check-result[data-status="retype-secrets"]', { timeout: 15_000 });
      (await page.textContent('#ovh-check-result'))!.should.equal(
        'Type the Application secret, Consumer key again: stored secrets are only sent to the region or URL, token URL, authentication and key source this account was deployed with. Or deploy first, then check.',
      );
      sim.count().should.equal(0);

      await page.fill('#node-config-input-url', sim.url);
      await page.fill('#node-config-input-appSecret', DEFAULT_APP.appSecret);
      await page.fill('#node-config-input-consumerKey', consumerKey);
      await page.click('#ovh-check');
      await page.waitForSelector('#ovh-check-result[data-status="no-version"]', { timeout: 15_000 });
      (await page.textContent('#ovh-check-result'))!.should.match(/probably lacks its version path/);
      await page.click('#node-config-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it("bounds the request dialog's numbers by the runtime's own limits", async () => {
    const page = await openEditor();
    try {
      (await page.evaluate(() => RED.settings.ovhRequestBounds)).should.eql(BOUNDS);
      await page.evaluate(() => RED.editor.edit(RED.nodes.node('demo-me-request')));
      await page.waitForSelector('#node-input-mode', { state: 'visible' });
      await page.selectOption('#node-input-mode', 'expand');
      await page.fill('#node-input-concurrency', String(BOUNDS.concurrency.max + 1));
      await page.dispatchEvent('#node-input-concurrency', 'change');
      await page.waitForSelector('#node-input-concurrency.input-error');
      await page.fill('#node-input-concurrency', String(BOUNDS.concurrency.max));
      await page.dispatchEvent('#node-input-concurrency', 'change');
      should(await page.$('#node-input-concurrency.input-error')).be.null();
      await page.click('#node-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('flags an invalid path in the request dialog', async () => {
    const page = await openEditor();
    try {
      await page.evaluate(() => RED.editor.edit(RED.nodes.node('demo-me-request')));
      await page.waitForSelector('#node-input-path', { state: 'visible' });
      await page.fill('#node-input-path', '/me/../admin');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('#node-input-path.input-error');
      await page.fill('#node-input-path', '/domain/zone/{zoneName}/record');
      await page.dispatchEvent('#node-input-path', 'change');
      should(await page.$('#node-input-path.input-error')).be.null();
      await page.click('#node-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('deploys, and an inject shows the signed answer in the debug sidebar', async () => {
    const page = await openEditor();
    try {
      // A change to deploy: rename a request node.
      await page.evaluate(() => RED.editor.edit(RED.nodes.node('demo-me-request')));
      await page.waitForSelector('#node-input-name', { state: 'visible' });
      await page.fill('#node-input-name', 'who am I');
      await page.click('#node-dialog-ok');
      await page.click('#red-ui-header-button-deploy');
      await page.waitForSelector('.red-ui-notification:has-text("Successfully deployed")', { timeout: 15_000 });

      await page.evaluate(() => RED.sidebar.show('debug'));
      const before = sim.count({ path: '/1.0/me' });
      await page.click('[id="demo-me-inject"] .red-ui-flow-node-button');
      await page.waitForSelector('.red-ui-debug-msg:has-text("xx1234-ovh")', { timeout: 15_000 });
      sim.count({ path: '/1.0/me' }).should.equal(before + 1);
      sim
        .received({ path: '/1.0/me' })
        .at(-1)!
        .headers['x-ovh-signature']!.should.match(/^\$1\$[0-9a-f]{40}$/);
      await page.waitForTimeout(400); // the node status settles (updates are coalesced every 250 ms)
      await page.screenshot({ path: path.join(screenshotDir, 'debug-answer.png') });
    } finally {
      await page.context().close();
    }
  });
});

/**
 * The account dialog's newer options in a real browser: the Log calls select (off unless chosen,
 * an account saved before it existed included) and the regions on OVHcloud's new hosts, both
 * shown in the dialog's language and kept when the dialog is saved and opened again.
 */
import 'should';
import type { Page } from 'playwright-core';
import { useEditor } from '../helpers/editor';
import { DEMO_ACCOUNT_ID } from '../playground/demo-flow';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("the account dialog's Log calls and new regions (real browser)", function () {
  this.timeout(120_000);
  const session = useEditor();

  const openAccountDialog = async (page: Page) => {
    await page.evaluate((id) => RED.editor.editConfig('', 'ovh-credentials', id), DEMO_ACCOUNT_ID);
    await page.waitForSelector('#node-config-input-logCalls', { state: 'visible' });
  };
  const optionTexts = (page: Page, select: string) =>
    page.$$eval(`${select} option`, (options) =>
      options.map((o): [string, string] => [o.getAttribute('value') || '', (o.textContent || '').trim()]),
    );
  /** The account as the editor would deploy it. */
  const savedAccount = (page: Page) =>
    page.evaluate((id) => RED.nodes.createCompleteNodeSet().find((n: { id: string }) => n.id === id), DEMO_ACCOUNT_ID);

  it('shows Log calls off for an account saved before the option existed, and keeps the choice', async () => {
    const page = await session.openEditor();
    try {
      // The demo account was deployed without logCalls, as every account saved before it.
      [undefined, 'off'].should.containEql((await savedAccount(page)).logCalls);
      await openAccountDialog(page);
      (await page.inputValue('#node-config-input-logCalls')).should.equal('off');
      (await optionTexts(page, '#node-config-input-logCalls')).should.eql([
        ['off', 'off'],
        ['calls', 'each call (method, path, status, time, query id)'],
        ['bodies', 'each call with its bodies (secrets masked)'],
      ]);
      (await page.textContent('label[for="node-config-input-logCalls"]'))!.trim().should.equal('Log calls');
      await page.selectOption('#node-config-input-logCalls', 'calls');
      await page.click('#node-config-dialog-ok');
      await page.waitForSelector('#node-config-input-logCalls', { state: 'detached' });
      (await savedAccount(page)).logCalls.should.equal('calls');
      await openAccountDialog(page);
      (await page.inputValue('#node-config-input-logCalls')).should.equal('calls');
      await page.click('#node-config-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('offers the new hosts as regions of their own, with OAuth2, and keeps the one chosen', async () => {
    const page = await session.openEditor();
    try {
      await openAccountDialog(page);
      const regions = new Map(await optionTexts(page, '#node-config-input-endpoint'));
      regions.get('ovhcloud-eu')!.should.equal('OVHcloud Europe, new hosts (api.eu.ovhcloud.com)');
      regions.get('ovhcloud-ca')!.should.equal('OVHcloud Canada, new hosts (api.ca.ovhcloud.com)');
      regions.get('ovh-eu')!.should.equal('OVHcloud Europe (ovh-eu)');

      for (const [region, createApp] of [
        ['ovhcloud-ca', 'https://auth.ca.ovhcloud.com/api/createApp'],
        ['ovhcloud-eu', 'https://auth.eu.ovhcloud.com/api/createApp'],
      ]) {
        await page.selectOption('#node-config-input-endpoint', region);
        (await page.isVisible('#node-config-input-url')).should.be.false();
        (await page.getAttribute('#ovh-create-app', 'href'))!.should.equal(createApp);
        (await page.isDisabled('#node-config-input-authType option[value="oauth2"]')).should.be.false();
      }
      await page.click('#node-config-dialog-ok');
      await page.waitForSelector('#node-config-input-endpoint', { state: 'detached' });
      (await savedAccount(page)).endpoint.should.equal('ovhcloud-eu');
      (await page.evaluate((id) => RED.nodes.node(id)._def.label.call(RED.nodes.node(id)), DEMO_ACCOUNT_ID)).should.equal(
        'OVHcloud API simulator',
      );
      await openAccountDialog(page);
      (await page.inputValue('#node-config-input-endpoint')).should.equal('ovhcloud-eu');
      (await page.isVisible('#node-config-input-url')).should.be.false();
      await page.click('#node-config-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('shows both in French', async () => {
    const page = await session.openEditor('fr-FR');
    try {
      await openAccountDialog(page);
      (await optionTexts(page, '#node-config-input-logCalls'))[0].should.eql(['off', 'non']);
      new Map(await optionTexts(page, '#node-config-input-endpoint'))
        .get('ovhcloud-eu')!
        .should.equal('OVHcloud Europe, nouveaux hôtes (api.eu.ovhcloud.com)');
      await page.click('#node-config-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });
});

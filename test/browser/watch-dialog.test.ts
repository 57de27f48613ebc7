/**
 * ovh-watch and the request's "Then" choice in a real browser: the watch dialog offers the API's
 * GET operations, names a placeholder left in the path, and the deployed node checks its path;
 * the request dialog shows the condition and its interval only for "read again until".
 */
import should from 'should';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useEditor } from '../helpers/editor';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const $: any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the watch dialog in a real browser', function () {
  this.timeout(120_000);
  const session = useEditor();

  const addNode = (page: Page, type: string, id: string) =>
    page.evaluate(
      ({ nodeType, nodeId }) => {
        const defaults = RED.nodes.getType(nodeType).defaults;
        const values = Object.fromEntries(Object.keys(defaults).map((key) => [key, defaults[key].value]));
        RED.view.importNodes(
          [{ ...values, id: nodeId, type: nodeType, z: RED.workspaces.active(), x: 200, y: 700, wires: [[]] }],
          {
            generateIds: false,
            addFlow: false,
          },
        );
        RED.editor.edit(RED.nodes.node(nodeId));
      },
      { nodeType: type, nodeId: id },
    );

  it('offers GET operations, names a placeholder left, and the deployed watch checks its path', async () => {
    const page = await session.openEditor();
    const { sim } = session;
    try {
      await addNode(page, 'ovh-watch', 'watch-sms');
      await page.waitForSelector('#node-input-path', { state: 'visible' });
      (await page.inputValue('#node-input-account')).should.equal('demo-account'); // the only account, taken
      await page.type('#node-input-path', '/sms/{serviceName}/inc', { delay: 20 });
      const suggestion = page.locator('.red-ui-autoComplete-container li', { hasText: '/sms/{serviceName}/incoming' }).first();
      await suggestion.waitFor({ timeout: 20_000 });
      // Each suggestion: the path (its words marked) and a line of description.
      const offered = await page.$$eval('.red-ui-autoComplete-container li .ovh-suggestion-path', (els) =>
        els.map((el) => el.textContent ?? ''),
      );
      offered.every((text) => text.startsWith('/sms/')).should.be.true(offered.join());
      // GET operations only: /incoming/{id} is also a DELETE, and is offered once.
      offered.filter((text) => text === '/sms/{serviceName}/incoming/{id}').should.have.length(1, offered.join());
      await page.fill('#node-input-path', '/sms/{serviceName}/incoming');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('#ovh-watch-placeholder:has-text("Write the value of {serviceName} into the path")');
      // What the runtime would refuse when the node starts is flagged before deploy: the request's rules for a path.
      for (const refused of ['/sms/{serviceName}/incoming', '//me', '/sms/../me', '/me#x', 'me']) {
        await page.fill('#node-input-path', refused);
        await page.dispatchEvent('#node-input-path', 'change');
        (await page.evaluate(() => $('#node-input-path').hasClass('input-error'))).should.be.true(refused);
      }
      // The field says why, as the node would at start; the path in that text is text, not HTML.
      const why = async (value: string) => {
        await page.mouse.move(0, 0); // the tooltip of the value before goes
        await page.waitForSelector('.red-ui-popover:visible', { state: 'detached', timeout: 5_000 }).catch(() => undefined);
        await page.fill('#node-input-path', value);
        await page.dispatchEvent('#node-input-path', 'change');
        await page.hover('#node-input-path');
        const tooltip = page.locator('.red-ui-popover:visible').last();
        await tooltip.waitFor({ timeout: 5_000 });
        return (await tooltip.textContent()) ?? '';
      };
      (await why('//me')).should.match(/must start with a single \//);
      (await why('me')).should.match(/starting with \//);
      const markup = '/sms/{<img src=x onerror="window.__pwned=1">}/incoming';
      (await why(markup)).should.containEql(markup);
      should(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).be.undefined();
      (await page.locator('img[src="x"]').count()).should.equal(0);
      // The GET as the API describes it: a list of ids suggests reading it as objects; a typo is named.
      await page.fill('#node-input-path', '/sms/sms-ab12345-1/incoming');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('#ovh-watch-placeholder', { state: 'hidden' });
      await page.waitForSelector('#ovh-watch-operation .ovh-watch-hint:has-text("as its objects")', { timeout: 15_000 });
      (await page.textContent('#ovh-watch-operation'))!.should.match(/Answers: long\[\]/);
      await page.evaluate(() => {
        // Out of the picture: the suggestions of the typing before, and the import's notice.
        $('.red-ui-autoComplete-container').remove();
        $('.red-ui-notification').css('visibility', 'hidden');
      });
      await page.screenshot({ path: path.join(session.screenshotDir, 'watch-dialog.png') });
      await page.selectOption('#node-input-read', 'objects');
      await page.waitForSelector('#ovh-watch-operation .ovh-watch-hint', { state: 'detached' });
      await page.fill('#node-input-path', '/sms/sms-ab12345-1/incomin');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('#ovh-watch-operation .ovh-watch-warning:has-text("is not in the OVHcloud API")');
      await page.selectOption('#node-input-read', 'answer');
      await page.fill('#node-input-path', '/sms/sms-ab12345-1');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('#ovh-watch-operation .ovh-watch-answer', { timeout: 15_000 });
      await page.fill('#node-input-interval', '1');
      await page.click('#node-dialog-ok');
      await page.waitForSelector('#node-input-path', { state: 'detached' });
      (await page.evaluate(() => RED.nodes.node('watch-sms').valid)).should.be.true();

      sim.resetCounters();
      await page.click('#red-ui-header-button-deploy');
      await page.waitForSelector('.red-ui-notification:has-text("Successfully deployed")', { timeout: 15_000 });
      // The status says when it last checked.
      await page.waitForSelector('[id="watch-sms"] .red-ui-flow-node-status-label:has-text("checked")', { timeout: 15_000 });
      sim.count({ method: 'GET', path: '/1.0/sms/sms-ab12345-1' }).should.be.above(0);
    } finally {
      await page.context().close();
    }
  });

  it("has the request dialog's help: a placeholder's values from the account, status warnings and their replacement", async () => {
    const page = await session.openEditor();
    try {
      await addNode(page, 'ovh-watch', 'watch-values');
      await page.waitForSelector('#node-input-path', { state: 'visible' });
      // A placeholder left in the path: its values, listed by the account, to write one in.
      await page.fill('#node-input-path', '/sms/{serviceName}/incoming');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('#ovh-watch-placeholder:has-text("Write the value of {serviceName} into the path")');
      await page.click('#ovh-watch-values .ovh-param-values');
      const value = page.locator('.ovh-values-menu', { hasText: 'sms-ab12345-1' }).first();
      await value.waitFor({ timeout: 15_000 });
      await page.click('.ovh-values-menu li:has-text("sms-ab12345-1")');
      (await page.inputValue('#node-input-path')).should.equal('/sms/sms-ab12345-1/incoming');
      await page.waitForSelector('#ovh-watch-placeholder', { state: 'hidden' });
      await page.waitForSelector('#ovh-watch-operation .ovh-watch-answer', { timeout: 15_000 });
      (await page.evaluate(() => $('#node-input-path').hasClass('input-error'))).should.be.false();
      // A deprecated GET: when it goes, and a click on its replacement watches that instead.
      await page.fill('#node-input-path', '/domain/data/extension');
      await page.dispatchEvent('#node-input-path', 'change');
      const warning = await page.waitForSelector('#ovh-watch-operation .ovh-deprecated', { timeout: 15_000 });
      (await warning.textContent())!.should.match(/DEPRECATED: .* 2021-08-31.* Use instead: GET \/domain\/extensions/);
      await page.click('#ovh-watch-operation .ovh-replacement');
      (await page.inputValue('#node-input-path')).should.equal('/domain/extensions');
      await page.waitForSelector('#ovh-watch-operation .ovh-deprecated', { state: 'detached' });
      await page.waitForSelector('#ovh-watch-operation .ovh-operation-description', { timeout: 15_000 });
      await page.click('#node-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('says every call of the flows is allowed by a key that allows them, and nothing more', async () => {
    const page = await session.openEditor();
    try {
      await page.evaluate(() => RED.editor.editConfig('', 'ovh-credentials', 'demo-account'));
      await page.waitForSelector('#node-config-input-endpoint', { state: 'visible' });
      await page.click('#ovh-check');
      const comparison = await page.waitForSelector('.ovh-check-comparison', { timeout: 15_000 });
      // The demo key allows every method on /*: the flows use GET and POST only.
      (await comparison.textContent())!.should.equal(
        'Every call of the flows using this account is allowed.Rules no flow uses: PUT /*, DELETE /*.',
      );
      await page.click('#node-config-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('keeps the first form of the task wait through an import, and turns it into the choice when opened', async () => {
    const page = await session.openEditor();
    try {
      const exported = await page.evaluate(() => {
        RED.view.importNodes(
          [
            {
              id: 'legacy-reboot',
              type: 'ovh-request',
              z: RED.workspaces.active(),
              x: 200,
              y: 760,
              account: 'demo-account',
              method: 'POST',
              path: '/dedicated/server/{serviceName}/reboot',
              mode: 'single',
              body: 'none',
              waitTask: true,
              wires: [[]],
            },
          ],
          { generateIds: false, addFlow: false },
        );
        return RED.nodes.createCompleteNodeSet().find((n: { id: string }) => n.id === 'legacy-reboot');
      });
      exported.waitTask.should.be.true(); // deployed as it is, it still waits (calls/settings.ts)
      await page.evaluate(() => RED.editor.edit(RED.nodes.node('legacy-reboot')));
      await page.waitForSelector('#node-input-wait', { state: 'visible' });
      (await page.inputValue('#node-input-wait')).should.equal('task');
      await page.click('#node-dialog-ok');
      await page.waitForSelector('#node-input-wait', { state: 'detached' });
      const saved = await page.evaluate(() => {
        const n = RED.nodes.node('legacy-reboot');
        return { wait: n.wait, waitTask: n.waitTask };
      });
      saved.should.eql({ wait: 'task', waitTask: false });
    } finally {
      await page.context().close();
    }
  });

  it('shows the condition and its interval only for "read again until"', async () => {
    const page = await session.openEditor();
    try {
      await page.evaluate(() => RED.editor.edit(RED.nodes.node('demo-me-request')));
      await page.waitForSelector('#node-input-wait', { state: 'visible' });
      (await page.isVisible('#node-input-repeatEvery')).should.be.false();
      await page.selectOption('#node-input-wait', 'until');
      await page.waitForSelector('#node-input-repeatEvery', { state: 'visible' });
      // An empty or broken condition is flagged before deploy; a comparison is not.
      const flagged = async (expression: string) => {
        await page.evaluate((v) => $('#node-input-until').typedInput('value', v), expression);
        await page.selectOption('#node-input-wait', 'until'); // a change, so the dialog validates again
        return page.evaluate(() => $('#node-input-until').next('.red-ui-typedInput-container').hasClass('input-error'));
      };
      (await flagged('')).should.be.true();
      (await flagged('payload.status = (')).should.be.true();
      (await flagged('payload.status = "ACTIVE"')).should.be.false();
      // On a write, reading again would write again: the choice is flagged, with the reason.
      const methodFlagged = async (method: string) => {
        await page.selectOption('#node-input-method', method);
        await page.selectOption('#node-input-wait', 'until');
        return page.evaluate(() => $('#node-input-wait').hasClass('input-error'));
      };
      (await methodFlagged('POST')).should.be.true();
      (await methodFlagged('GET')).should.be.false();
      (await page.isVisible('#node-input-taskTimeout')).should.be.true();
      await page.selectOption('#node-input-wait', 'task');
      await page.waitForSelector('#node-input-repeatEvery', { state: 'hidden' });
      (await page.isVisible('#node-input-taskTimeout')).should.be.true();
      await page.selectOption('#node-input-wait', 'none');
      await page.waitForSelector('#node-input-taskTimeout', { state: 'hidden' });
    } finally {
      await page.context().close();
    }
  });
});

/**
 * The request dialog that knows the API, in a real browser: the path autocomplete (by path and by
 * words), the chosen operation's panel and warnings, and parameter rows filled without JSON that
 * make the expected calls once deployed.
 */
import should from 'should';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useEditor } from '../helpers/editor';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const $: any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the request dialog in a real browser', function () {
  this.timeout(120_000);
  const session = useEditor();

  const editRequest = async (page: Page, id = 'demo-me-request') => {
    await page.evaluate((nodeId) => RED.editor.edit(RED.nodes.node(nodeId)), id);
    await page.waitForSelector('#node-input-path', { state: 'visible' });
  };

  /** Types into the path field key by key, as a person does, and waits for a suggestion. */
  const typePath = async (page: Page, text: string, expected: string) => {
    await page.fill('#node-input-path', '');
    await page.type('#node-input-path', text, { delay: 20 });
    const suggestion = page.locator('.red-ui-autoComplete-container .ovh-suggestion', { hasText: expected }).first();
    await suggestion.waitFor({ timeout: 20_000 });
    return suggestion;
  };

  /** The rows shown: `place name[*]` for each. */
  const rows = (page: Page) =>
    page.$$eval('.ovh-param-row', (els) =>
      els.map((el) => `${el.getAttribute('data-in')} ${el.querySelector('.ovh-param-name')!.textContent!.replace(/\s+/g, '')}`),
    );

  /** Sets a row's TypedInput type and value, through the widget as a person's clicks do. */
  const setRow = (page: Page, name: string, type: string, value: string) =>
    page.evaluate(
      ({ name: rowName, type: rowType, value: rowValue }) => {
        const input = $(`.ovh-param-row[data-name="${rowName}"] .ovh-param-value`);
        input.typedInput('type', rowType);
        input.typedInput('value', rowValue);
      },
      { name, type, value },
    );

  it('finds an operation by its path, shows what it does, and offers its parameters as rows', async () => {
    const page = await session.openEditor();
    try {
      await editRequest(page);
      const suggestion = await typePath(page, '/domain/zone/{zoneName}/re', 'POST/domain/zone/{zoneName}/record');
      (await suggestion.textContent())!.should.match(/^POST\/domain\/zone\/\{zoneName\}\/record.+/);
      await page.screenshot({ path: path.join(session.screenshotDir, 'request-autocomplete.png') });
      await suggestion.click();
      (await page.inputValue('#node-input-method')).should.equal('POST');
      (await page.inputValue('#node-input-path')).should.equal('/domain/zone/{zoneName}/record');
      await page.waitForSelector('#ovh-request-operation:has-text("dnsZone:apiovh:record/create")');
      should(await page.$('#node-input-path.input-error')).be.null(); // the path chosen is valid, and shown so
      (await page.textContent('#ovh-request-operation'))!.should.match(/domain\.zone\.Record/);
      await page.waitForSelector('.ovh-param-row[data-name="ttl"]');
      (await rows(page)).should.eql(['path zoneName*', 'body fieldType*', 'body target*', 'body subDomain', 'body ttl']);
      // An enum offers its values; a long starts as a number.
      const fieldType = await page.evaluate(() => $('.ovh-param-row[data-name="fieldType"] .ovh-param-value').typedInput('type'));
      fieldType.should.equal('enum');
      await page.screenshot({ path: path.join(session.screenshotDir, 'request-parameters.png') });

      // Another method on the same path: a value moves to the field of the same name, and what the
      // new operation does not take is dropped (a query subDomain would be sent to the wrong record).
      await setRow(page, 'zoneName', 'str', 'example.com');
      await setRow(page, 'subDomain', 'str', 'www');
      await page.selectOption('#node-input-method', 'GET');
      await page.waitForSelector('.ovh-param-row[data-in="query"][data-name="subDomain"]');
      (await rows(page)).should.eql(['path zoneName*', 'query fieldType', 'query subDomain']);
      const subDomain = await page.evaluate(() =>
        $('.ovh-param-row[data-name="subDomain"] .ovh-param-value').typedInput('value'),
      );
      subDomain.should.equal('www');
      await page.selectOption('#node-input-method', 'DELETE');
      await page.fill('#node-input-path', '/domain/zone/{zoneName}/record/{id}');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('.ovh-param-row[data-name="id"]');
      (await rows(page)).should.eql(['path zoneName*', 'path id*']);
      await page.click('#node-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('finds operations by the words of their descriptions', async () => {
    const page = await session.openEditor();
    try {
      await editRequest(page);
      const reboot = await typePath(page, 'reboot', 'POST/dedicated/server/{serviceName}/reboot');
      await reboot.click();
      (await page.inputValue('#node-input-method')).should.equal('POST');
      (await page.inputValue('#node-input-path')).should.equal('/dedicated/server/{serviceName}/reboot');
      await typePath(page, 'dns record', '/domain/zone/{zoneName}/record');
      await page.keyboard.press('Escape');
      await page.click('#node-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('warns of a deprecated operation with its date, and a click switches to its replacement', async () => {
    const page = await session.openEditor();
    try {
      await editRequest(page);
      await page.fill('#node-input-path', '/domain/data/extension');
      await page.dispatchEvent('#node-input-path', 'change');
      const warning = await page.waitForSelector('.ovh-deprecated', { timeout: 15_000 });
      (await warning.textContent())!.should.match(
        /DEPRECATED: OVHcloud was to remove this operation on 2021-08-31; it may stop working at any time\. Use instead: GET \/domain\/extensions/,
      );
      await page.screenshot({ path: path.join(session.screenshotDir, 'request-deprecated.png') });
      await page.click('.ovh-replacement');
      (await page.inputValue('#node-input-path')).should.equal('/domain/extensions');
      await page.waitForSelector('.ovh-deprecated', { state: 'detached' });
      // A BETA operation says so, in words.
      await page.fill('#node-input-path', '/domain/zone/{zoneName}/option/{name}/serviceInfos');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('.ovh-beta:has-text("BETA: OVHcloud may still change this operation.")');
      // A path the description does not know is allowed, with a warning.
      await page.fill('#node-input-path', '/domain/zone/{zoneName}/recrod');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('.ovh-unknown:has-text("is not in the OVHcloud API description")');
      (await rows(page)).should.eql(['path zoneName*']);
      should(await page.$('#node-input-path.input-error')).be.null();
      // A parameter the description does not list: a row of one's own, kept when the path is described again.
      await page.click('.node-input-parameters-container-row .red-ui-editableList-addButton');
      await page.fill('.ovh-param-custom .ovh-param-custom-name', 'extra');
      await page.selectOption('.ovh-param-custom .ovh-param-custom-place', 'query');
      await page.evaluate(() => $('.ovh-param-custom .ovh-param-value').typedInput('value', 'yes'));
      await page.fill('#node-input-path', '/domain/zone/{zoneName}/record');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('.ovh-param-row[data-name="subDomain"]');
      should(await page.$('.ovh-param-custom')).not.be.null();
      await page.click('#node-dialog-ok');
      const saved = await page.evaluate(() => RED.nodes.node('demo-me-request').parameters);
      saved.should.containDeep([{ name: 'extra', in: 'query', value: 'yes', valueType: 'str', custom: true }]);
    } finally {
      await page.context().close();
    }
  });

  it('picks a zone from the account, and tries the call: a GET at once, a POST once confirmed', async () => {
    const page = await session.openEditor();
    const { sim } = session;
    try {
      await editRequest(page);
      await page.fill('#node-input-path', '/domain/zone/{zoneName}/record');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('.ovh-param-row[data-name="subDomain"]');
      await page.click('.ovh-param-row[data-name="zoneName"] .ovh-param-values');
      await page.waitForSelector('.ovh-values-menu >> text=example.com');
      await page.waitForTimeout(400); // the menu's opening animation, for the picture
      await page.screenshot({ path: path.join(session.screenshotDir, 'request-values.png') });
      await page.click('.ovh-values-menu >> text=example.com');
      (await page.evaluate(() => $('.ovh-param-row[data-name="zoneName"] .ovh-param-value').typedInput('value'))).should.equal(
        'example.com',
      );
      await setRow(page, 'subDomain', 'str', 'www');
      await setRow(page, 'fieldType', 'msg', 'payload.type');
      await page.click('#ovh-request-try');
      await page.waitForSelector('#ovh-try-result[data-ok="true"]', { timeout: 15_000 });
      const shown = (await page.textContent('#ovh-try-result'))!;
      shown.should.match(/^200 · query id \S+/);
      shown.should.match(/Not set without a msg: fieldType/);
      shown.should.match(/1002/);
      await page.screenshot({ path: path.join(session.screenshotDir, 'request-try.png') });

      // A write asks first, naming the method and path; nothing is sent before.
      await page.selectOption('#node-input-method', 'POST');
      await page.fill('#node-input-path', '/domain/zone/{zoneName}/refresh');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('#ovh-request-operation:has-text("Refresh")');
      await setRow(page, 'zoneName', 'str', 'example.com');
      const refreshes = sim.count({ method: 'POST', path: '/1.0/domain/zone/example.com/refresh' });
      await page.click('#ovh-request-try');
      const ask = await page.waitForSelector(
        '.red-ui-notification:has-text("Call POST /domain/zone/{zoneName}/refresh on the account now?")',
      );
      sim.count({ method: 'POST', path: '/1.0/domain/zone/example.com/refresh' }).should.equal(refreshes);
      await ask.waitForSelector('.ovh-try-confirm');
      await page.click('.ovh-try-confirm');
      await page.waitForSelector('#ovh-try-result[data-ok="true"]:has-text("200")', { timeout: 15_000 });
      sim.count({ method: 'POST', path: '/1.0/domain/zone/example.com/refresh' }).should.equal(refreshes + 1);
      await page.click('#node-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('builds the DNS update of example 02 with rows, no JSON, and the deployed flow makes those calls', async () => {
    const page = await session.openEditor();
    const { sim } = session;
    try {
      // Three request nodes from the palette, wired inject -> find -> update -> refresh, each set in its dialog.
      await page.evaluate(() => {
        const z = RED.workspaces.active();
        // As a drop from the palette makes them: every property at its default.
        const fresh = (type: string, id: string, x: number, wires: string[], extra = {}) => {
          const defaults = RED.nodes.getType(type).defaults;
          const values = Object.fromEntries(Object.keys(defaults).map((key) => [key, defaults[key].value]));
          return { ...values, ...extra, id, type, z, x, y: 620, wires: [wires] };
        };
        RED.view.importNodes(
          [
            fresh('inject', 'dns-inject', 120, ['dns-find']),
            fresh('ovh-request', 'dns-find', 360, ['dns-update']),
            fresh('ovh-request', 'dns-update', 640, ['dns-refresh']),
            fresh('ovh-request', 'dns-refresh', 920, []),
          ],
          { generateIds: false, addFlow: false, touchImport: true },
        );
      });
      const configure = async (id: string, method: string, pathText: string, values: Array<[string, string, string]>) => {
        await editRequest(page, id);
        (await page.inputValue('#node-input-account')).should.equal('demo-account'); // the only account, taken
        await page.selectOption('#node-input-method', method);
        await page.fill('#node-input-path', pathText);
        await page.dispatchEvent('#node-input-path', 'change');
        for (const [name] of values) await page.waitForSelector(`.ovh-param-row[data-name="${name}"]`, { timeout: 15_000 });
        await page.waitForSelector('#ovh-request-operation .ovh-operation-description');
        for (const [name, type, value] of values) await setRow(page, name, type, value);
        await page.evaluate(() => $('.red-ui-notification').css('visibility', 'hidden')); // the import's notice, out of the picture
        if (id === 'dns-update') await page.screenshot({ path: path.join(session.screenshotDir, 'request-dns-update.png') });
        await page.click('#node-dialog-ok');
        await page.waitForSelector('#node-input-path', { state: 'detached' });
      };
      await configure('dns-find', 'GET', '/domain/zone/{zoneName}/record', [
        ['zoneName', 'str', 'example.com'],
        ['fieldType', 'enum', 'A'],
        ['subDomain', 'str', 'www'],
      ]);
      await configure('dns-update', 'PUT', '/domain/zone/{zoneName}/record/{id}', [
        ['zoneName', 'str', 'example.com'],
        ['id', 'msg', 'payload[0]'],
        ['target', 'str', '203.0.113.7'],
      ]);
      await configure('dns-refresh', 'POST', '/domain/zone/{zoneName}/refresh', [['zoneName', 'str', 'example.com']]);
      const labels = await page.evaluate(() =>
        ['dns-find', 'dns-update', 'dns-refresh'].map((id) => RED.utils.getNodeLabel(RED.nodes.node(id))),
      );
      labels.should.eql([
        'GET /domain/zone/{zoneName}/record',
        'PUT /domain/zone/{zoneName}/record/{id}',
        'POST /domain/zone/{zoneName}/refresh',
      ]);

      await page.click('#red-ui-header-button-deploy');
      await page.waitForSelector('.red-ui-notification:has-text("Successfully deployed")', { timeout: 15_000 });
      sim.resetCounters();
      await page.click('[id="dns-inject"] .red-ui-flow-node-button');
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 15_000;
        const poll = () => {
          if (sim.count({ method: 'POST', path: '/1.0/domain/zone/example.com/refresh' }) === 1) return resolve();
          if (Date.now() > deadline) {
            const calls = sim.received().map((r) => `${r.method} ${r.path}?${r.search} ${r.status}`);
            return reject(new Error(`the zone was not refreshed: ${calls.join(', ')}`));
          }
          setTimeout(poll, 100);
        };
        poll();
      });
      const find = sim.received({ method: 'GET', path: '/1.0/domain/zone/example.com/record' });
      find.map((r) => r.search).should.eql(['fieldType=A&subDomain=www']);
      const update = sim.received({ method: 'PUT' });
      update.map((r) => `${r.path} ${r.body}`).should.eql(['/1.0/domain/zone/example.com/record/1002 {"target":"203.0.113.7"}']);
      sim.received({ method: 'POST' })[0].body.should.equal('');
    } finally {
      await page.context().close();
    }
  });
});

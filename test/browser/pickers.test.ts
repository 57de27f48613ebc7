/**
 * Values one chooses rather than ids one must know, and a dialog that says what happened, in a
 * real browser against the simulator serving the whole EU API's description (/cloud included):
 * labelled and filtered pickers for placeholders and for body fields named like a list
 * (`flavorId` narrowed by the region chosen), model fields as JSON templates, the suggestion
 * list's size, the body an operation without one defaults to, Try in the node's mode, and the
 * endpoint an account with keys from the environment really uses.
 */
import should from 'should';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useEditor } from '../helpers/editor';
import { CLOUD_PROJECT } from '../simulator/data';
import { DEMO_ACCOUNT_ID } from '../playground/demo-flow';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const $: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const getComputedStyle: any; // eslint-disable-line @typescript-eslint/no-explicit-any
type HTMLElement = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type HTMLSelectElement = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('pickers and feedback in the dialogs, against the whole API description', function () {
  this.timeout(180_000);
  const session = useEditor({ fullDescription: true }, (sim) => ({ OVH_ENDPOINT: sim.baseUrl }));

  const editRequest = async (page: Page, id = 'demo-me-request') => {
    await page.evaluate((nodeId) => RED.editor.edit(RED.nodes.node(nodeId)), id);
    await page.waitForSelector('#node-input-path', { state: 'visible' });
  };

  const setCall = async (page: Page, method: string, callPath: string, waitFor: string) => {
    await page.selectOption('#node-input-method', method);
    await page.fill('#node-input-path', callPath);
    await page.dispatchEvent('#node-input-path', 'change');
    await page.waitForSelector(waitFor, { timeout: 30_000 });
  };

  const rowValue = (page: Page, name: string) =>
    page.evaluate((rowName) => $(`.ovh-param-row[data-name="${rowName}"] .ovh-param-value`).typedInput('value'), name);

  /** Opens a row's picker and waits for its choices. */
  const openPicker = async (page: Page, name: string) => {
    await page.click(`.ovh-param-row[data-name="${name}"] .ovh-param-values`);
    await page.waitForSelector('.ovh-values-menu .ovh-values-choice', { timeout: 30_000 });
  };

  /** The picker's lines as shown: `value label`. */
  const choices = (page: Page) =>
    page.$$eval('.ovh-values-menu .ovh-values-choice', (els) => els.map((el) => el.textContent!.trim()));

  it('labels the ids of a list with what names them, filters them as one types, and says what a placeholder is', async () => {
    const page = await session.openEditor();
    try {
      await editRequest(page);
      await setCall(page, 'PUT', '/domain/zone/{zoneName}/record/{id}', '.ovh-param-row[data-name="target"]');
      (await page.textContent('.ovh-param-row[data-name="zoneName"] .ovh-param-info'))!.should.startWith(
        'zoneName: the dns zone',
      );
      await openPicker(page, 'zoneName');
      await page.click('.ovh-values-menu .ovh-values-choice[data-value="example.com"]');
      (await rowValue(page, 'zoneName')).should.equal('example.com');
      await openPicker(page, 'id');
      const all = await choices(page);
      all.should.containEql('1002www · A · 203.0.113.10');
      all.length.should.be.above(2);
      await page.fill('.ovh-values-filter', 'www');
      await page.waitForFunction(() => document.querySelectorAll('.ovh-values-menu .ovh-values-choice').length === 1);
      (await choices(page)).should.eql(['1002www · A · 203.0.113.10']);
      await page.fill('.ovh-values-filter', '');
      await page.waitForTimeout(300); // the list drawn again, for the picture
      await page.screenshot({ path: path.join(session.screenshotDir, 'request-labelled-values.png') });
      await page.fill('.ovh-values-filter', 'www a');
      await page.press('.ovh-values-filter', 'Enter'); // the first one left
      await page.waitForSelector('.ovh-values-menu', { state: 'detached' });
      (await rowValue(page, 'id')).should.equal('1002');
      await page.click('#node-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it("labels the values of a placeholder left in a watch's path, with the values the path already holds", async () => {
    const page = await session.openEditor();
    try {
      await page.evaluate(() => RED.editor.edit(RED.nodes.node('demo-watch')));
      await page.waitForSelector('#node-input-path', { state: 'visible' });
      await page.fill('#node-input-path', '/domain/zone/example.com/record/{id}');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('#ovh-watch-values .ovh-param-values', { state: 'visible' });
      await page.waitForTimeout(1000); // the path's operation described, for the labels
      await page.click('#ovh-watch-values .ovh-param-values');
      await page.waitForSelector('.ovh-values-menu .ovh-values-choice', { timeout: 30_000 });
      (await choices(page)).should.containEql('1002www · A · 203.0.113.10');
      await page.fill('.ovh-values-filter', 'www');
      await page.press('.ovh-values-filter', 'Enter');
      await page.waitForFunction(() => $('#node-input-path').val() === '/domain/zone/example.com/record/1002');
      await page.click('#node-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('offers the body fields of a new instance their values, a region narrowing the flavors; model fields as JSON to fill in', async () => {
    const page = await session.openEditor();
    try {
      await editRequest(page);
      await setCall(page, 'POST', '/cloud/project/{serviceName}/instance', '.ovh-param-row[data-name="flavorId"]');
      for (const name of ['serviceName', 'flavorId', 'imageId', 'region', 'sshKeyId']) {
        should(await page.$(`.ovh-param-row[data-name="${name}"] .ovh-param-values`)).not.be.null();
      }
      (await page.textContent('.ovh-param-row[data-name="serviceName"] .ovh-param-info'))!.should.startWith(
        'serviceName: the public cloud project',
      );
      await openPicker(page, 'serviceName');
      await page.click(`.ovh-values-menu .ovh-values-choice[data-value="${CLOUD_PROJECT}"]`);
      await openPicker(page, 'region');
      (await choices(page)).should.containEql('GRA11region · UP'); // not its own name again
      await page.click('.ovh-values-menu .ovh-values-choice[data-value="GRA11"]');
      (await rowValue(page, 'region')).should.equal('GRA11');
      await openPicker(page, 'flavorId');
      const flavors = await choices(page);
      flavors.length.should.equal(2); // b2-7 and d2-2 in GRA11 only
      for (const line of flavors) line.should.match(/ · GRA11/);
      flavors.some((line) => /b2-7 · GRA11/.test(line)).should.be.true();
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(session.screenshotDir, 'request-body-values.png') });
      await page.click('.ovh-values-menu .ovh-values-choice:has-text("b2-7")');
      (await rowValue(page, 'flavorId')).should.match(/^f1a2b3c4-/);
      await openPicker(page, 'sshKeyId');
      (await choices(page)).should.containEql('c2873a2b3d4c5e6flaptop');
      await page.keyboard.press('Escape');

      // A model field starts as JSON with its shape; empty optional fields are not outlined.
      const autobackup = await page.evaluate(() => {
        const input = $('.ovh-param-row[data-name="autobackup"] .ovh-param-value');
        return { type: input.typedInput('type'), value: JSON.parse(input.typedInput('value')) };
      });
      autobackup.type.should.equal('json');
      autobackup.value.should.have.keys('cron', 'rotation');
      const networks = await page.evaluate(() =>
        JSON.parse($('.ovh-param-row[data-name="networks"] .ovh-param-value').typedInput('value')),
      );
      networks.should.be.an.Array();
      networks[0].should.have.property('networkId');
      await page.evaluate(() => $('.ovh-param-row[data-name="autobackup"] .ovh-param-value').typedInput('value', ''));
      const outlined = await page.$$eval('.ovh-param-row .red-ui-typedInput-container.input-error', (els) =>
        els.map((el) => el.closest('.ovh-param-row')!.getAttribute('data-name')),
      );
      outlined.should.not.containEql('autobackup');
      for (const name of outlined)
        (await page.textContent(`.ovh-param-row[data-name="${name}"] .ovh-param-name`))!.should.match(/\*/);

      // Saved: the values chosen; the templates left as offered are not sent.
      await page.click('#node-dialog-ok');
      const saved = await page.evaluate(() => RED.nodes.node('demo-me-request').parameters);
      const names = saved.map((row: { name: string }) => row.name);
      names.should.containEql('flavorId');
      names.should.not.containEql('networks');
      names.should.not.containEql('autobackup');
    } finally {
      await page.context().close();
    }
  });

  it('shows whole suggested paths, as wide as the dialog, about eight at a time', async () => {
    const page = await session.openEditor();
    try {
      await editRequest(page);
      await page.fill('#node-input-path', '');
      await page.type('#node-input-path', '/cloud/project/{serviceName}/instance/{instanceId}/', { delay: 20 });
      const list = page.locator('.red-ui-autoComplete-container:has(.ovh-suggestion)');
      await list.waitFor({ timeout: 30_000 });
      await page.waitForTimeout(300); // placed once drawn
      const size = await page.evaluate(() => {
        const box = document.querySelector('.red-ui-autoComplete-container') as HTMLElement;
        const dialog = document.querySelector('#node-input-path')!.closest('.red-ui-tray-body') as HTMLElement;
        const paths = [...box.querySelectorAll('.ovh-suggestion-path')] as HTMLElement[];
        return {
          width: box.getBoundingClientRect().width,
          dialog: dialog.getBoundingClientRect().width,
          height: box.getBoundingClientRect().height,
          rows: box.querySelectorAll('.ovh-suggestion').length,
          sideways: box.scrollWidth > box.clientWidth + 1,
          wide: [...box.querySelectorAll('*')]
            .filter((el: HTMLElement) => el.scrollWidth > el.clientWidth + 1)
            .map((el: HTMLElement) => `${el.tagName}.${el.className} ${el.scrollWidth}/${el.clientWidth}`)
            .join(', '),
          cut: paths.filter((p: HTMLElement) => p.scrollWidth > p.clientWidth + 1).length,
        };
      });
      size.width.should.be.above(size.dialog - 40);
      size.height.should.be.within(300, 400);
      size.rows.should.be.above(7);
      size.sideways.should.be.false(size.wide);
      size.cut.should.equal(0);
      await page.keyboard.press('Escape');
      await page.click('#node-dialog-cancel');

      // The watch's list (the same code, limited to GET) is not measured here: under Node-RED 5 its
      // list was not found after the request dialog's (to be looked into).
    } finally {
      await page.context().close();
    }
  });

  it('defaults to no body for an operation that takes none, with body options whose words show whole', async () => {
    const page = await session.openEditor();
    try {
      await editRequest(page);
      await setCall(page, 'POST', '/domain/zone/{zoneName}/refresh', '#ovh-request-operation .ovh-operation-description');
      await page.waitForFunction(() => $('#node-input-body').val() === 'none');
      (await page.textContent('.ovh-body-note'))!.should.match(/takes no body/);
      await setCall(page, 'POST', '/domain/zone/{zoneName}/record', '.ovh-param-row[data-name="fieldType"]');
      await page.waitForFunction(() => $('#node-input-body').val() === 'payload');
      (await page.isVisible('.ovh-body-note')).should.be.false();
      // Each option's words fit in the choice: measured in the select's own font.
      const overflow = await page.evaluate(() => {
        const select = document.querySelector('#node-input-body') as HTMLSelectElement;
        const probe = document.createElement('span');
        probe.style.font = getComputedStyle(select).font;
        probe.style.whiteSpace = 'nowrap';
        document.body.appendChild(probe);
        const widths = [...select.options].map((option: HTMLElement) => {
          probe.textContent = option.textContent;
          return probe.getBoundingClientRect().width;
        });
        probe.remove();
        return Math.max(...widths) - (select.clientWidth - 30); // the arrow's room
      });
      overflow.should.be.below(0);
      await page.click('#node-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it("tries a list in the node's mode and says what it read", async () => {
    const page = await session.openEditor();
    try {
      await editRequest(page);
      await setCall(page, 'GET', '/domain/zone/{zoneName}/record', '.ovh-param-row[data-name="subDomain"]');
      await page.evaluate(() => {
        const input = $('.ovh-param-row[data-name="zoneName"] .ovh-param-value');
        input.typedInput('type', 'str');
        input.typedInput('value', 'example.com');
      });
      await page.selectOption('#node-input-mode', 'expand');
      await page.click('#ovh-request-try');
      await page.waitForSelector('#ovh-try-result[data-ok="true"]', { timeout: 30_000 });
      (await page.textContent('#ovh-try-result .ovh-try-tried'))!.should.match(
        /^\d+ items, read as objects as the node would read them\.$/,
      );
      (await page.textContent('#ovh-try-result .ovh-try-answer'))!.should.match(/"subDomain": "www"/);
      await page.click('#node-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });

  it('shows the endpoint an account with keys from the environment really uses, and the one Check called', async () => {
    const page = await session.openEditor();
    const { sim } = session;
    try {
      await page.evaluate((id) => RED.editor.editConfig('', 'ovh-credentials', id), DEMO_ACCOUNT_ID);
      await page.waitForSelector('#node-config-input-credentialsFrom', { state: 'visible' });
      (await page.isVisible('.ovh-env-endpoint')).should.be.false();
      await page.selectOption('#node-config-input-credentialsFrom', 'env');
      const words = (await page.textContent('.ovh-env-endpoint'))!;
      words.should.containEql(`OVH_ENDPOINT=${sim.baseUrl}`);
      words.should.match(/not the region chosen above/);
      await page.selectOption('#node-config-input-credentialsFrom', 'node');
      await page.click('#ovh-check');
      await page.waitForSelector('#ovh-check-result .ovh-check-endpoint', { timeout: 30_000 });
      (await page.textContent('#ovh-check-result .ovh-check-endpoint'))!.should.equal(`Called: ${sim.baseUrl}`);
      await page.click('#node-config-dialog-cancel');
    } finally {
      await page.context().close();
    }
  });
});

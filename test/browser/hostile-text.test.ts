/**
 * Text from a flow, an API answer or the API's description is shown as text in every dialog, never
 * run as HTML: a flow whose path, parameter rows, node names and account name hold markup, and a
 * description whose operations, parameters and enum values hold markup, are clicked through (the
 * request dialog with its suggestions, panel, rows, value lists and Try; the account dialog's Check
 * and rules for the flows; the watch dialog), and no handler of that markup ever runs.
 */
import 'should';
import type { Page } from 'playwright-core';
import { useEditor } from '../helpers/editor';
import { deploy } from '../helpers/node-red-process';
import { DEFAULT_APP } from '../simulator/simulator';
import { demoAccount, demoFlow, DEMO_ACCOUNT_ID } from '../playground/demo-flow';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const $: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Each handler counts in window.__pwned when it runs. */
const RUN = 'window.__pwned=(window.__pwned||0)+1';
const IMG = `<img src=x onerror="${RUN}">`;
const SCRIPT = `<script>${RUN}</script>`;
/** Markup with spaces and quotes, where any text goes. */
const HOSTILE = `${IMG} ${SCRIPT}`;
/** Markup in one word (no space), where the text must read as a path. */
const HOSTILE_WORD = `<img/src=x/onerror=${RUN}>`;

/** The little of a page's element the observer reads (the tests compile without the DOM's types). */
interface PageElement {
  nodeType: number;
  tagName: string;
  textContent: string | null;
  outerHTML: string;
  matches(selector: string): boolean;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}

const ACCOUNT_ID = 'hostile-account';
const REQUEST_ID = 'hostile-request';
const WATCH_ID = 'hostile-watch';

/** The API's description of the domain family, with markup in every text the dialogs show. */
function hostileDescription(file: string, description: unknown): unknown {
  if (file !== '1.0/domain.json') return description;
  const walk = (value: unknown, depth: number): void => {
    if (depth > 30 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach((v) => walk(v, depth + 1));
    const object = value as Record<string, unknown>;
    if (typeof object.description === 'string') object.description += ' ' + HOSTILE;
    if (Array.isArray(object.enum)) object.enum.push(HOSTILE);
    if (object.value === 'DEPRECATED' && typeof object.replacement === 'string') object.replacement = '/domain/' + HOSTILE_WORD;
    if (Array.isArray(object.iamActions)) object.iamActions.push({ name: HOSTILE, required: true });
    Object.values(object).forEach((v) => walk(v, depth + 1));
  };
  walk(description, 0);
  const apis = (description as { apis: unknown[] }).apis;
  // An operation whose path and status are markup, for the suggestions.
  apis.push({
    path: `/domain/zone/{zoneName}/${HOSTILE_WORD}`,
    description: HOSTILE,
    operations: [
      {
        apiStatus: { value: HOSTILE, description: HOSTILE },
        httpMethod: 'GET',
        parameters: [
          { name: 'zoneName', dataType: 'string', paramType: 'path', fullType: 'string', required: true, description: HOSTILE },
        ],
        responseType: 'string',
        noAuthentication: false,
        description: HOSTILE,
        iamActions: [],
      },
    ],
  });
  return description;
}

describe('markup from a flow, an answer or a description in the dialogs', function () {
  this.timeout(180_000);
  const session = useEditor();

  before(async function () {
    this.timeout(60_000);
    const { sim, nodeRed } = session;
    if (!sim) return; // skipped: no Chromium
    sim.rewriteDescription = hostileDescription;
    sim.data.zones[HOSTILE] = { records: [], refreshes: 0 };
    // A key whose rules show markup in Check.
    const hostileKey = sim.addConsumerKey([
      { method: 'GET', path: '/*' },
      { method: 'POST', path: '/domain/*' },
      { method: 'DELETE', path: '/' + HOSTILE_WORD },
    ]);
    const z = 'demo-tab';
    const markupNodes = [
      {
        ...demoAccount({ simulatorUrl: sim.url }),
        id: ACCOUNT_ID,
        name: HOSTILE,
      },
      {
        id: REQUEST_ID,
        type: 'ovh-request',
        z,
        name: HOSTILE,
        account: ACCOUNT_ID,
        method: 'POST',
        path: '/me/' + HOSTILE,
        parameters: [
          { name: HOSTILE, in: 'query', value: HOSTILE, valueType: 'msg', custom: true },
          { name: 'x' + HOSTILE, in: 'body', value: HOSTILE, valueType: 'str', custom: true },
        ],
        body: 'payload',
        mode: 'single',
        split: 'one',
        concurrency: 4,
        pageSize: '',
        maxPages: 100,
        errorOutput: false,
        outputs: 1,
        x: 540,
        y: 900,
        wires: [[]],
      },
      {
        id: WATCH_ID,
        type: 'ovh-watch',
        z,
        name: HOSTILE,
        account: ACCOUNT_ID,
        path: `/domain/zone/{${HOSTILE}}`,
        read: 'answer',
        interval: 60,
        removed: false,
        sendChanged: true,
        fields: HOSTILE,
        idField: HOSTILE,
        sendFirst: false,
        store: '',
        x: 180,
        y: 900,
        wires: [[]],
      },
    ];
    await deploy(nodeRed, [...demoFlow(demoAccount({ simulatorUrl: sim.url })), ...markupNodes], {
      [DEMO_ACCOUNT_ID]: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey: session.consumerKey },
      [ACCOUNT_ID]: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey: hostileKey },
    });
  });

  /** The editor, watching for markup that became elements (even for a moment). */
  const openEditor = async () => {
    const page = await session.openEditor();
    await page.evaluate(() => {
      window.__madeElements = [];
      new window.MutationObserver((changes: Array<{ addedNodes: PageElement[] }>) => {
        for (const change of changes) {
          for (const added of change.addedNodes) {
            if (added.nodeType !== 1) continue;
            const found = [added, ...added.querySelectorAll('*')].filter(
              (el) =>
                el.matches('img[src="x"]') ||
                /__pwned/.test((el.tagName === 'SCRIPT' ? el.textContent : el.getAttribute('onerror')) || ''),
            );
            window.__madeElements.push(...found.map((el) => el.outerHTML));
          }
        }
      }).observe(document, { childList: true, subtree: true });
    });
    return page;
  };

  /** No handler of the markup ran, and none of it is an element in the page. */
  const nothingRan = async (page: Page) => {
    await page.waitForTimeout(500); // an image's error event comes once its load failed
    const seen = await page.evaluate(() => ({
      ran: window.__pwned,
      images: document.querySelectorAll('img[src="x"]').length,
      made: window.__madeElements,
    }));
    seen.should.eql({ ran: undefined, images: 0, made: [] });
  };

  const openRequest = async (page: Page) => {
    await page.evaluate((id) => RED.editor.edit(RED.nodes.node(id)), REQUEST_ID);
    await page.waitForSelector('#node-input-path', { state: 'visible' });
  };

  const setPath = async (page: Page, method: string, path: string) => {
    await page.selectOption('#node-input-method', method);
    await page.fill('#node-input-path', path);
    await page.dispatchEvent('#node-input-path', 'change');
  };

  it('the request dialog: its confirmation, Try, suggestions, panel, rows and value lists', async () => {
    const page = await openEditor();
    try {
      await openRequest(page);
      (await page.inputValue('#node-input-name')).should.equal(HOSTILE);
      // The path, named in the panel's warning.
      await page.waitForSelector('#ovh-request-operation .ovh-unknown', { timeout: 15_000 });
      (await page.textContent('#ovh-request-operation'))!.should.containEql(HOSTILE);

      // Try on a write asks first, naming the path and the rows it will not set.
      await page.click('#ovh-request-try');
      const ask = await page.waitForSelector('.red-ui-notification:has(.ovh-try-confirm)');
      await nothingRan(page);
      const question = (await ask.textContent())!;
      question.should.containEql(`POST /me/${HOSTILE}`);
      question.should.containEql(`Not set without a msg: ${HOSTILE}`);
      await page.click('.ovh-try-confirm');
      await page.waitForSelector('#ovh-try-result[data-ok]:not(:has-text("Calling"))', { timeout: 15_000 });
      await nothingRan(page);

      // Suggestions: descriptions, a path and a status of markup.
      await page.fill('#node-input-path', '');
      await page.type('#node-input-path', '/domain/zone/{zoneName}/<im', { delay: 20 });
      await page
        .locator('.red-ui-autoComplete-container .ovh-suggestion', { hasText: HOSTILE_WORD })
        .first()
        .waitFor({ timeout: 20_000 });
      (await page.textContent('.red-ui-autoComplete-container'))!.should.containEql(HOSTILE);
      await page.keyboard.press('Escape');
      await nothingRan(page);

      // The operation's panel and rows: descriptions, IAM actions, an enum value of markup.
      await setPath(page, 'POST', '/domain/zone/{zoneName}/record');
      await page.waitForSelector('.ovh-param-row[data-name="fieldType"]', { timeout: 15_000 });
      (await page.textContent('#ovh-request-operation'))!.should.containEql(HOSTILE);
      (await page.textContent('.ovh-param-row[data-name="zoneName"] .ovh-param-info'))!.should.containEql('Zone name ' + IMG);
      (await page.getAttribute('.ovh-param-row[data-name="zoneName"] .ovh-param-info', 'title'))!.should.containEql(HOSTILE);
      await page.click('.ovh-param-row[data-name="fieldType"] .red-ui-typedInput-option-trigger');
      await page.locator('.red-ui-typedInput-options a', { hasText: HOSTILE }).first().waitFor();
      await page.keyboard.press('Escape');
      await nothingRan(page);

      // A zone name of markup, in the ▾ list of the account's zones, picked.
      await page.click('.ovh-param-row[data-name="zoneName"] .ovh-param-values');
      const zone = page.locator('.ovh-values-menu li', { hasText: HOSTILE }).first();
      await zone.waitFor({ timeout: 15_000 });
      await zone.click();
      (await page.evaluate(() => $('.ovh-param-row[data-name="zoneName"] .ovh-param-value').typedInput('value'))).should.equal(
        HOSTILE,
      );
      await nothingRan(page);

      // A deprecated operation whose replacement is markup.
      await setPath(page, 'GET', '/domain/data/extension');
      await page.waitForSelector('.ovh-deprecated', { timeout: 15_000 });
      (await page.textContent('.ovh-replacement'))!.should.equal(`GET /domain/${HOSTILE_WORD}`);

      // Try's answer: the zones, one of them markup.
      await setPath(page, 'GET', '/domain/zone');
      await page.waitForSelector('#ovh-request-operation .ovh-operation-description', { timeout: 15_000 });
      await page.click('#ovh-request-try');
      await page.waitForSelector('#ovh-try-result[data-ok="true"]', { timeout: 15_000 });
      (await page.textContent('#ovh-try-result .ovh-try-answer'))!.should.containEql(HOSTILE.replace(/"/g, '\\"'));
      await nothingRan(page);
      await page.click('#node-dialog-cancel');
      await nothingRan(page);
    } finally {
      await page.context().close();
    }
  });

  it('the account dialog: Check and the rules for the flows', async () => {
    const page = await openEditor();
    try {
      await page.evaluate((id) => RED.editor.editConfig('', 'ovh-credentials', id), ACCOUNT_ID);
      await page.waitForSelector('#node-config-input-endpoint', { state: 'visible' });
      await page.click('#ovh-check');
      const comparison = await page.waitForSelector('.ovh-check-comparison', { timeout: 15_000 });
      (await page.textContent('#ovh-check-result'))!.should.containEql(`DELETE /${HOSTILE_WORD}`);
      (await comparison.textContent())!.should.containEql(HOSTILE);
      await page.click('#ovh-flow-rules');
      await page.waitForSelector('.ovh-flow-rules-list li', { timeout: 15_000 });
      (await page.textContent('#ovh-flow-rules-notes'))!.should.containEql(HOSTILE);
      await nothingRan(page);
      await page.click('#node-config-dialog-cancel');
      await nothingRan(page);
    } finally {
      await page.context().close();
    }
  });

  it('the watch dialog: its placeholder note, suggestions and operation', async () => {
    const page = await openEditor();
    try {
      await page.evaluate((id) => RED.editor.edit(RED.nodes.node(id)), WATCH_ID);
      await page.waitForSelector('#node-input-path', { state: 'visible' });
      await page.waitForSelector('#ovh-watch-placeholder:visible');
      (await page.textContent('#ovh-watch-placeholder'))!.should.containEql(HOSTILE);
      await page.fill('#node-input-path', '');
      await page.type('#node-input-path', '/domain/zone/{zoneName}/<im', { delay: 20 });
      await page.locator('.red-ui-autoComplete-container li', { hasText: HOSTILE_WORD }).first().waitFor({ timeout: 20_000 });
      await page.keyboard.press('Escape');
      await page.fill('#node-input-path', '/domain/zone/example.com/record');
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('#ovh-watch-operation .ovh-watch-answer', { timeout: 15_000 });
      (await page.textContent('#ovh-watch-operation'))!.should.containEql(HOSTILE);
      await page.fill('#node-input-path', `/domain/zone/example.com/${HOSTILE_WORD}`);
      await page.dispatchEvent('#node-input-path', 'change');
      await page.waitForSelector('#ovh-watch-operation:has-text("Answers: string")', { timeout: 15_000 });
      await nothingRan(page);
      await page.click('#node-dialog-cancel');
      await nothingRan(page);
    } finally {
      await page.context().close();
    }
  });
});

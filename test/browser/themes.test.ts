/**
 * The dialogs' own colours (warnings, suggestions, parameter rows, the operation panel, results)
 * readable in Node-RED's light theme and, on Node-RED 5, in its dark theme (the user's View >
 * Appearance choice, kept in the browser as `view-dark-theme`, which sets `html.nr-theme-dark`):
 * the contrast of each text against what is drawn behind it.
 */
import 'should';
import type { Page } from 'playwright-core';
import { useEditor } from '../helpers/editor';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const localStorage: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const getComputedStyle: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const $: any; // eslint-disable-line @typescript-eslint/no-explicit-any
/** An element of the page, as the measure reads it. */
type Element = { parentElement: Element | null; textContent: string; getClientRects(): { length: number } };

/** WCAG's contrast for text (AA): what the dialogs' own colours must reach. */
const READABLE = 4.5;
/**
 * For text in Node-RED's own secondary colour (notes, descriptions, a row's type), which the
 * dialogs take as the theme gives it: Node-RED 4's is #888 on white, 3.5.
 */
const SECONDARY = 3;

/** The contrast of every visible element matching `selector` with what is behind it (the lowest). */
function contrastOf(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel: string) => {
    type Rgba = [number, number, number, number];
    const parse = (text: string): Rgba => {
      const n = (text.match(/[\d.]+/g) || []).map(Number);
      return [n[0], n[1], n[2], n.length > 3 ? n[3] : 1];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => [
      top[0] * top[3] + bottom[0] * (1 - top[3]),
      top[1] * top[3] + bottom[1] * (1 - top[3]),
      top[2] * top[3] + bottom[2] * (1 - top[3]),
      1,
    ];
    /** What is painted behind an element: its and its ancestors' backgrounds, composed. */
    const behind = (el: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let at: Element | null = el; at; at = at.parentElement) {
        const layer = parse(getComputedStyle(at).backgroundColor);
        if (layer[3] > 0) layers.push(layer);
        if (layer[3] === 1) break;
      }
      return layers.reduceRight((below: Rgba, layer) => over(layer, below), [255, 255, 255, 1] as Rgba);
    };
    const luminance = ([r, g, b]: Rgba) => {
      const channel = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const visible = ([...document.querySelectorAll(sel)] as Element[]).filter(
      (el) => el.getClientRects().length > 0 && el.textContent.trim(),
    );
    if (!visible.length) throw new Error(`nothing visible matches ${sel}`);
    return Math.min(
      ...visible.map((el) => {
        const back = behind(el);
        const text = over(parse(getComputedStyle(el).color), back);
        const [light, dark] = [luminance(text), luminance(back)].sort((a, b) => b - a);
        return (light + 0.05) / (dark + 0.05);
      }),
    );
  }, selector);
}

describe("the dialogs' colours in Node-RED's light and dark themes", function () {
  this.timeout(180_000);
  const session = useEditor();

  /** The editor in the theme a user chose (a choice Node-RED 4 does not offer: it then stays light). */
  const openIn = async (theme: 'light' | 'dark'): Promise<{ page: Page; dark: boolean }> => {
    const page = await session.openEditor();
    await page.evaluate((choice) => localStorage.setItem('view-dark-theme', choice), theme);
    await page.reload();
    await page.waitForFunction(
      () => typeof RED !== 'undefined' && RED.nodes?.node('demo-me-request') && RED.nodes.getType('ovh-request'),
      null,
      {
        timeout: 60_000,
      },
    );
    return { page, dark: await page.evaluate(() => document.documentElement.classList.contains('nr-theme-dark')) };
  };

  /** Every element checked, and the contrast it reached, so a failure names them all. */
  const measure = async (page: Page, selectors: Record<string, number>, seen: string[]) => {
    for (const [selector, least] of Object.entries(selectors)) {
      const contrast = await contrastOf(page, selector);
      seen.push(`${selector}: ${contrast.toFixed(2)} (at least ${least})`);
      if (contrast < least) seen.push(`  ^ too low`);
    }
  };

  const checkDialogs = async (page: Page) => {
    const seen: string[] = [];
    // The request dialog: suggestions, a deprecated and a beta operation, one the API does not know, its rows.
    await page.evaluate(() => RED.editor.edit(RED.nodes.node('demo-me-request')));
    await page.waitForSelector('#node-input-path', { state: 'visible' });
    await page.fill('#node-input-path', '');
    await page.type('#node-input-path', '/domain/data/ext', { delay: 20 });
    // The first search of a fresh user dir waits for the API's descriptions to load.
    await page.locator('.red-ui-autoComplete-container .ovh-status-DEPRECATED').first().waitFor({ timeout: 45_000 });
    await measure(
      page,
      {
        '.red-ui-autoComplete-container .ovh-method': READABLE,
        '.red-ui-autoComplete-container .ovh-suggestion-path': READABLE,
        '.red-ui-autoComplete-container .ovh-status': READABLE,
        '.red-ui-autoComplete-container .ovh-suggestion-description': SECONDARY,
      },
      seen,
    );
    await page.evaluate(() => $('.red-ui-autoComplete-container').remove());
    await page.fill('#node-input-path', '');
    await page.type('#node-input-path', '/domain/zone/{zoneName}/option/{name}/serv', { delay: 20 });
    await page.locator('.red-ui-autoComplete-container .ovh-status-BETA').first().waitFor({ timeout: 20_000 });
    await measure(page, { '.red-ui-autoComplete-container .ovh-status': READABLE }, seen);
    await page.evaluate(() => $('.red-ui-autoComplete-container').remove());
    await page.fill('#node-input-path', '/domain/data/extension');
    await page.dispatchEvent('#node-input-path', 'change');
    await page.waitForSelector('.ovh-deprecated', { timeout: 15_000 });
    await measure(
      page,
      {
        '.ovh-deprecated': READABLE,
        '.ovh-operation-description': READABLE,
        '.ovh-operation-facts dd': READABLE,
        '.ovh-operation-facts dt': SECONDARY,
      },
      seen,
    );
    await page.fill('#node-input-path', '/domain/zone/{zoneName}/option/{name}/serviceInfos');
    await page.dispatchEvent('#node-input-path', 'change');
    await page.waitForSelector('.ovh-beta', { timeout: 15_000 });
    await measure(
      page,
      { '.ovh-beta': READABLE, '.ovh-param-name': READABLE, '.ovh-param-required': READABLE, '.ovh-param-info': SECONDARY },
      seen,
    );
    await page.fill('#node-input-path', '/domain/zone/{zoneName}/recrod');
    await page.dispatchEvent('#node-input-path', 'change');
    await page.waitForSelector('.ovh-unknown', { timeout: 15_000 });
    await measure(page, { '.ovh-unknown': READABLE, '.ovh-param-place': SECONDARY }, seen);
    // Try refused before anything is sent: the reason, as an error.
    await page.evaluate(() => {
      const input = $('.ovh-param-row[data-name="zoneName"] .ovh-param-value');
      input.typedInput('type', 'msg');
      input.typedInput('value', 'zone');
    });
    await page.click('#ovh-request-try');
    await page.waitForSelector('#ovh-try-result[data-ok="false"]');
    await measure(page, { '#ovh-try-result': READABLE }, seen);
    await page.click('#node-dialog-cancel');
    await page.waitForSelector('#node-input-path', { state: 'detached' });

    // The watch dialog: a placeholder left in its path, then a list of ids and its hint.
    await page.evaluate(() => RED.editor.edit(RED.nodes.node('demo-watch')));
    await page.waitForSelector('#node-input-path', { state: 'visible' });
    await page.fill('#node-input-path', '/sms/{serviceName}/incoming');
    await page.dispatchEvent('#node-input-path', 'change');
    await page.waitForSelector('#ovh-watch-placeholder', { state: 'visible' });
    await measure(page, { '#ovh-watch-placeholder': READABLE, '.ovh-note': SECONDARY }, seen);
    await page.selectOption('#node-input-read', 'answer');
    await page.fill('#node-input-path', '/sms/sms-ab12345-1/incoming');
    await page.dispatchEvent('#node-input-path', 'change');
    await page.waitForSelector('.ovh-watch-hint', { timeout: 15_000 });
    await measure(page, { '.ovh-watch-hint': READABLE, '.ovh-watch-answer': SECONDARY }, seen);
    await page.click('#node-dialog-cancel');
    await page.waitForSelector('#node-input-path', { state: 'detached' });

    // The account dialog: a Check that passes, and a wizard without rules.
    await page.evaluate(() => RED.editor.editConfig('', 'ovh-credentials', 'demo-account'));
    await page.waitForSelector('#node-config-input-endpoint', { state: 'visible' });
    await page.click('#ovh-check');
    await page.waitForSelector('#ovh-check-result[data-status="valid"]', { timeout: 15_000 });
    await page.evaluate(() => $('#ovh-rules').editableList('empty'));
    await page.click('#ovh-request-token');
    await page.waitForSelector('#ovh-wizard-result.ovh-error');
    await measure(page, { '#ovh-check-result.ovh-ok': READABLE, '#ovh-wizard-result.ovh-error': READABLE }, seen);
    await page.click('#node-config-dialog-cancel');
    seen.filter((line) => line.includes('too low')).should.eql([], seen.join('\n'));
  };

  it('reads well in the light theme', async () => {
    const { page } = await openIn('light');
    try {
      await checkDialogs(page);
    } finally {
      await page.context().close();
    }
  });

  it('reads well in the dark theme (Node-RED 5)', async function () {
    const { page, dark } = await openIn('dark');
    try {
      if (!dark) {
        console.log('      (Node-RED 4 has no dark theme: checked on Node-RED 5, npm run test:node22)');
        this.skip();
      }
      await checkDialogs(page);
    } finally {
      await page.context().close();
    }
  });
});

/**
 * Finding an operation from everyday words, in a real browser: the request dialog ranks the
 * catalogue's answer, marks the words that matched, says when nothing matches, and the watch
 * dialog searches GET operations only.
 */
import should from 'should';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useEditor } from '../helpers/editor';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('finding an operation from everyday words', function () {
  this.timeout(180_000);
  const session = useEditor();

  const edit = async (page: Page, type: 'ovh-request' | 'ovh-watch') => {
    const id = await page.evaluate((nodeType) => {
      let found: { id: string } | undefined;
      RED.nodes.eachNode((node: { id: string; type: string }) => {
        if (!found && node.type === nodeType) found = node;
      });
      if (!found) throw new Error(`no ${nodeType} node in the demo flow`);
      RED.editor.edit(found);
      return found.id;
    }, type);
    await page.waitForSelector(type === 'ovh-request' ? '#node-input-path' : '#node-input-path', { state: 'visible' });
    return id;
  };

  /** Types words key by key and answers the suggestions shown once they settle. */
  const suggestionsFor = async (page: Page, words: string) => {
    await page.fill('#node-input-path', '');
    await page.type('#node-input-path', words, { delay: 15 });
    const first = page.locator('.red-ui-autoComplete-container .ovh-suggestion').first();
    await first.waitFor({ timeout: 45_000 });
    return page.locator('.red-ui-autoComplete-container .ovh-suggestion');
  };

  it('puts the operation an everyday request means first, marks its words, and sets it when picked', async () => {
    const page = await session.openEditor();
    try {
      await edit(page, 'ovh-request');
      const wanted = [
        { words: 'reboot my dedicated server', method: 'POST', path: '/dedicated/server/{serviceName}/reboot' },
        { words: 'add a dns record', method: 'POST', path: '/domain/zone/{zoneName}/record' },
        { words: 'list my bills', method: 'GET', path: '/me/bill' },
      ];
      for (const { words, method, path: wantedPath } of wanted) {
        const suggestions = await suggestionsFor(page, words);
        const first = suggestions.first();
        (await first.locator('.ovh-method').textContent())!.should.equal(method, words);
        (await first.locator('.ovh-suggestion-path').textContent())!.should.equal(wantedPath, words);
        // The words that matched are marked, as text.
        const marked = await first.locator('mark.ovh-match').allTextContents();
        marked.length.should.be.above(0, words);
        if (words.startsWith('reboot')) await page.screenshot({ path: path.join(session.screenshotDir, 'request-search.png') });
        await first.click();
        (await page.inputValue('#node-input-method')).should.equal(method);
        (await page.inputValue('#node-input-path')).should.equal(wantedPath);
      }
      // A word no operation has: said under the path, naming it, the other words still searched.
      await page.fill('#node-input-path', '');
      await page.type('#node-input-path', 'reboot zxqvbn', { delay: 15 });
      const note = page.locator('.ovh-search-note');
      await note.waitFor({ state: 'visible', timeout: 45_000 });
      (await note.textContent())!.should.match(/zxqvbn/);
      // Words nothing has at all: said so, with no suggestion.
      await page.fill('#node-input-path', '');
      await page.type('#node-input-path', 'qzxqvbnw', { delay: 15 });
      await page.locator('.ovh-search-note', { hasText: 'qzxqvbnw' }).waitFor({ timeout: 45_000 });
      (await page.locator('.red-ui-autoComplete-container .ovh-suggestion').count()).should.equal(0);
      // Typing a path works as before, and the note goes.
      await page.fill('#node-input-path', '');
      await page.type('#node-input-path', '/domain/zone/{zoneName}/re', { delay: 15 });
      await page
        .locator('.red-ui-autoComplete-container .ovh-suggestion', { hasText: '/domain/zone/{zoneName}/record' })
        .first()
        .waitFor();
      should(await note.isVisible()).be.false();
    } finally {
      await page.close();
    }
  });

  it('searches GET operations only in the watch dialog, with the same ranking', async () => {
    const page = await session.openEditor();
    try {
      await edit(page, 'ovh-watch');
      const suggestions = await suggestionsFor(page, 'dns records');
      const paths = await suggestions.locator('.ovh-suggestion-path').allTextContents();
      paths.should.containEql('/domain/zone/{zoneName}/record');
      // Only paths a GET reads: a POST-only path (the zone's refresh) is not offered.
      paths.should.not.containEql('/domain/zone/{zoneName}/refresh');
      (await suggestions.first().locator('mark.ovh-match').count()).should.be.above(0);
    } finally {
      await page.close();
    }
  });
});

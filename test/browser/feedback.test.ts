/**
 * What the editor shows of a flow that ran, in a real browser against the simulator: a task wait
 * ends with the time it took (not the status code of its last read), and an error reaches the
 * demo's Catch with the call it names.
 */
import 'should';
import { useEditor } from '../helpers/editor';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('what the editor shows of a flow that ran', function () {
  this.timeout(180_000);
  const session = useEditor();

  it('shows a task wait ending in done with its time, and an error with its call', async () => {
    const page = await session.openEditor();
    try {
      const statusOf = (id: string) => page.locator(`[id="${id}"] .red-ui-flow-node-status-label`);
      await page.click('[id="demo-reboot-inject"] .red-ui-flow-node-button');
      // The server's task has no percentage: the time waited, then how long it took.
      await statusOf('demo-reboot-request')
        .filter({ hasText: /^done \(\d+ s\)$/ })
        .waitFor({ timeout: 60_000 });

      await page.evaluate(() => RED.sidebar.show('debug'));
      await page.click('[id="demo-error-inject"] .red-ui-flow-node-button');
      // The error at the demo's Catch: its message names the call (msg.error.source naming the
      // node by its label is checked in test/nodes/ovh-request.test.ts).
      await page.locator('.red-ui-debug-msg', { hasText: 'OvhApiError: GET /domain/zone/' }).first().waitFor({ timeout: 30_000 });
      await statusOf('demo-error-request').filter({ hasText: /^404/ }).waitFor({ timeout: 10_000 });
    } finally {
      await page.close();
    }
  });
});

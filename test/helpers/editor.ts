/**
 * The editor in a real browser (Debian's Chromium through playwright-core) against a started
 * Node-RED with this package and the demo flow, for a describe block. Skipped, with a message,
 * where no Chromium is installed; never in CI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_APP, OvhSimulator, type SimulatorOptions } from '../simulator/simulator';
import { repoRoot } from './index';
import { chromiumAvailable, CHROMIUM, launchBrowser, newEditorContext } from './browser';
import { deploy, startNodeRed, type StartedNodeRed } from './node-red-process';
import { demoAccount, demoFlow, DEMO_ACCOUNT_ID } from '../playground/demo-flow';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface EditorSession {
  sim: OvhSimulator;
  nodeRed: StartedNodeRed;
  browser: Browser;
  /** The consumer key the demo account was deployed with. */
  consumerKey: string;
  /** Where screenshots go: docs/images when UPDATE_SCREENSHOTS=1 (for the README), else a temp dir. */
  screenshotDir: string;
  /** A new page with the editor loaded: the flow, the palette and our node types. */
  openEditor(locale?: string): Promise<Page>;
}

/**
 * Starts the simulator (with these options: `fullDescription` serves the whole API's
 * description), Node-RED (these variables added to its environment) with the demo flow and
 * Chromium before the block; stops them after.
 */
export function useEditor(
  simulator: SimulatorOptions = {},
  nodeRedEnv: (sim: OvhSimulator) => Record<string, string> = () => ({}),
): EditorSession {
  const session = {
    screenshotDir:
      process.env.UPDATE_SCREENSHOTS === '1'
        ? path.join(repoRoot, 'docs', 'images')
        : fs.mkdtempSync(path.join(os.tmpdir(), 'ovh-shots-')),
  } as EditorSession;
  let closeBrowser: (() => Promise<void>) | undefined;
  before(async function () {
    this.timeout(120_000);
    if (!chromiumAvailable()) {
      if (process.env.CI) throw new Error(`No Chromium at ${CHROMIUM}: .ci/run must install Debian's chromium`);
      console.log(`      (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium to run the editor tests)`);
      this.skip();
    }
    session.sim = await OvhSimulator.start(simulator);
    session.consumerKey = session.sim.addConsumerKey();
    session.nodeRed = await startNodeRed({ env: nodeRedEnv(session.sim) });
    await deploy(session.nodeRed, demoFlow(demoAccount({ simulatorUrl: session.sim.url })), {
      [DEMO_ACCOUNT_ID]: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey: session.consumerKey },
    });
    let browser: Browser;
    ({ browser, close: closeBrowser } = await launchBrowser());
    session.browser = browser;
    fs.mkdirSync(session.screenshotDir, { recursive: true });
  });
  after(async () => {
    await closeBrowser?.();
    await session.nodeRed?.stop();
    await session.sim?.close();
    if (process.env.UPDATE_SCREENSHOTS !== '1') fs.rmSync(session.screenshotDir, { recursive: true, force: true });
  });
  session.openEditor = async (locale = 'en-US') => {
    const context = await newEditorContext(session.browser, locale);
    const page = await context.newPage();
    // A script error in the editor shows in the test's output.
    page.on('pageerror', (err) => console.error(`      editor error: ${err.message}`));
    await page.goto(session.nodeRed.url);
    // The flow and the palette load separately: wait for both, and for our node types.
    await page.waitForFunction(
      () =>
        typeof RED !== 'undefined' &&
        RED.nodes?.node('demo-me-request') &&
        RED.nodes.getType('ovh-request') &&
        RED.nodes.getType('ovh-credentials') &&
        document.querySelector('.red-ui-palette-node[data-palette-type="ovh-request"]'),
      null,
      { timeout: 60_000 },
    );
    return page;
  };
  return session;
}

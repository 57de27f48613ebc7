/**
 * The account dialog's IAM part in a real browser, against the simulator (which applies IAM
 * policies to OAuth2 service accounts): a flow whose call IAM refuses, the actions it needs, a
 * resource chosen, the policy created through the consumer-key account once confirmed, Check
 * saying all is allowed, and the flow's call then answered.
 */
import 'should';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DEFAULT_APP, type OvhSimulator } from '../simulator/simulator';
import { useEditor } from '../helpers/editor';
import { deploy, inject, type StartedNodeRed } from '../helpers/node-red-process';
import { demoAccount, demoFlow, DEMO_ACCOUNT_ID } from '../playground/demo-flow';

declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROBOT = 'iam-robot';
const CLIENT_ID = 'flows-robot';
const SECRET = 'robotSecret00000000000000000077';
const ZONE = 'urn:v1:eu:resource:dnsZone:example.com';
const RECORDS = '/1.0/domain/zone/example.com/record';
/** A node name that would be markup if the dialog took it as HTML. */
const HOSTILE_NAME = 'zone <b>records</b>';

describe('the IAM policy of an OAuth2 account in the account dialog (real browser)', function () {
  this.timeout(180_000);
  const session = useEditor();
  let sim: OvhSimulator;
  let nodeRed: StartedNodeRed;
  let identity: string;

  before(async () => {
    ({ sim, nodeRed } = session);
    identity = sim.addServiceAccount(CLIENT_ID, SECRET);
    const at = { z: 'iam-tab', y: 100 };
    await deploy(
      nodeRed,
      [
        ...demoFlow(demoAccount({ simulatorUrl: sim.url })),
        {
          id: ROBOT,
          type: 'ovh-credentials',
          name: 'flows robot',
          endpoint: 'custom',
          url: sim.baseUrl,
          tokenUrl: sim.tokenUrl,
          authType: 'oauth2',
          credentialsFrom: 'node',
          timeout: 30,
        },
        { id: 'iam-tab', type: 'tab', label: 'IAM' },
        { id: 'iam-inject', ...at, x: 100, type: 'inject', wires: [['iam-records']] },
        {
          id: 'iam-records',
          ...at,
          x: 300,
          type: 'ovh-request',
          name: 'DNS records',
          account: ROBOT,
          method: 'GET',
          path: '/domain/zone/example.com/record',
          wires: [[]],
        },
      ],
      {
        [DEMO_ACCOUNT_ID]: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey: session.consumerKey },
        [ROBOT]: { clientId: CLIENT_ID, clientSecret: SECRET },
      },
    );
  });

  /** Presses the inject and waits for the flow's call to reach the simulator: its status. */
  const flowCallStatus = async (): Promise<number | undefined> => {
    const before = sim.count({ path: RECORDS });
    await inject(nodeRed, 'iam-inject');
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const calls = sim.received({ path: RECORDS });
      if (calls.length > before && calls.at(-1)!.status !== undefined) return calls.at(-1)!.status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the flow made no call');
  };
  const openRobotDialog = async (page: Page) => {
    await page.evaluate((id) => RED.editor.editConfig('', 'ovh-credentials', id), ROBOT);
    await page.waitForSelector('#ovh-iam-actions', { state: 'visible' });
  };
  const check = async (page: Page) => {
    await page.click('#ovh-check');
    await page.waitForSelector('#ovh-check-result[data-status="valid"]', { timeout: 15_000 });
    const box = await page.waitForSelector('.ovh-iam-check[data-allowed]', { timeout: 15_000 });
    return { allowed: await box.getAttribute('data-allowed'), text: (await box.textContent())! };
  };

  it('takes a call refused by IAM to a policy made from the flows, created once confirmed; then Check and the call agree', async () => {
    (await flowCallStatus())!.should.equal(403);
    const page = await session.openEditor();
    try {
      await openRobotDialog(page);
      // An OAuth2 account: no consumer-key wizard, the IAM part instead.
      (await page.isVisible('#ovh-flow-rules')).should.be.false();

      // Check names what IAM refuses, and who needs it.
      const before = await check(page);
      before.allowed!.should.equal('false');
      before.text.should.equal(`Not allowed by IAM: dnsZone:apiovh:record/get on ${ZONE} (needed by DNS records).`);

      await page.click('#ovh-iam-actions');
      await page.waitForSelector('.ovh-iam-actions-list li', { timeout: 15_000 });
      (await page.$$eval('.ovh-iam-actions-list li', (items) => items.map((li) => li.textContent))).should.eql([
        'dnsZone:apiovh:record/get needed by DNS records',
      ]);

      // The consumer-key account deployed is offered to create it through; the name is the client's.
      await page.waitForSelector(`input.ovh-iam-resource[value="${ZONE}"]`, { timeout: 15_000 });
      (await page.$$eval('#ovh-iam-through option', (options) => options.map((o) => o.getAttribute('value')))).should.eql([
        DEMO_ACCOUNT_ID,
      ]);
      (await page.inputValue('#ovh-iam-name')).should.equal(`node-red-${CLIENT_ID}`);
      (await page.isDisabled('#ovh-iam-create')).should.be.true();

      await page.check(`input.ovh-iam-resource[value="${ZONE}"]`);
      const preview = await page.waitForSelector('.ovh-iam-policy-json', { timeout: 15_000 });
      JSON.parse((await preview.textContent())!).should.eql({
        name: `node-red-${CLIENT_ID}`,
        description: 'The IAM actions the Node-RED flows using this service account need',
        identities: [identity],
        resources: [{ urn: ZONE }],
        permissions: { allow: [{ action: 'dnsZone:apiovh:record/get' }] },
      });
      await page.screenshot({ path: path.join(session.screenshotDir, 'credentials-iam-policy.png') });

      // Create asks first, naming the account it acts through; nothing is created before.
      await page.click('#ovh-iam-create');
      const question = await page.waitForSelector('.ovh-iam-confirm', { timeout: 10_000 });
      (await question.textContent())!.should.equal(
        `Create, with the account OVHcloud API simulator, a policy allowing the service account ${identity} 1 IAM actions on 1 resources?`,
      );
      sim.count({ method: 'POST', path: '/v2/iam/policy' }).should.equal(0);
      await page.click('.ovh-iam-confirm-create');
      await page.waitForSelector('#ovh-iam-create-result[data-created]', { timeout: 15_000 });
      (await page.textContent('#ovh-iam-create-result'))!.should.match(new RegExp(`^Policy node-red-${CLIENT_ID} created`));
      const sent = sim.received({ method: 'POST', path: '/v2/iam/policy' });
      sent.should.have.length(1);
      sent[0].headers['x-ovh-consumer']!.should.equal(session.consumerKey); // through the consumer-key account
      sim.data.policies.filter((p) => p.identities.includes(identity)).should.have.length(1);

      const after = await check(page);
      after.should.eql({
        allowed: 'true',
        text: 'IAM allows the service account every action the flows need on the resources checked.',
      });
      await page.click('#node-config-dialog-cancel');
    } finally {
      await page.context().close();
    }
    (await flowCallStatus())!.should.equal(200);
  });

  it("shows the flows' and the API's names as text, and says why when the API cannot list the resources", async () => {
    // A resource whose name is markup (a zone of the account, as GET /v2/iam/resource lists it).
    const hostileZone = '<b>zone</b>.example';
    sim.data.zones[hostileZone] = { ...sim.data.zones['example.com'] };
    const page = await session.openEditor();
    try {
      // Renamed in the editor only: the dialog reads the flows as they are being edited.
      await page.evaluate((name) => (RED.nodes.node('iam-records').name = name), HOSTILE_NAME);
      await openRobotDialog(page);
      await page.click('#ovh-iam-actions');
      await page.waitForSelector('.ovh-iam-actions-list li', { timeout: 15_000 });
      (await page.textContent('.ovh-iam-actions-list li'))!.should.equal(`dnsZone:apiovh:record/get needed by ${HOSTILE_NAME}`);
      await page.waitForSelector('#ovh-iam-resources label', { timeout: 15_000 });
      (await page.$$eval('#ovh-iam-resources label', (rows) => rows.map((r) => r.textContent!.trim()))).should.containEql(
        `${hostileZone} (dnsZone)`,
      );
      (await page.$$('.ovh-iam b')).should.have.length(0);

      sim.injectFault({ kind: 'status', method: 'GET', path: '/v2/iam/resource', status: 500, count: 1 });
      await page.click('#ovh-iam-actions');
      const failure = await page.waitForSelector('#ovh-iam-resources.ovh-error', { timeout: 15_000 });
      (await failure.textContent())!.should.match(/^The IAM question failed: .+/);
      await page.click('#node-config-dialog-cancel');
    } finally {
      delete sim.data.zones[hostileZone];
      await page.context().close();
    }
  });
});

/**
 * A consumer key that expires, as a user reads it in a started Node-RED, in English and French
 * (the test helper shows message keys, not their words): the status under a week before the
 * expiry, the day's warning, and the error of a call refused after it, each with its date.
 */
import 'should';
import type { OvhSimulator } from '../simulator/simulator';
import { startSimulator } from '../helpers';
import { deploy, inject, startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import { accountNode, signatureCredentials } from '../helpers/node-red';

describe('an expiring consumer key in a started Node-RED', function () {
  this.timeout(120_000);
  let sim: OvhSimulator;
  let nodeRed: StartedNodeRed | undefined;
  before(async () => {
    sim = await startSimulator();
  });
  afterEach(() => nodeRed?.stop());
  after(() => sim.close());

  const flow = () => {
    const at = (y: number) => ({ z: 'flow', x: 200, y });
    return [
      { id: 'flow', type: 'tab', label: 'expiry' },
      accountNode(sim),
      { id: 'go', type: 'inject', ...at(40), wires: [['req']] },
      { id: 'req', type: 'ovh-request', ...at(80), account: 'acc', method: 'GET', path: '/me', wires: [[]] },
      { id: 'statuses', type: 'status', ...at(120), scope: ['req'], wires: [['log']] },
      { id: 'log', type: 'debug', ...at(160), active: true, tosidebar: false, console: true, complete: 'status.text' },
      { id: 'catch', type: 'catch', ...at(200), scope: null, uncaught: false, wires: [['errors']] },
      { id: 'errors', type: 'debug', ...at(240), active: true, tosidebar: false, console: true, complete: 'error.message' },
    ];
  };

  const waitFor = async (nr: StartedNodeRed, texts: RegExp[]) => {
    const output = () => nr.output.join('');
    const deadline = Date.now() + 30_000;
    while (texts.some((text) => !text.test(output()))) {
      if (Date.now() > deadline) {
        throw new Error(`missing ${texts.filter((t) => !t.test(output())).join(', ')} in:\n${output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const date = (iso: string) => iso.slice(0, 16).replace('T', ' ') + ' UTC';
  const WORDS = {
    'en-US': {
      status: (d: string) => new RegExp(`200 · key expires in 2 d \\(${d}\\)`),
      warn: (d: string) => new RegExp(`This account's consumer key expires on ${d}: request a new one`),
      expired: (d: string) =>
        new RegExp(
          `GET /me failed: 403 INVALID_CREDENTIAL: this consumer key expired on ${d}: request a new one in the account's dialog`,
        ),
    },
    fr: {
      status: (d: string) => new RegExp(`200 · clé expire dans 2 j \\(${d}\\)`),
      warn: (d: string) => new RegExp(`La clé consommateur de ce compte expire le ${d} : demandez-en une nouvelle`),
      expired: (d: string) =>
        new RegExp(`GET /me failed: 403 INVALID_CREDENTIAL: cette clé consommateur a expiré le ${d} : demandez-en une nouvelle`),
    },
  };

  for (const lang of ['en-US', 'fr'] as const) {
    it(`says when the key expires, and that it expired, in ${lang}`, async () => {
      // Two days and an hour: under a week away.
      const soon = sim.addConsumerKey(undefined, { expiresInMs: 2 * 86_400_000 + 3_600_000 });
      nodeRed = await startNodeRed({ settings: { lang } });
      await deploy(nodeRed, flow(), signatureCredentials(sim, soon));
      await inject(nodeRed, 'go');
      const d = date(sim.consumerKeys.get(soon)!.expiration!);
      // The first call starts the key's read; the next one shows what it said.
      await waitFor(nodeRed, [WORDS[lang].warn(d)]);
      await inject(nodeRed, 'go');
      await waitFor(nodeRed, [WORDS[lang].status(d)]);

      // A key that expires within a second and a half: read while valid, then refused.
      const brief = sim.addConsumerKey(undefined, { expiresInMs: 1500 });
      await deploy(nodeRed, flow(), signatureCredentials(sim, brief));
      await inject(nodeRed, 'go');
      const expiration = sim.consumerKeys.get(brief)!.expiration!;
      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(expiration) - Date.now()) + 300));
      await inject(nodeRed, 'go');
      await waitFor(nodeRed, [WORDS[lang].expired(date(expiration))]);
    });
  }
});

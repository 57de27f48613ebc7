/**
 * ovh-watch's messages as a user reads them, in English and in French: errors, warnings and
 * statuses in a started Node-RED, where each node file reads only its own message catalogue
 * (the test helper shows keys as they are, so it cannot tell a key that resolves from one that
 * does not). No message may reach the log as a raw key.
 */
import path from 'node:path';
import 'should';
import { OvhSimulator } from '../simulator/simulator';
import { startSimulator } from '../helpers';
import { deploy, startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import { watchEvery } from '../helpers/runtime';
import { accountNode, signatureCredentials } from '../helpers/node-red';

/** A message key of ours left as it is: `ovh-watch.errors.not-a-list`. */
const RAW_KEY = /ovh-(?:watch|request|credentials)\.[a-z-]+\.[a-z-]+/g;

const EXPECTED: Record<'en-US' | 'fr', string[]> = {
  'en-US': [
    'checked ',
    ' new',
    'Read as objects needs a /1.0 list of ids, but /me did not answer a list',
    'The context store (silent) did not answer within 100 ms',
    'the context store did not answer',
    'Write the value of {zoneName} into the path',
    'No path to watch',
    'No OVHcloud account',
    'Every 1.5 seconds is not a whole number of seconds',
  ],
  fr: [
    'vérifié à ',
    ' nouveaux',
    "Lire comme objets demande une liste d'identifiants /1.0, mais /me n'a pas répondu une liste",
    "Le stockage de contexte (silent) n'a pas répondu en 100 ms",
    "le stockage de contexte n'a pas répondu",
    'Écrivez la valeur de {zoneName} dans le chemin',
    'Aucun chemin à surveiller',
    'Aucun compte OVHcloud',
    'Toutes les 1.5 secondes n’est pas un nombre entier de secondes',
  ],
};

describe('ovh-watch messages in a started Node-RED', function () {
  this.timeout(120_000);
  let sim: OvhSimulator;
  let nodeRed: StartedNodeRed | undefined;
  before(async () => {
    sim = await startSimulator();
  });
  after(async () => {
    await nodeRed?.stop();
    await sim.close();
  });

  const at = (y: number) => ({ z: 'flow', x: 200, y });
  const watch = (id: string, y: number, extra: Record<string, unknown>) => ({
    id,
    type: 'ovh-watch',
    ...at(y),
    account: 'acc',
    path: '/me',
    wires: [[]],
    ...extra,
  });
  const flow = () => [
    { id: 'flow', type: 'tab', label: 'messages' },
    accountNode(sim),
    // Each of these says something: a status, an error at each check, or a refusal at deploy.
    watch('w-list', 40, { path: '/domain/zone/example.com/record', sendFirst: true }),
    watch('w-objects', 80, { read: 'objects' }),
    watch('w-silent', 120, { store: 'silent' }),
    watch('w-placeholder', 160, { path: '/domain/zone/{zoneName}/record' }),
    watch('w-no-path', 200, { path: '' }),
    watch('w-no-account', 240, { account: '' }),
    watch('w-interval', 280, { interval: '1.5' }),
    // Every status, written to the log.
    { id: 'statuses', type: 'status', ...at(320), scope: null, wires: [['log']] },
    { id: 'log', type: 'debug', ...at(360), active: true, tosidebar: false, console: true, complete: 'status.text' },
  ];

  for (const lang of ['en-US', 'fr'] as const) {
    it(`shows every message as text in ${lang}, none as a raw key`, async () => {
      await nodeRed?.stop();
      const stores = JSON.stringify(path.join(__dirname, '..', 'helpers', 'context-stores.js'));
      nodeRed = await startNodeRed({
        settings: { lang, ...watchEvery(100) },
        settingsCode: `module.exports.contextStorage = { default: { module: 'memory' }, silent: { module: require(${stores}).silentStore } };`,
      });
      await deploy(nodeRed, flow(), signatureCredentials(sim));
      const output = () => nodeRed!.output.join('');
      const deadline = Date.now() + 30_000;
      while (EXPECTED[lang].some((text) => !output().includes(text))) {
        if (Date.now() > deadline) {
          const missing = EXPECTED[lang].filter((text) => !output().includes(text));
          throw new Error(`missing ${JSON.stringify(missing)} in:\n${output()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      [...output().matchAll(RAW_KEY)].map((m) => m[0]).should.eql([]);
    });
  }
});

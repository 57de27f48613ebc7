/**
 * The simulator's own control (the playground's "simulate an incoming SMS"): plain HTTP under
 * /_simulator/, apart from the API, whose rules it leaves as they are.
 */
import 'should';
import type { OvhApiError, OvhClient } from '../../nodes/client';
import { clientFor, rejection, startSimulator } from '../helpers';
import type { IncomingSms } from './data';
import { CONTROL_PREFIX, incomingSmsControlPath, type OvhSimulator } from './simulator';

describe('simulator control', function () {
  let sim: OvhSimulator;
  let client: OvhClient;
  const sms = 'sms-ab12345-1';

  before(async () => {
    sim = await startSimulator();
    client = clientFor(sim);
  });
  after(async () => {
    await client.close();
    await sim.close();
  });
  beforeEach(() => sim.resetCounters());

  /** An unsigned POST, as the playground's http request node makes it. */
  const post = async (path: string, body: string) => {
    const res = await fetch(sim.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const incoming = async () => {
    const ids = await client.get<number[]>('/sms/{serviceName}/incoming', { params: { serviceName: sms } });
    return Promise.all(
      ids.map((id) =>
        client.get<IncomingSms>('/sms/{serviceName}/incoming/{id}', { params: { serviceName: sms, id: String(id) } }),
      ),
    );
  };

  it('makes an SMS service receive an SMS, listed by the API from then on', async () => {
    const before = (await incoming()).length;
    const answer = await post(incomingSmsControlPath(sms), JSON.stringify({ sender: '+33611223344', message: 'Is it up?' }));
    answer.status.should.equal(201);
    answer.body.should.match({ sender: '+33611223344', message: 'Is it up?' });
    const listed = await incoming();
    listed.length.should.equal(before + 1);
    listed.at(-1)!.should.match({ id: answer.body.id, sender: '+33611223344', message: 'Is it up?' });
  });

  it('is no API call: not recorded, never faulted, and refuses what it cannot do', async () => {
    sim.injectFault({ kind: 'status', status: 500, path: '/' });
    (await post(incomingSmsControlPath(sms), JSON.stringify({ message: 'no sender' }))).status.should.equal(201);
    sim.count().should.equal(0);
    (await post(incomingSmsControlPath('sms-nobody-1'), JSON.stringify({ message: 'x' }))).status.should.equal(404);
    (await post(incomingSmsControlPath(sms), 'not json')).status.should.equal(400);
    (await post(incomingSmsControlPath(sms), JSON.stringify({ message: 42 }))).status.should.equal(400);
    (await post(incomingSmsControlPath(sms), JSON.stringify({ message: 'x'.repeat(1601) }))).status.should.equal(400);
    (await post(`${CONTROL_PREFIX}servers/reboot`, '{}')).status.should.equal(404);
    const get = await fetch(sim.url + incomingSmsControlPath(sms));
    get.status.should.equal(404);
    await get.body?.cancel();
  });

  it("leaves the API's rules as they are: the same path under /1.0 is an unsigned call, refused", async () => {
    const res = await fetch(`${sim.baseUrl}${incomingSmsControlPath(sms)}`, { method: 'POST', body: '{"message":"x"}' });
    res.status.should.equal(401);
    await res.body?.cancel();
    const signed = (await rejection(client.post(incomingSmsControlPath(sms), { message: 'x' }))) as unknown as OvhApiError;
    signed.statusCode.should.equal(404);
    (await incoming()).some((m) => m.message === 'x').should.be.false();
  });
});

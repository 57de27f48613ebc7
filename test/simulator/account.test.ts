/**
 * The simulator's made-up account as flows will read it, over real HTTP with the project's
 * client: bills by date, received SMS, a server's state, a Public Cloud instance rebooting, an SMS
 * receiver list being cleaned. The fields checked are the real API's (test/fixtures/ovh-api-schemas).
 */
import 'should';
import type { OvhApiError, OvhClient } from '../../nodes/client';
import { clientFor, rejection, startSimulator } from '../helpers';
import { CLOUD_INSTANCE, CLOUD_PROJECT, type Bill, type IncomingSms } from './data';
import type { OvhSimulator } from './simulator';

describe('simulator account', function () {
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

  const bills = (query: Record<string, string> = {}) => client.get<string[]>('/me/bill', { query });
  const bill = (id: string) => client.get<Bill>('/me/bill/{billId}', { params: { billId: id } });
  const utc = (ms: number) => new Date(ms).toISOString();
  /** The status code of a call that must fail. */
  const refused = async (call: Promise<unknown>) => ((await rejection(call)) as unknown as OvhApiError).statusCode;

  describe('bills', () => {
    it('lists fourteen bill ids, three this month, the rest this year and the year before', async () => {
      const ids = await bills();
      ids.should.have.length(14);
      ids.forEach((id) => id.should.match(/^FR\d{8}$/));
      const now = new Date();
      const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
      (await bills({ 'date.from': utc(monthStart) })).should.have.length(3);
      const yearStart = Date.UTC(now.getUTCFullYear(), 0, 1);
      const thisYear = await bills({ 'date.from': utc(yearStart) });
      thisYear.should.have.length(3 + Math.min(now.getUTCMonth(), 5));
      const lastYear = await bills({ 'date.from': `${now.getUTCFullYear() - 1}-01-01`, 'date.to': utc(yearStart - 1000) });
      lastYear.length.should.equal(14 - thisYear.length);
      for (const id of lastYear) new Date((await bill(id)).date).getUTCFullYear().should.equal(now.getUTCFullYear() - 1);
    });

    it('includes both ends of a date filter, and refuses one that is not a date', async () => {
      const [first] = await bills();
      const { date } = await bill(first);
      (await bills({ 'date.from': date, 'date.to': date })).should.eql([first]);
      const err = (await rejection(bills({ 'date.from': 'last month' }))) as unknown as OvhApiError;
      err.statusCode.should.equal(400);
      err.message.should.match(/date\.from.*not valid for type datetime/);
    });

    it('answers a billing.Bill whose prices add up, in euros', async () => {
      const [id] = await bills();
      const answer = await bill(id);
      answer.should.have.properties(['billId', 'category', 'date', 'orderId', 'password', 'pdfUrl', 'url', 'tax']);
      answer.billId.should.equal(id);
      answer.date.should.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      answer.priceWithTax.should.match({ currencyCode: 'EUR', text: /^\d+\.\d\d €$/ });
      Math.round(answer.priceWithoutTax.value * 100 + answer.tax.value * 100).should.equal(
        Math.round(answer.priceWithTax.value * 100),
      );
      answer.priceWithTax.priceInUcents.should.equal(Math.round(answer.priceWithTax.value * 100) * 1_000_000);
      (await refused(bill('FR00000000'))).should.equal(404);
    });

    it("lists a bill added now among this month's, as whole objects when asked for object pages", async () => {
      const added = sim.addBill({ value: 12 });
      added.priceWithTax.should.match({ value: 12, text: '12.00 €' });
      added.priceWithoutTax.value.should.equal(10);
      (await bill(added.billId)).should.eql(added);
      const now = new Date();
      const monthStart = utc(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      (await bills({ 'date.from': monthStart })).should.containEql(added.billId);
      const page = await client.get<Bill[]>('/me/bill', {
        query: { 'date.from': monthStart },
        headers: { 'X-Pagination-Mode': 'CachedObjectList-Pages' },
      });
      page.map((b) => b.billId).should.containEql(added.billId);
      page.every((b) => b.date >= monthStart).should.be.true();
    });
  });

  describe('incoming SMS', () => {
    const incoming = (query: Record<string, string> = {}) =>
      client.get<number[]>('/sms/{serviceName}/incoming', { params: { serviceName: sms }, query });
    const one = (id: number) => client.get<IncomingSms>('/sms/{serviceName}/incoming/{id}', { params: { serviceName: sms, id } });

    it('lists two old messages, then one received now, alone since a minute ago', async () => {
      const old = await incoming();
      old.should.eql([7001, 7002]);
      const since = utc(Date.now() - 60_000);
      const received = sim.receiveSms(sms, { sender: '+33611223344', message: 'Server down?' });
      (await incoming()).should.eql([...old, received.id]);
      (await incoming({ 'creationDatetime.from': since })).should.eql([received.id]);
      (await incoming({ sender: '+33611223344' })).should.eql([received.id]);
      (await one(received.id)).should.eql({
        id: received.id,
        creationDatetime: received.creationDatetime,
        sender: '+33611223344',
        message: 'Server down?',
        credits: 0,
        tag: '',
      });
    });

    it('forgets a message deleted', async () => {
      const { id } = sim.receiveSms(sms, { sender: '+33611223344', message: 'read me once' });
      await client.delete('/sms/{serviceName}/incoming/{id}', { params: { serviceName: sms, id } });
      (await incoming()).should.not.containEql(id);
      (await refused(one(id))).should.equal(404);
      (() => sim.receiveSms('sms-none', { sender: '+33611223344', message: 'x' })).should.throw(/no SMS service/);
    });
  });

  it("answers a dedicated server's state as set, and ok again after a reset", async () => {
    const name = Object.keys(sim.data.servers)[0];
    const state = () => client.get<{ state: string }>('/dedicated/server/{serviceName}', { params: { serviceName: name } });
    sim.setServerState(name, 'error');
    (await state()).state.should.equal('error');
    sim.resetCounters();
    (await state()).state.should.equal('ok');
  });

  it('moves a rebooted Public Cloud instance from REBOOT to ACTIVE, read after read', async () => {
    const params = { serviceName: CLOUD_PROJECT, instanceId: CLOUD_INSTANCE };
    const status = async () =>
      (await client.get<{ status: string }>('/cloud/project/{serviceName}/instance/{instanceId}', { params })).status;
    (await status()).should.equal('ACTIVE');
    const path = '/cloud/project/{serviceName}/instance/{instanceId}/reboot';
    await client.post(path, { type: 'soft' }, { params });
    const seen = [await status(), await status(), await status(), await status()];
    seen.should.eql(['REBOOT', 'REBOOT', 'ACTIVE', 'ACTIVE']);
    await client.post(path, { type: 'hard' }, { params });
    (await status()).should.equal('HARD_REBOOT');
    (await refused(client.post(path, { type: 'gentle' }, { params }))).should.equal(400);
  });

  it('cleans an SMS receiver list through a task read until done, the report naming it', async () => {
    const params = { serviceName: sms, slotId: 1 };
    const path = '/sms/{serviceName}/receivers/{slotId}/clean';
    (await client.post<object>(path, { freemium: false, priceOnly: true }, { params })).should.eql({ totalCreditsRemoved: 3 });
    const report = await client.post<{ taskId: number; totalCreditsRemoved: number }>(
      path,
      { freemium: true, priceOnly: false },
      { params },
    );
    report.totalCreditsRemoved.should.equal(0);
    (await client.get<number[]>('/sms/{serviceName}/task', { params: { serviceName: sms } })).should.eql([report.taskId]);
    const read = () =>
      client.get<object>('/sms/{serviceName}/task/{taskId}', { params: { serviceName: sms, taskId: report.taskId } });
    (await read()).should.match({ taskId: report.taskId, function: 'cleanSmsReceivers', status: 'doing', step: 'waitForHlrs' });
    (await read()).should.match({ status: 'done', step: 'finishing' });
  });

  it('routes a failover IP moved to a server there, and refuses a server the account does not have', async () => {
    const block = sim.data.ips['192.0.2.0/24'];
    const routedTo = block.routedTo;
    const move = (to: string) => client.post<{ status: string }>('/ip/{ip}/move', { to }, { params: { ip: '192.0.2.0/24' } });
    try {
      (await move('ns3000002.ip-203-0-113.eu')).should.match({ action: 'genericMoveFloatingIp' });
      (await client.get<object>('/ip/{ip}', { params: { ip: '192.0.2.0/24' } })).should.match({
        routedTo: { serviceName: 'ns3000002.ip-203-0-113.eu' },
      });
      (await refused(move('ns9.example.net'))).should.equal(400);
      block.should.match({ routedTo: { serviceName: 'ns3000002.ip-203-0-113.eu' } });
    } finally {
      block.routedTo = routedTo;
    }
  });
});

/**
 * "Rules for my flows" as the account dialog gathers them (editor/flow-calls.ts), and the older
 * forms of a request node's settings read as the runtime reads them (migrateRequestConfig).
 */
import 'should';
import { gatherCalls, type FlowNode } from '../../../editor/flow-calls';
import { migrateRequestConfig, readSettings } from '../../../nodes/calls/settings';

describe('editor: the calls of the flows using an account', () => {
  const label = (n: FlowNode) => `label of ${n.id}`;

  it('gathers the request and watch nodes of this account only, named by their name or label', () => {
    const nodes: FlowNode[] = [
      {
        id: 'r1',
        type: 'ovh-request',
        account: 'acc',
        method: 'POST',
        path: '/sms/{serviceName}/jobs',
        mode: 'single',
        name: 'send',
      },
      { id: 'r2', type: 'ovh-request', account: 'other', method: 'GET', path: '/me' },
      { id: 'w1', type: 'ovh-watch', account: 'acc', path: '/sms/sms-ab12345-1/incoming', read: 'objects' },
      { id: 'w2', type: 'ovh-watch', account: 'acc', path: '' },
      { id: 'f1', type: 'function', account: 'acc', path: '/me' },
      { id: 'r3', type: 'ovh-request', account: 'acc', method: 'msg', path: '/me' },
      { id: 'r4', type: 'ovh-request', account: 'acc', path: '' },
    ];
    gatherCalls(nodes, 'acc', label).should.eql({
      calls: [
        { method: 'POST', path: '/sms/{serviceName}/jobs', mode: 'single', wait: 'none', by: 'send' },
        { method: 'GET', path: '/sms/sms-ab12345-1/incoming', mode: 'expand', by: 'label of w1' },
      ],
      unknown: ['label of r3', 'label of r4'],
    });
  });

  it('gathers the task a node waits on as the runtime reads it, its first form (waitTask) included', () => {
    const call = (extra: Partial<FlowNode>) =>
      gatherCalls([{ id: 'r', type: 'ovh-request', account: 'acc', method: 'POST', path: '/x', ...extra }], 'acc', label).calls[0]
        .wait!;
    call({ waitTask: true }).should.equal('task');
    call({ waitTask: true, wait: 'none' }).should.equal('task'); // saved by a dialog that did not clear it
    call({ waitTask: true, wait: 'until' }).should.equal('until');
    call({ wait: 'task' }).should.equal('task');
    call({}).should.equal('none');
    call({ waitTask: true, mode: 'pages' }).should.equal('none'); // pages and expand never wait
  });
});

describe('migrateRequestConfig: a request node saved by any version of its dialog', () => {
  it('reads the first form of the task wait (a checkbox) as the choice, and clears it', () => {
    migrateRequestConfig({ waitTask: true }).should.eql({ waitTask: false, wait: 'task' });
    migrateRequestConfig({ waitTask: true, wait: 'none' }).should.eql({ waitTask: false, wait: 'task' });
    migrateRequestConfig({ waitTask: true, wait: 'until', until: 'x' }).should.eql({
      waitTask: false,
      wait: 'until',
      until: 'x',
    });
    migrateRequestConfig({ wait: 'bogus' as never }).wait.should.equal('none');
    migrateRequestConfig({ method: 'POST', path: '/x' }).should.eql({
      method: 'POST',
      path: '/x',
      wait: 'none',
      waitTask: false,
    });
  });

  it('is what the runtime reads', () => {
    readSettings({ waitTask: true, wait: 'none' }).wait.should.equal('task');
    readSettings({ waitTask: true, wait: 'until', until: 'payload.done' }).wait.should.equal('until');
  });

  it('leaves the node as it was saved', () => {
    const saved = { waitTask: true, wait: 'none' as const };
    migrateRequestConfig(saved);
    saved.should.eql({ waitTask: true, wait: 'none' });
  });
});

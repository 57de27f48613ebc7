/** The flow `npm start` deploys: a few buttons that make real signed calls. */

export const DEMO_ACCOUNT_ID = 'demo-account';
/**
 * The id of every example's account node, which `npm start` gives its account: an example
 * imported in the playground (answer *View nodes...* and untick the account) uses the
 * playground's account, keys and all.
 */
export const EXAMPLES_ACCOUNT_ID = 'a1f0c0de00000001';
/** The text of the demo's SMS: the one the playground's simulator answers. */
export const DEMO_SMS_MESSAGE = 'Hello from Node-RED ✓';

type FlowNode = Record<string, unknown>;

/** The demo's account: the simulator (keys stored in the node), or the OVH_* environment for the real API. */
export function demoAccount(target: { simulatorUrl: string } | { fromEnvironment: true }, id = DEMO_ACCOUNT_ID): FlowNode {
  const common = { id, type: 'ovh-credentials', authType: 'signature', timeout: 30, tokenUrl: '' };
  if ('fromEnvironment' in target) {
    return { ...common, name: 'OVHcloud (from OVH_* variables)', endpoint: 'ovh-eu', url: '', credentialsFrom: 'env' };
  }
  return {
    ...common,
    name: 'OVHcloud API simulator',
    endpoint: 'custom',
    url: `${target.simulatorUrl}/1.0`,
    credentialsFrom: 'node',
  };
}

/** A parameter row of a request node, as the dialog saves it. */
function parameterRow(
  name: string,
  place: 'path' | 'query' | 'body',
  type: string,
  valueType: string,
  value: string,
  required = false,
): FlowNode {
  return { name, in: place, type, required, value, valueType };
}

export function demoFlow(account: FlowNode): FlowNode[] {
  const z = 'demo-tab';
  let row = 0;
  const nodes: FlowNode[] = [
    {
      id: z,
      type: 'tab',
      label: 'OVHcloud demo',
      info: 'Click the button of an inject node: the answer shows in the Debug sidebar.',
    },
    {
      id: 'demo-comment',
      type: 'comment',
      z,
      name: 'Click a button on the left: each one makes a signed OVHcloud API call. Answers show in the Debug sidebar (bug icon, top right).',
      info: '',
      x: 540,
      y: 40,
      wires: [],
    },
    account,
  ];
  const add = (
    key: string,
    label: string,
    request: FlowNode,
    injectProps: Array<{ p: string; v: string; vt: string }> = [],
    payload?: string,
  ) => {
    row++;
    const y = 40 + row * 70;
    nodes.push(
      {
        id: `demo-${key}-inject`,
        type: 'inject',
        z,
        name: label,
        props: [{ p: 'payload' }, ...injectProps],
        repeat: '',
        crontab: '',
        once: false,
        onceDelay: 0.1,
        topic: '',
        payload: payload ?? '',
        payloadType: payload ? 'json' : 'date',
        x: 180,
        y,
        wires: [[`demo-${key}-request`]],
      },
      {
        id: `demo-${key}-request`,
        type: 'ovh-request',
        z,
        name: '',
        account: account.id,
        body: 'payload',
        mode: 'single',
        split: 'one',
        concurrency: 4,
        pageSize: '',
        maxPages: 100,
        errorOutput: false,
        outputs: 1,
        x: 540,
        y,
        wires: [[`demo-${key}-debug`]],
        ...request,
      },
      {
        id: `demo-${key}-debug`,
        type: 'debug',
        z,
        name: label,
        active: true,
        tosidebar: true,
        console: false,
        tostatus: true,
        complete: 'payload',
        targetType: 'msg',
        statusVal: 'statusCode',
        statusType: 'msg',
        x: 920,
        y,
        wires: [],
      },
    );
  };
  add('me', 'Who am I? (GET /me)', { method: 'GET', path: '/me' });
  // Values in parameter rows, as the dialog writes them: no JSON to type.
  add('records', 'DNS records of example.com', {
    method: 'GET',
    path: '/domain/zone/{zoneName}/record',
    mode: 'expand',
    parameters: [parameterRow('zoneName', 'path', 'string', 'str', 'example.com', true)],
  });
  add('policies', 'IAM policies (/v2, every page)', { method: 'GET', path: '/v2/iam/policy', mode: 'pages', pageSize: 10 });
  add('sms', 'Send an SMS', {
    method: 'POST',
    path: '/sms/{serviceName}/jobs',
    parameters: [
      parameterRow('serviceName', 'path', 'string', 'str', 'sms-ab12345-1', true),
      parameterRow('message', 'body', 'string', 'str', DEMO_SMS_MESSAGE, true),
      parameterRow('receivers', 'body', 'string[]', 'str', '+33601020304'),
      parameterRow('senderForResponse', 'body', 'boolean', 'bool', 'true'),
    ],
  });
  const simulated = account.credentialsFrom !== 'env';
  // A reboot that waits for its task: only against the simulator, never a real server of the account.
  if (simulated) {
    add('reboot', 'Reboot a server, wait until done', {
      method: 'POST',
      path: '/dedicated/server/{serviceName}/reboot',
      wait: 'task',
      parameters: [parameterRow('serviceName', 'path', 'string', 'str', 'ns3000001.ip-203-0-113.eu', true)],
    });
  }
  add('error', 'An error, to Catch', {
    method: 'GET',
    path: '/domain/zone/{zoneName}',
    parameters: [parameterRow('zoneName', 'path', 'string', 'str', 'no-such-zone.example', true)],
  });
  // A trigger: SMS received (the simulator answers each SMS sent), or new bills on a real account.
  row++;
  nodes.push(
    {
      id: 'demo-watch',
      type: 'ovh-watch',
      z,
      name: simulated ? 'SMS received' : 'New bills',
      account: account.id,
      path: simulated ? '/sms/sms-ab12345-1/incoming' : '/me/bill',
      read: simulated ? 'objects' : 'answer',
      interval: simulated ? 5 : 300,
      removed: false,
      sendChanged: false,
      fields: '',
      idField: '',
      sendFirst: false,
      store: '',
      x: 180,
      y: 40 + row * 70,
      wires: [['demo-watch-debug']],
    },
    {
      id: 'demo-watch-debug',
      type: 'debug',
      z,
      name: simulated ? 'SMS received' : 'New bills',
      active: true,
      tosidebar: true,
      console: false,
      tostatus: false,
      complete: 'payload',
      targetType: 'msg',
      statusVal: '',
      statusType: 'auto',
      x: 920,
      y: 40 + row * 70,
      wires: [],
    },
  );
  const y = 40 + (row + 1) * 70;
  nodes.push(
    {
      id: 'demo-catch',
      type: 'catch',
      z,
      name: 'API errors',
      scope: null,
      uncaught: false,
      x: 180,
      y,
      wires: [['demo-catch-debug']],
    },
    {
      id: 'demo-catch-debug',
      type: 'debug',
      z,
      name: 'caught error',
      active: true,
      tosidebar: true,
      console: false,
      tostatus: false,
      complete: 'error',
      targetType: 'msg',
      statusVal: '',
      statusType: 'auto',
      x: 480,
      y,
      wires: [],
    },
  );
  return nodes;
}

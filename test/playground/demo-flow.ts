/** The flow `npm start` deploys: a few buttons that make real signed calls. */
import { incomingSmsControlPath } from '../simulator/simulator';

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

/** The simulator's origin when the account calls it, or nothing when it calls the real API. */
function simulatorOrigin(account: FlowNode): string | undefined {
  if (account.credentialsFrom === 'env' || typeof account.url !== 'string') return undefined;
  return account.url.replace(/\/1\.0$/, '');
}

/** The made-up SMS service of the simulator, which the demo sends from and receives on. */
const DEMO_SMS_SERVICE = 'sms-ab12345-1';

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

/**
 * A debug node of the demo: to the sidebar, and in its status what `status` names (a msg
 * property) or what `statusExpression` (JSONata) makes of the msg.
 */
function debugNode(
  id: string,
  z: string,
  name: string,
  at: { x: number; y: number },
  show: { complete: string; status?: string; statusExpression?: string; sidebar?: boolean },
): FlowNode {
  return {
    id,
    type: 'debug',
    z,
    name,
    active: true,
    tosidebar: show.sidebar ?? true,
    console: false,
    tostatus: show.status !== undefined || show.statusExpression !== undefined,
    complete: show.complete,
    targetType: 'msg',
    statusVal: show.statusExpression ?? show.status ?? '',
    statusType: show.statusExpression !== undefined ? 'jsonata' : show.status !== undefined ? 'msg' : 'auto',
    ...at,
    wires: [],
  };
}

/**
 * The demo's tab. Against the simulator, every button works on its made-up account (the zone
 * example.com, the SMS service sms-ab12345-1, a server to reboot) and an inject makes the
 * simulator receive an SMS, which the watch then sends. Against the real API, only what any
 * account has: who am I, IAM policies, an error, and a watch on new bills.
 */
export function demoFlow(account: FlowNode): FlowNode[] {
  const z = 'demo-tab';
  const simulator = simulatorOrigin(account);
  let row = 0;
  const nodes: FlowNode[] = [
    {
      id: z,
      type: 'tab',
      label: 'OVHcloud demo',
      info: simulator
        ? 'Click the button of an inject node: the answer shows in the Debug sidebar. Every call goes to the OVHcloud API simulator.'
        : 'Click the button of an inject node: the answer shows in the Debug sidebar. Calls go to the real OVHcloud API, with the keys of the OVH_* environment variables: only calls that read the account, and one that fails on purpose.',
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
      debugNode(`demo-${key}-debug`, z, label, { x: 920, y }, { complete: 'payload', status: 'statusCode' }),
    );
  };
  add('me', 'Who am I? (GET /me)', { method: 'GET', path: '/me' });
  // The simulator's made-up account: the real one has no zone example.com, no SMS service sms-ab12345-1.
  if (simulator) {
    // Values in parameter rows, as the dialog writes them: no JSON to type.
    add('records', 'DNS records of example.com', {
      method: 'GET',
      path: '/domain/zone/{zoneName}/record',
      mode: 'expand',
      parameters: [parameterRow('zoneName', 'path', 'string', 'str', 'example.com', true)],
    });
  }
  add('policies', 'IAM policies (/v2, every page)', { method: 'GET', path: '/v2/iam/policy', mode: 'pages', pageSize: 10 });
  if (simulator) {
    add('sms', 'Send an SMS', {
      method: 'POST',
      path: '/sms/{serviceName}/jobs',
      parameters: [
        parameterRow('serviceName', 'path', 'string', 'str', DEMO_SMS_SERVICE, true),
        parameterRow('message', 'body', 'string', 'str', DEMO_SMS_MESSAGE, true),
        parameterRow('receivers', 'body', 'string[]', 'str', '+33601020304'),
        parameterRow('senderForResponse', 'body', 'boolean', 'bool', 'true'),
      ],
    });
    // A reboot that waits for its task: never a real server of the account.
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
  // A trigger: SMS received (the simulator's, see below), or new bills on a real account.
  row++;
  const watchY = 40 + row * 70;
  const watchName = simulator ? 'SMS received' : 'New bills';
  nodes.push(
    {
      id: 'demo-watch',
      type: 'ovh-watch',
      z,
      name: watchName,
      account: account.id,
      path: simulator ? `/sms/${DEMO_SMS_SERVICE}/incoming` : '/me/bill',
      read: simulator ? 'objects' : 'answer',
      interval: simulator ? 5 : 300,
      removed: false,
      sendChanged: false,
      fields: '',
      idField: '',
      sendFirst: false,
      store: '',
      x: 180,
      y: watchY,
      wires: [['demo-watch-debug']],
    },
    debugNode('demo-watch-debug', z, watchName, { x: 920, y: watchY }, { complete: 'payload' }),
  );
  if (simulator) nodes.push(...incomingSmsNodes(z, simulator, watchY));
  nodes.push(...failureNodes(z, watchY + (simulator ? 175 : 70)));
  return nodes;
}

/**
 * "Simulate an incoming SMS": the simulator's own control (plain HTTP, no API call) makes the
 * service receive an SMS, which the watch above sends at its next check. The status of the node
 * after it shows the control's answer (201).
 */
function incomingSmsNodes(z: string, simulator: string, watchY: number): FlowNode[] {
  const y = watchY + 105;
  return [
    {
      id: 'demo-incoming-sms-comment',
      type: 'comment',
      z,
      name: '"Simulate an incoming SMS": the simulator receives one, and the watch "SMS received" sends it (it checks every 5 s).',
      info: 'The reply to "Send an SMS" comes the same way, 3 s later. Against the real API, the demo leaves these out: a real SMS service receives real SMS.',
      x: 540,
      y: watchY + 55,
      wires: [],
    },
    {
      id: 'demo-incoming-sms-inject',
      type: 'inject',
      z,
      name: 'Simulate an incoming SMS',
      props: [
        { p: 'payload.sender', v: '+33611223344', vt: 'str' },
        { p: 'payload.message', v: 'Is the server back up?', vt: 'str' },
      ],
      repeat: '',
      crontab: '',
      once: false,
      onceDelay: 0.1,
      topic: '',
      x: 180,
      y,
      wires: [['demo-incoming-sms-control']],
    },
    {
      id: 'demo-incoming-sms-control',
      type: 'http request',
      z,
      name: "simulator's control",
      method: 'POST',
      ret: 'obj',
      paytoqs: 'ignore',
      url: simulator + incomingSmsControlPath(DEMO_SMS_SERVICE),
      tls: '',
      persist: false,
      proxy: '',
      insecureHTTPParser: false,
      authType: '',
      senderr: false,
      headers: [],
      x: 540,
      y,
      wires: [['demo-incoming-sms-debug']],
    },
    debugNode(
      'demo-incoming-sms-debug',
      z,
      'SMS received by the simulator',
      { x: 920, y },
      {
        complete: 'payload',
        status: 'statusCode',
        sidebar: false,
      },
    ),
  ];
}

/**
 * Where failures show: every node's error on the tab, the buttons' and the watch's. A watch fails
 * first when the flow starts, before anyone opened the editor, and Node-RED's Debug sidebar shows
 * only what happens while it is open, whereas a node's status is kept and shown when the editor
 * opens: so the debug node also shows the last error in its status, beside the watch's own
 * failure status, which stays until a check succeeds.
 */
/**
 * What failed, in the few characters a debug node's status shows (32): the node's name (or
 * type) and the API's status code, else the start of the message: `New bills: 403`.
 */
const FAILURE_STATUS =
  '(error.source.name ? error.source.name : error.source.type) & ": " & (statusCode ? $string(statusCode) : error.message)';

function failureNodes(z: string, y: number): FlowNode[] {
  return [
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
    debugNode('demo-catch-debug', z, 'caught error', { x: 480, y }, { complete: 'error', statusExpression: FAILURE_STATUS }),
    {
      id: 'demo-catch-comment',
      type: 'comment',
      z,
      name: "An error before the editor opened (the watch's first check): the watch's status and this node's say why.",
      info: "Node-RED's Debug sidebar shows only what happens while it is open; a node's status stays.",
      x: 540,
      y: y + 45,
      wires: [],
    },
  ];
}

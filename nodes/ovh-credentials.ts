/**
 * ovh-credentials: the config node holding an OVHcloud account (region or base URL, and either
 * application key + secret + consumer key or an OAuth2 service account). It owns one client,
 * shared by every ovh-request node that uses it, and the admin endpoints of its editor dialog.
 */
import { createHash } from 'node:crypto';
import { OvhClient, OvhInputError, checkAccessRules, diagnose, type Diagnosis, type OvhClientOptions } from './client';
import {
  CREDENTIAL_NAMES,
  clientOptions,
  credentialOf,
  endpointOf,
  ENV,
  type AccountConfig,
  type Credentials,
  type OvhCredentialsNode,
} from './account';
import type { AdminRequest, AdminResponse, NodeAPI, NodeDef } from './node-red';

/** What the editor shows in a password field whose stored value is unchanged. */
const STORED_SECRET = '__PWRD__';

/** SHA-256 of consumer keys requested through this runtime and not yet seen valid: lets Check say "pending". */
const requestedHere = new Set<string>();

function fingerprint(consumerKey: string): string {
  return createHash('sha256').update(consumerKey).digest('hex');
}

export = function register(RED: NodeAPI): void {
  function OvhCredentials(this: OvhCredentialsNode, def: NodeDef & AccountConfig): void {
    RED.nodes.createNode(this, def);
    this.authType = def.authType === 'oauth2' ? 'oauth2' : 'signature';
    let client: OvhClient | undefined;
    let configError: Error | undefined;
    try {
      client = new OvhClient(clientOptions(def, this.credentials ?? {}, process.env));
    } catch (err) {
      // Every message sent through this account fails with the precise reason; the log says it once.
      configError = err as Error;
      this.error(RED._('ovh-credentials.errors.config', { message: configError.message }));
    }
    this.getClient = () => {
      if (!client) throw configError;
      return client;
    };
    this.queued = () => client?.queued ?? 0;
    this.on('close', (_removed, done) => {
      if (!client) return done();
      client.close().then(done, done);
    });
  }

  RED.nodes.registerType('ovh-credentials', OvhCredentials, {
    credentials: {
      appKey: { type: 'text' },
      appSecret: { type: 'password' },
      consumerKey: { type: 'password' },
      clientId: { type: 'text' },
      clientSecret: { type: 'password' },
    },
  });

  /**
   * The dialog's values, with unchanged password fields replaced by the deployed node's stored
   * secrets. Only the runtime ever holds the secrets; nothing here is sent back.
   */
  function dialogCredentials(body: Record<string, unknown>): Credentials {
    const stored = typeof body.id === 'string' ? (RED.nodes.getCredentials(body.id) ?? {}) : {};
    const out: Credentials = {};
    for (const name of CREDENTIAL_NAMES) {
      const given = body[name];
      out[name] = given === STORED_SECRET ? stored[name] : typeof given === 'string' ? given : undefined;
    }
    return out;
  }

  function dialogConfig(body: Record<string, unknown>): AccountConfig {
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return {
      endpoint: text(body.endpoint),
      url: text(body.url),
      tokenUrl: text(body.tokenUrl),
      authType: body.authType === 'oauth2' ? 'oauth2' : 'signature',
      credentialsFrom: body.credentialsFrom === 'env' ? 'env' : 'node',
    };
  }

  const canWrite = RED.auth.needsPermission('ovh-credentials.write');

  /**
   * An admin endpoint: `run` answers [status, body]; bad input answers 400, anything else 502,
   * shaped by `failure`. Clients opened through `open` are short-lived (no retries, a 10 s
   * timeout) and always closed.
   */
  function adminRoute(
    path: string,
    run: (body: Record<string, unknown>, open: (options: OvhClientOptions) => OvhClient) => Promise<[number, unknown]>,
    failure: (err: Error) => unknown,
  ): void {
    RED.httpAdmin.post(path, canWrite, (req: AdminRequest, res: AdminResponse) => {
      const clients: OvhClient[] = [];
      const open = (options: OvhClientOptions) => {
        const client = new OvhClient({ ...options, timeoutMs: 10_000, retry: { maxAttempts: 1 } });
        clients.push(client);
        return client;
      };
      run((req.body ?? {}) as Record<string, unknown>, open)
        .then(
          ([status, body]) => res.status(status).json(body),
          (err: Error) => res.status(err instanceof OvhInputError ? 400 : 502).json(failure(err)),
        )
        .finally(() => clients.forEach((client) => void client.close()));
    });
  }

  adminRoute(
    '/ovh-credentials/request-token',
    async (body, open) => {
      const config = dialogConfig(body);
      const appKey = credentialOf('appKey', config, dialogCredentials(body), process.env);
      if (!appKey) {
        throw new OvhInputError(
          config.credentialsFrom === 'env' ? `Missing environment variable ${ENV.appKey}` : 'No application key',
        );
      }
      const answer = await open({ endpoint: endpointOf(config, process.env), appKey }).requestConsumerKey({
        accessRules: checkAccessRules(body.accessRules),
        redirection: typeof body.redirection === 'string' ? body.redirection.trim() : undefined,
        allowedIPs: Array.isArray(body.allowedIPs) ? (body.allowedIPs as string[]) : undefined,
      });
      requestedHere.add(fingerprint(answer.consumerKey));
      return [200, answer];
    },
    (err) => ({ error: err.message }),
  );

  adminRoute(
    '/ovh-credentials/check',
    async (body, open) => {
      const config = dialogConfig(body);
      const options = clientOptions(config, dialogCredentials(body), process.env);
      if (config.authType !== 'oauth2') {
        const missing = (['appKey', 'appSecret', 'consumerKey'] as const).filter((name) => !options[name]);
        if (missing.length > 0) return [400, { status: 'missing', missing }];
      }
      const diagnosis: Omit<Diagnosis, 'status'> & { status: Diagnosis['status'] | 'pending' } = await diagnose(open(options));
      const key = options.consumerKey ? fingerprint(options.consumerKey) : undefined;
      if (key && diagnosis.status === 'invalid-credential' && requestedHere.has(key)) diagnosis.status = 'pending';
      if (key && diagnosis.status === 'valid') requestedHere.delete(key);
      return [200, diagnosis];
    },
    (err) => ({ status: 'error', detail: err.message }),
  );
};

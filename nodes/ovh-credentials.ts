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

  /** A short-lived client for one admin call: no retries, a 10 s timeout. */
  function adminClient(options: OvhClientOptions): OvhClient {
    return new OvhClient({ ...options, timeoutMs: 10_000, retry: { maxAttempts: 1 } });
  }

  const canWrite = RED.auth.needsPermission('ovh-credentials.write');

  RED.httpAdmin.post('/ovh-credentials/request-token', canWrite, (req: AdminRequest, res: AdminResponse) => {
    void (async () => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      let client: OvhClient | undefined;
      try {
        const config = dialogConfig(body);
        const credentials = dialogCredentials(body);
        const appKey = credentialOf('appKey', config, credentials, process.env);
        if (!appKey) {
          throw new OvhInputError(
            config.credentialsFrom === 'env' ? `Missing environment variable ${ENV.appKey}` : 'No application key',
          );
        }
        client = adminClient({ endpoint: endpointOf(config, process.env), appKey });
        const answer = await client.requestConsumerKey({
          accessRules: checkAccessRules(body.accessRules),
          redirection: typeof body.redirection === 'string' ? body.redirection.trim() : undefined,
          allowedIPs: Array.isArray(body.allowedIPs) ? (body.allowedIPs as string[]) : undefined,
        });
        requestedHere.add(fingerprint(answer.consumerKey));
        res.json(answer);
      } catch (err) {
        res.status(err instanceof OvhInputError ? 400 : 502).json({ error: (err as Error).message });
      } finally {
        void client?.close();
      }
    })();
  });

  RED.httpAdmin.post('/ovh-credentials/check', canWrite, (req: AdminRequest, res: AdminResponse) => {
    void (async () => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      let client: OvhClient | undefined;
      try {
        const config = dialogConfig(body);
        const credentials = dialogCredentials(body);
        const options = clientOptions(config, credentials, process.env);
        client = adminClient(options);
        if (config.authType !== 'oauth2') {
          const missing = (['appKey', 'appSecret', 'consumerKey'] as const).filter((name) => !options[name]);
          if (missing.length > 0) return res.status(400).json({ status: 'missing', missing });
        }
        const diagnosis: Omit<Diagnosis, 'status'> & { status: Diagnosis['status'] | 'pending' } = await diagnose(client);
        const key = options.consumerKey ? fingerprint(options.consumerKey) : undefined;
        if (key && diagnosis.status === 'invalid-credential' && requestedHere.has(key)) diagnosis.status = 'pending';
        if (key && diagnosis.status === 'valid') requestedHere.delete(key);
        res.json(diagnosis);
      } catch (err) {
        res.status(err instanceof OvhInputError ? 400 : 500).json({ status: 'error', detail: (err as Error).message });
      } finally {
        void client?.close();
      }
    })();
  });
};

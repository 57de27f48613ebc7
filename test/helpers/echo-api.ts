/**
 * A server on loopback that quotes what it was sent in its error answers, as a debugging proxy
 * or a misconfigured URL may: the request's headers and body, the Authorization header, the
 * token request's form. It answers `/auth/time` as the API does (so signed calls go out) and
 * gives OAuth2 tokens at `/token`; it checks nothing. What is tested is that none of the
 * secrets it quotes leaves the client.
 *
 * Paths (under the base URL, except the token ones):
 * - `/echo`: 400, an API error whose message and details quote the headers and body;
 * - `/echo-headers`: 400, the consumer key as the query id and the Authorization and signature
 *   in answer headers;
 * - `/echo-text`: 502, a text (not JSON) page quoting the headers;
 * - `/unauth`: 401, a message quoting the Authorization header;
 * - `/token`: 200, a new token (`token-<n>` padded to 32 characters);
 * - `/token-refused`: 401, an OAuth2 error whose description quotes the posted form.
 */
import http from 'node:http';
import type net from 'node:net';

export interface EchoApi {
  /** The base URL to give an account or a client (`http://127.0.0.1:port/1.0`). */
  baseUrl: string;
  /** A token URL that gives tokens. */
  tokenUrl: string;
  /** A token URL that refuses the client, quoting its form. */
  refusingTokenUrl: string;
  /** Every token given. */
  readonly tokens: string[];
  /** Every header value received (signatures included). */
  readonly received: string[];
  close(): Promise<void>;
}

export async function startEchoApi(): Promise<EchoApi> {
  const tokens: string[] = [];
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      for (const value of Object.values(req.headers)) if (typeof value === 'string') received.push(value);
      const headersText = JSON.stringify(req.headers);
      const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-ovh-queryid': 'EU.echo.1', ...headers });
        res.end(JSON.stringify(value));
      };
      switch (path) {
        case '/1.0/auth/time':
          return json(200, Math.floor(Date.now() / 1000));
        case '/token': {
          const token = `token-${tokens.length + 1}-`.padEnd(32, 'x');
          tokens.push(token);
          return json(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
        }
        case '/token-refused':
          return json(401, { error: 'invalid_client', error_description: 'got ' + body });
        case '/1.0/echo':
          return json(400, {
            errorCode: 'INVALID_REQUEST',
            class: 'Client::BadRequest',
            message: `bad request: ${headersText} body ${body}`,
            details: { request: { headers: req.headers, [String(req.headers['x-ovh-consumer'])]: 'as a key' } },
          });
        case '/1.0/echo-headers':
          return json(
            400,
            { message: 'see the headers', class: 'Client::BadRequest' },
            {
              'x-ovh-queryid': String(req.headers['x-ovh-consumer'] ?? req.headers.authorization),
              'x-echo-authorization': String(req.headers.authorization),
              'x-echo-signature': String(req.headers['x-ovh-signature']),
            },
          );
        case '/1.0/echo-text':
          res.writeHead(502, { 'content-type': 'text/plain' });
          return res.end(`upstream refused ${headersText}`);
        case '/1.0/unauth':
          return json(401, { message: 'auth header was ' + req.headers.authorization });
        default:
          return json(404, { message: 'nothing at ' + path });
      }
    });
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    baseUrl: origin + '/1.0',
    tokenUrl: origin + '/token',
    refusingTokenUrl: origin + '/token-refused',
    tokens,
    received,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

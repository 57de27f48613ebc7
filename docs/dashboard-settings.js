// Node-RED settings for the ops dashboard (example 14): one login guards the dashboard's pages AND
// its socket; the editor has its own login.
//
// 1. Hash each password: `node-red admin hash-pw` asks for it and prints its bcrypt hash.
// 2. Paste the two hashes below, and the user names you want.
// 3. Put this file beside your settings.js and add `...require('./dashboard-settings.js'),` inside
//    settings.js's `module.exports = { ... }` (or copy these lines into settings.js), then restart.
//
// Why two guards: httpNodeAuth guards every page Node-RED serves under httpNodeRoot, the dashboard's
// /dashboard/... among them. But Dashboard 2.0's socket (/dashboard/socket.io/), which carries the
// data to the page and the page's clicks back to the flows, is served beside them and never goes
// through httpNodeAuth: the dashboard's ioMiddleware must check the same login.

const crypto = require('node:crypto');
// bcrypt as Node-RED checks its own logins: @node-rs/bcrypt (off the event loop) when installed,
// else bcryptjs (in slices). Both come with Node-RED: asked from Node-RED's own folder (its
// red.js), which this file's folder (the user directory) need not see.
let bcrypt;
try {
  bcrypt = require.main.require('@node-rs/bcrypt');
} catch {
  bcrypt = require.main.require('bcryptjs');
}

/** The dashboard's user, and the bcrypt hash of its password. */
const DASHBOARD_LOGIN = { user: 'ops', pass: 'PASTE-THE-HASH-OF-THE-DASHBOARD-PASSWORD' };
/** The editor's user, and the bcrypt hash of its password. */
const EDITOR_LOGIN = { username: 'admin', password: 'PASTE-THE-HASH-OF-THE-EDITOR-PASSWORD', permissions: '*' };

for (const hash of [DASHBOARD_LOGIN.pass, EDITOR_LOGIN.password]) {
  if (!/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) {
    throw new Error('dashboard-settings.js: paste the bcrypt hash of each password (node-red admin hash-pw)');
  }
}

// bcrypt is slow on purpose, and anyone can open the socket: a script sending passwords in a loop
// must not take Node-RED's time, nor the threads it reads files with.
/** One password checked at a time; other handshakes meanwhile are told to try again later. */
const MAX_CHECKS = 1;
/** The checks running, by header: a page opened twice at once waits for the same check. */
const checks = new Map();
/** A header found wrong stays wrong until a restart (the hash is fixed): the last ones are refused unchecked. */
const FAILED_KEPT = 1000;
const failed = new Set();
/** The last header found right: a page's socket reconnects, and is let in unchecked. */
let accepted;

const digest = (text) => crypto.createHash('sha256').update(text).digest();

/**
 * Why an Authorization header is refused ('login required', 'try again later'), or nothing when it
 * carries the dashboard's user and password (HTTP Basic, as httpNodeAuth asks).
 */
async function loginRefusal(header) {
  if (typeof header !== 'string' || !/^Basic /i.test(header)) return 'login required';
  const key = digest(header);
  if (accepted && crypto.timingSafeEqual(key, accepted)) return undefined;
  const id = key.toString('hex');
  if (failed.has(id)) return 'login required';
  let check = checks.get(id);
  if (!check) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0 || decoded.slice(0, colon) !== DASHBOARD_LOGIN.user) return 'login required';
    if (checks.size >= MAX_CHECKS) return 'try again later';
    check = bcrypt.compare(decoded.slice(colon + 1), DASHBOARD_LOGIN.pass).finally(() => checks.delete(id));
    checks.set(id, check);
  }
  if (await check) {
    accepted = key;
    return undefined;
  }
  failed.add(id);
  if (failed.size > FAILED_KEPT) failed.delete(failed.values().next().value); // the oldest
  return 'login required';
}

/** No Origin header (a same-origin GET sends none), or one naming the host asked (a proxy must pass the Host on). */
function isSameOrigin(headers) {
  if (!headers.origin) return true;
  try {
    return new URL(headers.origin).host === headers.host;
  } catch {
    return false;
  }
}

module.exports = {
  // The dashboard's pages, and every other page served under httpNodeRoot.
  httpNodeAuth: DASHBOARD_LOGIN,
  dashboard: {
    // Its socket: the same login, from the same origin (another site's page must not use the
    // browser's stored login). Replaces Dashboard 2.0's own check, which refuses other origins only.
    ioMiddleware(socket, next) {
      const { headers } = socket.handshake;
      if (!isSameOrigin(headers)) return next(new Error('login required'));
      loginRefusal(headers.authorization).then(
        (refusal) => (refusal ? next(new Error(refusal)) : next()),
        () => next(new Error('login required')),
      );
    },
  },
  // The editor and its admin API.
  adminAuth: { type: 'credentials', users: [EDITOR_LOGIN] },
};

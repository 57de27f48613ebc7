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
// bcryptjs comes with Node-RED: asked from Node-RED's own folder (its red.js), which this file's
// folder (the user directory) need not see.
const bcrypt = require.main.require('bcryptjs');

/** The dashboard's user, and the bcrypt hash of its password. */
const DASHBOARD_LOGIN = { user: 'ops', pass: 'PASTE-THE-HASH-OF-THE-DASHBOARD-PASSWORD' };
/** The editor's user, and the bcrypt hash of its password. */
const EDITOR_LOGIN = { username: 'admin', password: 'PASTE-THE-HASH-OF-THE-EDITOR-PASSWORD', permissions: '*' };

for (const hash of [DASHBOARD_LOGIN.pass, EDITOR_LOGIN.password]) {
  if (!/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) {
    throw new Error('dashboard-settings.js: paste the bcrypt hash of each password (node-red admin hash-pw)');
  }
}

const digest = (text) => crypto.createHash('sha256').update(text).digest();
/** The digest of the last Authorization header found right: bcrypt is slow on purpose, and a page's socket reconnects. */
let accepted;

/** True when an Authorization header carries the dashboard's user and password (HTTP Basic, as httpNodeAuth asks). */
function isDashboardLogin(header) {
  if (typeof header !== 'string' || !/^Basic /i.test(header)) return false;
  if (accepted && crypto.timingSafeEqual(digest(header), accepted)) return true;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const ok = decoded.slice(0, colon) === DASHBOARD_LOGIN.user && bcrypt.compareSync(decoded.slice(colon + 1), DASHBOARD_LOGIN.pass);
  if (ok) accepted = digest(header);
  return ok;
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
      if (isDashboardLogin(headers.authorization) && isSameOrigin(headers)) return next();
      next(new Error('login required'));
    },
  },
  // The editor and its admin API.
  adminAuth: { type: 'credentials', users: [EDITOR_LOGIN] },
};

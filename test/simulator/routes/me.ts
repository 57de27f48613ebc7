/** The account itself: `/me`, its bills and its service accounts. */
import { dateRange, inRange, type RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

export function meRoutes(sim: OvhSimulator, { on, ok, list, notFound, badRequest }: RouteKit): void {
  on('GET', '/me', (ctx) => ok(ctx, sim.data.me));
  // The account's service accounts (oauth2.client): never their secrets; `identity` is what policies name.
  on('GET', '/me/api/oauth2/client', (ctx) => ok(ctx, [...sim.oauthClients.keys()]));
  on('GET', '/me/api/oauth2/client/:clientId', (ctx, p) => {
    if (!sim.oauthClients.has(p.clientId)) return notFound(ctx, `clientId = ${p.clientId}`);
    ok(ctx, {
      clientId: p.clientId,
      name: p.clientId,
      description: 'a service account of the simulator',
      flow: 'CLIENT_CREDENTIALS',
      callbackUrls: [],
      createdAt: '2026-01-05T10:00:00Z',
      identity: sim.serviceAccountIdentity(p.clientId),
    });
  });
  on('GET', '/me/bill', (ctx) => {
    const range = dateRange(ctx, 'date');
    if (typeof range === 'string') return badRequest(ctx, range);
    const category = ctx.query.get('category');
    const orderId = ctx.query.get('orderId');
    list(
      ctx,
      sim.data.bills.filter(
        (bill) =>
          inRange(range, bill.date) &&
          (category === null || bill.category === category) &&
          (orderId === null || String(bill.orderId) === orderId),
      ),
      (bill) => bill.billId,
    );
  });
  on('GET', '/me/bill/:billId', (ctx, p) => {
    const bill = sim.data.bills.find((b) => b.billId === p.billId);
    if (!bill) return notFound(ctx, `billId = ${p.billId}`);
    ok(ctx, bill);
  });
}

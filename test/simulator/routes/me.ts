/** The account itself: `/me`, and its bills. */
import { dateRange, inRange, type RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

export function meRoutes(sim: OvhSimulator, { on, ok, list, notFound, badRequest }: RouteKit): void {
  on('GET', '/me', (ctx) => ok(ctx, sim.data.me));
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

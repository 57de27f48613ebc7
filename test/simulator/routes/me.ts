/** The account itself: `/me`. */
import type { RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';

export function meRoutes(sim: OvhSimulator, { on, ok }: RouteKit): void {
  on('GET', '/me', (ctx) => ok(ctx, sim.data.me));
}

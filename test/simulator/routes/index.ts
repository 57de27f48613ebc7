/**
 * The made-up account's routes, one file per product. The order matters where paths overlap:
 * `/domain/zone/...` comes before `/domain/{serviceName}/...`, as the first route that matches answers.
 */
import type { RouteKit } from '../route-kit';
import type { OvhSimulator } from '../simulator';
import { cloudRoutes } from './cloud';
import { cloudChoiceRoutes } from './cloud-choices';
import { dedicatedRoutes } from './dedicated';
import { domainRoutes } from './domain';
import { iamRoutes } from './iam';
import { ipRoutes } from './ip';
import { meRoutes } from './me';
import { smsRoutes } from './sms';
import { vpsRoutes } from './vps';

export function accountRoutes(sim: OvhSimulator, kit: RouteKit): void {
  meRoutes(sim, kit);
  domainRoutes(sim, kit);
  smsRoutes(sim, kit);
  dedicatedRoutes(sim, kit);
  ipRoutes(sim, kit);
  vpsRoutes(sim, kit);
  cloudRoutes(sim, kit);
  cloudChoiceRoutes(sim, kit);
  iamRoutes(sim, kit);
}

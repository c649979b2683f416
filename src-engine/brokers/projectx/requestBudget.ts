/** ProjectX allows 200 requests a minute per API key (§11). */
import type { Clock } from '../../domain/clock';
import { RequestBudget } from '../requestBudget';

export const PROJECTX_REQUESTS_PER_MINUTE = 200;

export function projectxBudget(clock: Clock, perMinute = PROJECTX_REQUESTS_PER_MINUTE): RequestBudget {
  return new RequestBudget(clock, { perMinute });
}

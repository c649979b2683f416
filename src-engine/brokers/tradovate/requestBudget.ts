/**
 * Tradovate's user-level request limits (protocols/tradovate.md §6.1). They are "deliberately
 * variable"; copier vendors observe about 80 a minute and 5,000 an hour per user, hence the figures.
 */
import type { Clock } from '../../domain/clock';
import { RequestBudget } from '../requestBudget';

export const DEFAULT_REQUESTS_PER_MINUTE = 80;
export const TRADOVATE_REQUESTS_PER_HOUR = 5_000;

export function tradovateBudget(clock: Clock, perMinute = DEFAULT_REQUESTS_PER_MINUTE): RequestBudget {
  return new RequestBudget(clock, { perMinute, perHour: TRADOVATE_REQUESTS_PER_HOUR });
}

/**
 * What a login can carry, said up front (copy-semantics §8a): how many leader fills a minute its
 * followers can all have copied at once, before the login's request budget makes copies wait.
 * Every follower under the login costs at least one request per leader fill (brackets go as one
 * native request), and they all spend the login's one budget, so the figure falls as followers are
 * added: 20 followers on one Tradovate user (about 80 requests a minute) carry about 4 fills a
 * minute; past that, copies queue, exits first.
 */

export interface LoginLimits {
  /** Requests a minute the broker allows this login. */
  readonly perMinute: number;
  /** Requests an hour, where the broker also limits the hour (Tradovate). */
  readonly perHour?: number;
}

export interface CapacityInput {
  readonly limits: LoginLimits;
  /** Follower accounts under the login that a leader fill is copied to. */
  readonly followers: number;
  /** Requests each follower needs per leader fill (1: one order, bracket included). */
  readonly requestsPerCopy?: number;
  /** Requests a minute held back for reconciles and lookups, not spent on copies. */
  readonly reservePerMinute?: number;
}

export interface Capacity {
  /** Leader fills a minute copied without delay; undefined when nothing is copied through the login. */
  readonly fillsPerMinute: number | undefined;
  /** Requests one leader fill costs the login. */
  readonly requestsPerFill: number;
  /** The limit that decides the figure: the minute's, or the hour's spread over its minutes. */
  readonly limitedBy: 'minute' | 'hour' | undefined;
}

export function copyCapacity(input: CapacityInput): Capacity {
  const requestsPerFill = input.followers * (input.requestsPerCopy ?? 1);
  if (requestsPerFill <= 0) return { fillsPerMinute: undefined, requestsPerFill: 0, limitedBy: undefined };
  const { perMinute, perHour } = input.limits;
  // A steady pace must fit the hour too: Tradovate's 5,000 an hour is about 83 a minute.
  const hourly = perHour !== undefined ? perHour / 60 : Infinity;
  const limitedBy = hourly < perMinute ? 'hour' : 'minute';
  const usable = Math.max(0, Math.min(perMinute, hourly) - (input.reservePerMinute ?? 0));
  return { fillsPerMinute: Math.floor(usable / requestsPerFill), requestsPerFill, limitedBy };
}

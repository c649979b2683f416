/**
 * The `shared-login` chaos world (copy-semantics §8a, issue 21): followers that share their broker
 * login's request budget, with the simulators enforcing per-login limits, so the leaders' pace
 * sometimes asks more of a login than it carries and the engine must give entries up (journaled
 * `budgetExpired`, shown out of sync) rather than earn a penalty ticket, a 429 or a lockout.
 *
 * One Tradovate login (`firm-tv`) holds a leader and seven followers (ratios 1 to 3): every fill of
 * that leader costs the login six requests at once, more than a tenth of its 72 planned a minute.
 * One ProjectX key (`firm-px`) holds a second leader and five followers across both groups. All
 * followers keep the default 3000 ms catch-up window, so an entry the budget holds back is given
 * up quickly instead of keeping the run busy for minutes.
 */
import { OBSERVED_TRADOVATE_LIMITS } from '../brokers/tradovate/sim/loginLimits';
import type { FollowerPlan, GroupPlan, WorldSpec } from './chaosWorld';

export const SHARED_TRADOVATE_LOGIN = 'firm-tv';
export const SHARED_PROJECTX_KEY = 'firm-px';

function follower(key: string, broker: FollowerPlan['broker'], ratio: number): FollowerPlan {
  return { key, broker, ratio, maxCatchUpMs: undefined, login: broker === 'tradovate' ? SHARED_TRADOVATE_LOGIN : SHARED_PROJECTX_KEY };
}

export const SHARED_LOGIN_GROUPS: readonly GroupPlan[] = [
  {
    name: 'Firm desk, Tradovate lead',
    leader: 'fl',
    leaderBroker: 'tradovate',
    leaderLogin: SHARED_TRADOVATE_LOGIN,
    root: 'MNQ',
    quote: 21_000,
    followers: [
      follower('fl-t1', 'tradovate', 1),
      follower('fl-t2', 'tradovate', 2),
      follower('fl-t3', 'tradovate', 1),
      follower('fl-t4', 'tradovate', 3),
      follower('fl-t5', 'tradovate', 1),
      follower('fl-t6', 'tradovate', 2),
      follower('fl-p1', 'projectx', 1),
      follower('fl-p2', 'projectx', 2),
      follower('fl-p3', 'projectx', 1),
    ],
  },
  {
    name: 'Firm desk, ProjectX lead',
    leader: 'xl',
    leaderBroker: 'projectx',
    leaderLogin: SHARED_PROJECTX_KEY,
    root: 'MES',
    quote: 6_000,
    followers: [follower('xl-p1', 'projectx', 1), follower('xl-t1', 'tradovate', 1), follower('xl-p2', 'projectx', 2)],
  },
];

export const SHARED_LOGIN_WORLD: WorldSpec = {
  groups: SHARED_LOGIN_GROUPS,
  limits: {
    // The observed figures, but for access tokens: a chaos run restarts the engine several times a
    // minute, and each start with a password takes a new token, which five an hour would refuse
    // for reasons no trader meets; the token rule has its own tests (loginLimits).
    tradovate: { ...OBSERVED_TRADOVATE_LIMITS, tokensPerHour: 100 },
    projectxPerMinute: 200,
  },
};

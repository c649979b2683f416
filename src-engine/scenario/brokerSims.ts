/**
 * The wire simulators and the production adapters that talk to them, by broker. Used wherever the
 * engine runs against simulated brokers: scenarios, the demo, benchmarks, the chaos suite.
 */
import type { Catalog } from '../domain/instruments';
import type { Clock } from '../domain/clock';
import type { Logger } from '../domain/log';
import type { BrokerConnection } from '../orders/broker';
import type { SimExchange } from '../brokers/simcore/exchange';
import type { SimFrontEnd } from '../brokers/simcore/frontend';
import { TradovateSim } from '../brokers/tradovate/sim/tradovateSim';
import { OBSERVED_TRADOVATE_LIMITS, type TradovateLimits } from '../brokers/tradovate/sim/loginLimits';
import { durationMs, type LimitsSpec } from './schema';
import { createTradovateConnection } from '../brokers/tradovate/adapter';
import { ProjectXSim } from '../brokers/projectx/sim/projectxSim';
import { createProjectXConnection } from '../brokers/projectx/adapter';

/** The simulators' request limits per login (scenario `limits`); absent fields keep each simulator's default. */
export interface SimLimits {
  readonly tradovate?: TradovateLimits;
  readonly projectxPerMinute?: number;
}

export const brokerFrontEnds: Record<'tradovate' | 'projectx', (exchange: SimExchange, limits?: SimLimits) => SimFrontEnd> = {
  tradovate: (exchange, limits) => new TradovateSim(exchange, limits?.tradovate ? { limits: limits.tradovate } : {}),
  projectx: (exchange, limits) => new ProjectXSim(exchange, limits?.projectxPerMinute !== undefined ? { rateLimitPerMinute: limits.projectxPerMinute } : {}),
};

/** A scenario's `limits` in the simulators' terms: Tradovate's observed figures for what it leaves out. */
export function simLimits(spec: LimitsSpec | undefined): SimLimits {
  const t = spec?.tradovate;
  const o = OBSERVED_TRADOVATE_LIMITS;
  return {
    ...(t ? { tradovate: { perMinute: t.perMinute ?? o.perMinute, perHour: t.perHour ?? o.perHour, tokensPerHour: t.tokensPerHour ?? o.tokensPerHour, lockoutMs: t.lockout !== undefined ? durationMs(t.lockout) : o.lockoutMs } } : {}),
    ...(spec?.projectx?.perMinute !== undefined ? { projectxPerMinute: spec.projectx.perMinute } : {}),
  };
}

export interface AdapterDeps {
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly log: Logger;
}

/** A production adapter pointed at a running simulator, logged in as `login`. */
export function connectToSim(broker: 'tradovate' | 'projectx', fe: SimFrontEnd, name: string, login: string, secret: string, deps: AdapterDeps): BrokerConnection {
  if (broker === 'tradovate') {
    if (!(fe instanceof TradovateSim)) throw new Error('tradovate simulator not running');
    const urls = fe.urls();
    return createTradovateConnection(
      { name, restUrl: urls.restUrl, wsUrl: urls.wsUrl, mdUrl: urls.mdUrl, username: login, appId: 'Mirrorfill', appVersion: '0.1.0', cid: '0', deviceId: `mirrorfill-${login}` },
      { password: secret, sec: 'simulator' },
      deps,
    );
  }
  if (!(fe instanceof ProjectXSim)) throw new Error('projectx simulator not running');
  const urls = fe.urls();
  return createProjectXConnection({ name, apiUrl: urls.apiUrl, userHubUrl: urls.userHubUrl, marketHubUrl: urls.marketHubUrl, username: login }, { apiKey: secret }, deps);
}

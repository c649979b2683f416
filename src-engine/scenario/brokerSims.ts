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
import { createTradovateConnection } from '../brokers/tradovate/adapter';
import { ProjectXSim } from '../brokers/projectx/sim/projectxSim';
import { createProjectXConnection } from '../brokers/projectx/adapter';

export const brokerFrontEnds: Record<'tradovate' | 'projectx', (exchange: SimExchange) => SimFrontEnd> = {
  tradovate: (exchange) => new TradovateSim(exchange),
  projectx: (exchange) => new ProjectXSim(exchange),
};

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

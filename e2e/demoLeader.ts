/**
 * Trades the demo's leader account by hand, as the trader would in their broker's own platform: an
 * order sent to the demo's simulated Tradovate REST API with the demo login. With the demo's own
 * leader switched off (a long --leader-every-ms), a spec decides exactly when the leader is long,
 * so what the followers hold is known.
 */
import type { Demo } from './demoHost';

async function rest(base: string, endpoint: string, body: unknown, token?: string): Promise<unknown> {
  const res = await fetch(`${base}/${endpoint}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return res.json();
}

/** Places a market order on the demo's leader (DEMO-LEADER) in the front month of `root`. */
export async function leaderMarket(demo: Demo, side: 'Buy' | 'Sell', qty: number, root = 'MNQ'): Promise<void> {
  const base = /Simulated Tradovate at (\S+?),/.exec(demo.output())?.[1];
  if (!base) throw new Error('the demo did not print its Tradovate address');
  const auth = (await rest(base, 'auth/accesstokenrequest', { name: 'demo-trader', password: 'demo-password', appId: 'e2e', appVersion: '1', cid: 0, sec: 'demo', deviceId: 'e2e' })) as { accessToken?: string };
  if (!auth.accessToken) throw new Error(`demo login refused: ${JSON.stringify(auth)}`);
  const symbol = await frontMonth(demo, root);
  const placed = (await rest(base, 'order/placeorder', { accountSpec: 'DEMO-LEADER', action: side, symbol, orderQty: qty, orderType: 'Market', isAutomated: false }, auth.accessToken)) as { orderId?: number; failureText?: string };
  if (placed.orderId === undefined) throw new Error(`leader order refused: ${JSON.stringify(placed)}`);
}

/** The front-month symbol of `root` (NQZ6), as the demo's simulated ProjectX lists its active contracts. */
async function frontMonth(demo: Demo, root: string): Promise<string> {
  const api = /ProjectX at (\S+?)\. Data/.exec(demo.output())?.[1];
  if (!api) throw new Error('the demo did not print its ProjectX address');
  const login = (await rest(api, 'api/Auth/loginKey', { userName: 'demo-px', apiKey: 'demo-api-key' })) as { token?: string };
  if (!login.token) throw new Error(`demo ProjectX login refused: ${JSON.stringify(login)}`);
  const found = (await rest(api, 'api/Contract/search', { searchText: root, live: false }, login.token)) as { contracts?: { name: string }[] };
  const name = found.contracts?.find((c) => c.name.startsWith(root) && /^[FGHJKMNQUVXZ]\d$/.test(c.name.slice(root.length)))?.name;
  if (!name) throw new Error(`no ${root} contract listed: ${JSON.stringify(found)}`);
  return name;
}

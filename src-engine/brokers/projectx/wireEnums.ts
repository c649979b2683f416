/**
 * ProjectX Gateway enumerations and per-endpoint error codes (protocols/projectx.md §9, §10).
 * Error codes are per endpoint: code 2 is OrderRejected on place but OrderNotFound on modify, so
 * every lookup names its endpoint.
 */

export const OrderSide = { Bid: 0, Ask: 1 } as const;
export const OrderType = { Unknown: 0, Limit: 1, Market: 2, StopLimit: 3, Stop: 4, TrailingStop: 5, JoinBid: 6, JoinAsk: 7 } as const;
export const OrderStatus = {
  None: 0,
  Open: 1,
  Filled: 2,
  Cancelled: 3,
  Expired: 4,
  Rejected: 5,
  Pending: 6,
  PendingCancellation: 7,
  Suspended: 8,
} as const;
export const PositionType = { Undefined: 0, Long: 1, Short: 2 } as const;

/** Statuses that are not final: what `/api/Order/v2/query` is asked for to see suspended legs too. */
export const OPEN_STATUSES: readonly number[] = [OrderStatus.Open, OrderStatus.Pending, OrderStatus.PendingCancellation, OrderStatus.Suspended];

export type Endpoint =
  | 'Auth/loginKey'
  | 'Auth/validate'
  | 'Auth/logout'
  | 'Account/search'
  | 'Contract/search'
  | 'Contract/searchById'
  | 'Contract/available'
  | 'Order/search'
  | 'Order/searchOpen'
  | 'Order/v2/query'
  | 'Order/searchById'
  | 'Order/place'
  | 'Order/modify'
  | 'Order/cancel'
  | 'Position/searchOpen'
  | 'Position/closeContract'
  | 'Position/partialCloseContract'
  | 'Trade/search';

const SEARCH_CODES = ['Success', 'AccountNotFound'];

const ERROR_CODES: Record<Endpoint, readonly string[]> = {
  'Auth/loginKey': [
    'Success',
    'UserNotFound',
    'PasswordVerificationFailed',
    'InvalidCredentials',
    'AppNotFound',
    'AppVerificationFailed',
    'InvalidDevice',
    'AgreementsNotSigned',
    'UnknownError',
    'ApiSubscriptionNotFound',
    'ApiKeyAuthenticationDisabled',
  ],
  'Auth/validate': ['Success', 'InvalidSession', 'SessionNotFound', 'ExpiredToken', 'UnknownError'],
  'Auth/logout': ['Success', 'InvalidSession', 'UnknownError'],
  'Account/search': ['Success'],
  'Contract/search': ['Success'],
  'Contract/available': ['Success'],
  'Contract/searchById': ['Success', 'ContractNotFound'],
  'Order/search': SEARCH_CODES,
  'Order/searchOpen': SEARCH_CODES,
  'Order/v2/query': SEARCH_CODES,
  'Position/searchOpen': SEARCH_CODES,
  'Trade/search': SEARCH_CODES,
  'Order/searchById': ['Success', 'OrderNotFound'],
  'Order/place': [
    'Success',
    'AccountNotFound',
    'OrderRejected',
    'InsufficientFunds',
    'AccountViolation',
    'OutsideTradingHours',
    'OrderPending',
    'UnknownError',
    'ContractNotFound',
    'ContractNotActive',
    'AccountRejected',
  ],
  'Order/modify': ['Success', 'AccountNotFound', 'OrderNotFound', 'Rejected', 'Pending', 'UnknownError', 'AccountRejected', 'ContractNotFound'],
  'Order/cancel': ['Success', 'AccountNotFound', 'OrderNotFound', 'Rejected', 'Pending', 'UnknownError', 'AccountRejected'],
  'Position/closeContract': [
    'Success',
    'AccountNotFound',
    'PositionNotFound',
    'ContractNotFound',
    'ContractNotActive',
    'OrderRejected',
    'OrderPending',
    'UnknownError',
    'AccountRejected',
  ],
  'Position/partialCloseContract': [
    'Success',
    'AccountNotFound',
    'PositionNotFound',
    'ContractNotFound',
    'ContractNotActive',
    'InvalidCloseSize',
    'OrderRejected',
    'OrderPending',
    'UnknownError',
    'AccountRejected',
  ],
};

/** The documented name of `code` on `endpoint`, or `Code<n>` for one the docs do not list. */
export function errorCodeName(endpoint: Endpoint, code: number): string {
  return ERROR_CODES[endpoint][code] ?? `Code${code}`;
}

/** The code `name` has on `endpoint` (the simulator answers with these). */
export function errorCode(endpoint: Endpoint, name: string): number {
  const i = ERROR_CODES[endpoint].indexOf(name);
  if (i < 0) throw new Error(`projectx: ${endpoint} has no error code ${name}`);
  return i;
}

/**
 * Codes after which a mutation may or may not have happened (§10 adapter rule): the broker said
 * "pending" or "unknown error", so the outcome has to be looked up, never retried blindly.
 */
const AMBIGUOUS: Partial<Record<Endpoint, readonly string[]>> = {
  'Order/place': ['OrderPending', 'UnknownError'],
  'Order/modify': ['Pending', 'UnknownError'],
  'Order/cancel': ['Pending', 'UnknownError'],
  'Position/closeContract': ['OrderPending', 'UnknownError'],
  'Position/partialCloseContract': ['OrderPending', 'UnknownError'],
};

export function isAmbiguousCode(endpoint: Endpoint, code: number): boolean {
  return AMBIGUOUS[endpoint]?.includes(errorCodeName(endpoint, code)) ?? false;
}

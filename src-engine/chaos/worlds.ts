/** The chaos worlds by name, so a suite profile (plain data) can say which one its runs use. */
import { STANDARD_WORLD, type WorldSpec } from './chaosWorld';
import { SHARED_LOGIN_WORLD } from './sharedLoginWorld';

export const WORLDS = { standard: STANDARD_WORLD, sharedLogin: SHARED_LOGIN_WORLD } as const satisfies Record<string, WorldSpec>;

export type WorldName = keyof typeof WORLDS;

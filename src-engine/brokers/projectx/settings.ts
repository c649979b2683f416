/**
 * What a ProjectX connection is configured with. Hosts are per firm (TopstepX, The Futures Desk,
 * ...), so they are settings, never constants (§1). The API key is a secret and lives apart.
 */
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/ });

export const projectXSettingsSchema = z.object({
  name: z.string().min(1),
  /** REST base, e.g. https://api.topstepx.com (paths start with /api/). */
  apiUrl: httpUrl,
  /** e.g. https://rtc.topstepx.com/hubs/user */
  userHubUrl: httpUrl,
  /** e.g. https://rtc.topstepx.com/hubs/market */
  marketHubUrl: httpUrl,
  /** The platform login name (not the e-mail). */
  username: z.string().min(1),
});

export type ProjectXSettings = z.infer<typeof projectXSettingsSchema>;

export const projectXSecretSchema = z.object({ apiKey: z.string().min(1) });
export type ProjectXSecret = z.infer<typeof projectXSecretSchema>;

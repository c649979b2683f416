/**
 * The sign-in's one-time values: `state` ties the answer to the sign-in this app started (RFC 6749
 * §10.12), the PKCE verifier ties the code to this process (RFC 7636), so a code read off the
 * loopback by another program cannot be redeemed without it.
 */
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes: 43 characters of base64url, the RFC's recommended size. */
export function newCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** S256: base64url(sha256(verifier)). */
export function codeChallengeOf(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function newState(): string {
  return randomBytes(24).toString('base64url');
}

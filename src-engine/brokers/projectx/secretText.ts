/**
 * Free text that may quote a broker message (a protocol error's detail, a malformed body's first
 * bytes) is scrubbed before it is logged or shown: a truncated login answer would otherwise put a
 * session token in the log. The logger redacts fields by name; this covers secrets inside text.
 */
const JSON_SECRET = /("(?:token|newToken|apiKey|password|access_token)"\s*:\s*)"[^"]*("?)/gi;
const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}(?:\.[\w-]*)?/g;
const QUERY_TOKEN = /(access_token=)[^&\s"']+/gi;
const BEARER = /(Bearer\s+)\S+/gi;

export function scrubSecrets(text: string): string {
  return text.replace(JSON_SECRET, '$1"[redacted]$2').replace(JWT, '[redacted-jwt]').replace(QUERY_TOKEN, '$1[redacted]').replace(BEARER, '$1[redacted]');
}

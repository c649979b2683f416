/** A copy of `obj` without `key` (instead of `delete` on a computed key). */
export function omitKey<T extends object>(obj: T, key: string): T {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key)) as T;
}

/** For tests of the engine API: the issues a call was refused with (it fails the test when the call went through). */
export async function refusal(p: Promise<unknown>): Promise<readonly { field: string; message: string }[]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e as { apiError?: { issues: { field: string; message: string }[] } },
  );
  if (!err?.apiError) throw new Error('expected a refusal');
  return err.apiError.issues;
}

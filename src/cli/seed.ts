/** `banyan seed` — not built yet. */
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('banyan seed: not available yet\n');
  return 2;
}

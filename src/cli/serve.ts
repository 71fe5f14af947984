/** `banyan serve` — not built yet. */
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('banyan serve: not available yet\n');
  return 2;
}

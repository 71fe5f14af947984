import { createBanyan } from '../app.js';
import { seedDemoData } from '../demo/seed.js';
import { loadConfig } from '../platform/config.js';

/** `banyan seed`: load the demo trees and rules (idempotent: what exists is kept). */
export async function run(_argv: string[]): Promise<number> {
  const config = loadConfig({ ...process.env, DEMO_DATA: 'false', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const banyan = await createBanyan(config);
  try {
    const report = await seedDemoData(
      { trees: banyan.modules.get('trees').service, rules: banyan.modules.get('rules') },
      { factorTreesActive: config.demoFactorTreesActive },
    );
    process.stdout.write(
      `seeded ${report.trees.length} tree(s) and ${report.rules.length} rule(s)${report.trees.length + report.rules.length === 0 ? ' (already present)' : ''}\n`,
    );
    return 0;
  } finally {
    await banyan.close();
  }
}

import { AppError } from '../platform/errors.js';
import type { RulesService } from '../rules/index.js';
import type { TreesService } from '../trees/index.js';
import { type UsersService, DEMO_USERS } from '../users/index.js';
import { demoFactorRules, demoFactorTrees } from './factors.js';
import { demoRules } from './rules.js';
import { demoTrees } from './trees.js';

export interface SeedReport {
  readonly trees: string[];
  readonly rules: string[];
  /** Catalogue trees not loaded because what they refer to is missing (e.g. no sandbox systems). */
  readonly skipped: string[];
}

const SEEDER = { actor: { username: 'system', roles: ['ADMIN' as const] }, requestId: undefined };

/**
 * Load the document's demo trees and rules, and the factor catalogue; anything already there is
 * left alone (idempotent). The catalogue's trees are INACTIVE unless `factorTreesActive`: they are
 * examples to copy, and live they would join every evaluate-all (some call external systems).
 */
export async function seedDemoData(deps: { trees: TreesService; rules: RulesService }, options: { factorTreesActive?: boolean } = {}): Promise<SeedReport> {
  const report: SeedReport = { trees: [], rules: [], skipped: [] };
  const factorStatus = options.factorTreesActive ? 'ACTIVE' : 'INACTIVE';
  const catalogue = demoFactorTrees.map((entry) => ({ ...entry, tree: { ...entry.tree, status: factorStatus } as const }));
  // Rules first: DROOLS_RULE nodes of the catalogue refer to them.
  const existing = new Set((await deps.rules.list({ page: 0, size: 500 })).content.map((r) => r.name));
  for (const rule of [...demoRules, ...demoFactorRules]) {
    if (existing.has(rule.name)) continue;
    await deps.rules.create(rule, SEEDER);
    report.rules.push(rule.name);
  }
  for (const { tree, priority } of [...demoTrees, ...catalogue]) {
    const id = tree.treeId ?? tree.name;
    if (await deps.trees.current(id)) continue;
    const input = {
      treeId: id,
      name: tree.name,
      ...(tree.description ? { description: tree.description } : {}),
      status: tree.status ?? 'ACTIVE',
      priority,
      rootNode: tree.rootNode as never,
    };
    try {
      await deps.trees.create(input, SEEDER);
      report.trees.push(id);
    } catch (error) {
      // A catalogue example whose external system is not registered (no sandbox, e.g. in production) is skipped, not fatal.
      if (!(error instanceof AppError) || !catalogue.some((c) => c.tree.treeId === id)) throw error;
      report.skipped.push(id);
    }
  }
  return report;
}

/** The document's demo users (admin/admin123 …). Never called in production. */
export async function seedDemoUsers(users: UsersService): Promise<void> {
  for (const user of DEMO_USERS) await users.createIfMissing(user.username, user.password, user.roles, true);
}

import type { Kysely } from 'kysely';
import { validateTree } from '../engine/index.js';
import type { Diagnostic, NodeDefinition, TreeCompileOptions, TreeDefinition } from '../engine/types.js';
import type { ChangeRecorder, RequestContext } from '../platform/changes.js';
import { newId } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { invalidContent } from '../platform/diagnostics.js';
import { AppError } from '../platform/errors.js';
import { pageOf, type Page, type SortOrder } from '../platform/paging.js';
import * as repo from './trees.repository.js';
import type { TreeInput, TreeSummary, TreeView } from './trees.schema.js';

export { TREE_SORT_PROPERTIES } from './trees.repository.js';

export const MAX_TREE_NODES = 2000;
export const MAX_TREE_DEPTH = 50;

export interface TreesService {
  list(filter: { status?: string; page: number; size: number; sort?: readonly SortOrder[] }): Promise<Page<TreeSummary>>;
  get(id: string): Promise<TreeView>;
  create(input: TreeInput, ctx: RequestContext): Promise<TreeView>;
  update(id: string, input: TreeInput, ctx: RequestContext): Promise<TreeView>;
  remove(id: string, ctx: RequestContext): Promise<void>;
  /** Active trees (id, version, priority), highest priority first. */
  activeRefs(): Promise<repo.ActiveTreeRef[]>;
  /** One version's definition, deleted trees included (for evaluation caches and replay). */
  definition(id: string, version: number): Promise<TreeDefinition | undefined>;
  /** The current row if the tree exists and is not deleted. */
  current(id: string): Promise<TreeView | undefined>;
  /** Called after every committed change (cache invalidation). */
  onChange(listener: (treeId: string) => void): void;
}

export interface TreesDeps {
  readonly db: Kysely<Tables>;
  readonly changes: ChangeRecorder;
  /** The same command handlers evaluation uses, so a tree needing an unknown one is rejected. */
  readonly compileOptions?: () => TreeCompileOptions;
  /** Host checks the engine cannot make: referenced systems, queries and rules exist (see node-references.ts). */
  readonly validateReferences?: (tree: TreeDefinition) => Promise<Diagnostic[]>;
}

const notFound = (id: string) => new AppError('RESOURCE_NOT_FOUND', { zh: `決策樹不存在: ${id}`, en: `Decision tree not found: ${id}` });

function measure(node: NodeDefinition, depth = 1): { nodes: number; depth: number } {
  let nodes = 1;
  let max = depth;
  for (const child of node.children ?? []) {
    const m = measure(child, depth + 1);
    nodes += m.nodes;
    max = Math.max(max, m.depth);
    if (nodes > MAX_TREE_NODES || max > MAX_TREE_DEPTH) break;
  }
  return { nodes, depth: max };
}

export function createTreesService(deps: TreesDeps): TreesService {
  const { db } = deps;
  const listeners: ((id: string) => void)[] = [];
  const changed = (id: string) => listeners.forEach((l) => l(id));

  async function check(input: TreeInput): Promise<TreeDefinition> {
    const definition: TreeDefinition = {
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      status: input.status ?? 'DRAFT',
      rootNode: input.rootNode as NodeDefinition,
    };
    const size = measure(definition.rootNode);
    if (size.nodes > MAX_TREE_NODES || size.depth > MAX_TREE_DEPTH) {
      throw new AppError('VALIDATION_FAILED', {
        zh: `決策樹過大: 最多 ${MAX_TREE_NODES} 個節點、深度 ${MAX_TREE_DEPTH}`,
        en: `Tree too large: at most ${MAX_TREE_NODES} nodes and depth ${MAX_TREE_DEPTH}`,
      });
    }
    const diagnostics = validateTree(definition, deps.compileOptions?.());
    if (diagnostics.length === 0 && deps.validateReferences) diagnostics.push(...(await deps.validateReferences(definition)));
    if (diagnostics.length > 0) throw invalidContent({ zh: '決策樹', en: 'Decision tree' }, diagnostics, 'rootNode.');
    return definition;
  }

  async function load(id: string): Promise<repo.StoredTree> {
    const stored = await repo.findTree(db, id);
    if (!stored) throw notFound(id);
    return stored;
  }

  return {
    async list(filter) {
      const { rows, total } = await repo.listTrees(db, filter);
      return pageOf(rows, filter.page, filter.size, total, filter.sort);
    },
    async get(id) {
      return repo.toView(await load(id));
    },
    async current(id) {
      const stored = await repo.findTree(db, id);
      return stored ? repo.toView(stored) : undefined;
    },
    async create(input, ctx) {
      const definition = await check(input);
      const id = input.treeId ?? newId();
      if (await repo.treeIdTaken(db, id)) {
        throw new AppError('DUPLICATE_RESOURCE', { zh: `決策樹ID已存在: ${id}`, en: `Decision tree id already exists: ${id}` });
      }
      const actor = ctx.actor?.username ?? null;
      await db.transaction().execute((trx) =>
        repo.writeVersion(
          trx,
          {
            id,
            version: 1,
            name: input.name,
            description: input.description ?? null,
            status: definition.status ?? 'DRAFT',
            priority: input.priority ?? 0,
            definition: { ...definition, treeId: id },
            actor,
          },
          true,
        ),
      );
      const view = repo.toView(await load(id));
      await deps.changes.record({
        entity: 'DECISION_TREE',
        entityId: id,
        action: 'CREATE',
        actor: ctx.actor,
        requestId: ctx.requestId,
        before: null,
        after: view,
      });
      changed(id);
      return view;
    },
    async update(id, input, ctx) {
      if (input.treeId !== undefined && input.treeId !== id) {
        throw new AppError('BUSINESS_RULE_VIOLATION', { zh: '不能變更決策樹ID', en: 'The tree id cannot be changed' });
      }
      const before = repo.toView(await load(id));
      const definition = await check(input);
      const actor = ctx.actor?.username ?? null;
      await db.transaction().execute(async (trx) => {
        // Optimistic check inside the transaction: two concurrent updates cannot both write version n+1
        // (the version primary key rejects the second).
        await repo.writeVersion(
          trx,
          {
            id,
            version: before.version + 1,
            name: input.name,
            description: input.description ?? null,
            status: definition.status ?? 'DRAFT',
            priority: input.priority ?? before.priority,
            definition: { ...definition, treeId: id },
            actor,
          },
          false,
        );
      });
      const after = repo.toView(await load(id));
      await deps.changes.record({ entity: 'DECISION_TREE', entityId: id, action: 'UPDATE', actor: ctx.actor, requestId: ctx.requestId, before, after });
      changed(id);
      return after;
    },
    async remove(id, ctx) {
      const before = repo.toView(await load(id));
      await repo.softDeleteTree(db, id, ctx.actor?.username ?? null);
      await deps.changes.record({ entity: 'DECISION_TREE', entityId: id, action: 'DELETE', actor: ctx.actor, requestId: ctx.requestId, before, after: null });
      changed(id);
    },
    activeRefs: () => repo.listActiveTreeRefs(db),
    definition: (id, version) => repo.findVersion(db, id, version),
    onChange(listener) {
      listeners.push(listener);
    },
  };
}

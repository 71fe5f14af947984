import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { NodeDefinition, TreeDefinition } from '../engine/types.js';
import type { Tables } from '../platform/db/tables.js';
import type { SortOrder } from '../platform/paging.js';
import { fromDbTimestamp, fromJson, newId, toDbTimestamp, toJson } from '../platform/db/sql.js';
import type { TreeSummary, TreeView } from './trees.schema.js';
import type { DecisionNodeTable, DecisionTreeTable } from './trees.tables.js';

type Db = Kysely<Tables> | Transaction<Tables>;

export interface StoredTree {
  readonly summary: TreeSummary;
  readonly definition: TreeDefinition;
}

function summarize(row: Selectable<DecisionTreeTable>): TreeSummary {
  return {
    id: row.id,
    treeId: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    version: row.version,
    priority: row.priority,
    rootNodeId: row.root_node_id,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    createdAt: fromDbTimestamp(row.created_at) ?? '',
    updatedAt: fromDbTimestamp(row.updated_at) ?? '',
  };
}

export function toView(stored: StoredTree): TreeView {
  return { ...stored.summary, rootNode: stored.definition.rootNode };
}

/** API property → column, for `sort=` (Spring's Sort on the entity's properties). */
const TREE_SORT = {
  id: 'id',
  treeId: 'id',
  name: 'name',
  status: 'status',
  version: 'version',
  priority: 'priority',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const;
export const TREE_SORT_PROPERTIES = Object.keys(TREE_SORT);

export async function listTrees(
  db: Db,
  filter: { status?: string; page: number; size: number; sort?: readonly SortOrder[] },
): Promise<{ rows: TreeSummary[]; total: number }> {
  let query = db.selectFrom('decision_trees').where('deleted_at', 'is', null);
  if (filter.status) query = query.where('status', '=', filter.status);
  let select = query.selectAll();
  for (const order of filter.sort ?? [])
    select = select.orderBy(TREE_SORT[order.property as keyof typeof TREE_SORT], order.direction === 'DESC' ? 'desc' : 'asc');
  const [rows, count] = await Promise.all([
    // The default order stays as the tie-breaker, so pages of a sorted list are stable.
    select
      .orderBy('priority', 'desc')
      .orderBy('created_at', 'asc')
      .orderBy('id')
      .limit(filter.size)
      .offset(filter.page * filter.size)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(summarize), total: Number(count.n) };
}

export async function findTree(db: Db, id: string, version?: number): Promise<StoredTree | undefined> {
  const row = await db.selectFrom('decision_trees').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) return undefined;
  const snapshot = await db
    .selectFrom('decision_tree_versions')
    .select('definition')
    .where('tree_id', '=', id)
    .where('version', '=', version ?? row.version)
    .executeTakeFirst();
  if (!snapshot) return undefined;
  return { summary: summarize(row), definition: fromJson<TreeDefinition>(snapshot.definition) };
}

/** Any row with this id, deleted or not (ids are never reused). */
export async function treeIdTaken(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('decision_trees').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export interface ActiveTreeRef {
  readonly id: string;
  readonly version: number;
  readonly priority: number;
  readonly name: string;
}

export async function listActiveTreeRefs(db: Db): Promise<ActiveTreeRef[]> {
  return db
    .selectFrom('decision_trees')
    .select(['id', 'version', 'priority', 'name'])
    .where('status', '=', 'ACTIVE')
    .where('deleted_at', 'is', null)
    .orderBy('priority', 'desc')
    .orderBy('created_at', 'asc')
    .execute();
}

/** The immutable snapshot of one version, deleted trees included (audit replay needs them). */
export async function findVersion(db: Db, id: string, version: number): Promise<TreeDefinition | undefined> {
  const row = await db.selectFrom('decision_tree_versions').select('definition').where('tree_id', '=', id).where('version', '=', version).executeTakeFirst();
  return row ? fromJson<TreeDefinition>(row.definition) : undefined;
}

interface WriteTree {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly description: string | null;
  readonly status: string;
  readonly priority: number;
  readonly definition: TreeDefinition;
  readonly actor: string | null;
}

/** Write one version: its nodes (normalised rows), its snapshot, and the tree row pointing at it. */
export async function writeVersion(trx: Transaction<Tables>, tree: WriteTree, isNew: boolean): Promise<void> {
  const now = toDbTimestamp();
  if (isNew) {
    await trx
      .insertInto('decision_trees')
      .values({
        id: tree.id,
        name: tree.name,
        description: tree.description,
        status: tree.status,
        root_node_id: null,
        version: tree.version,
        priority: tree.priority,
        created_by: tree.actor,
        updated_by: tree.actor,
        deleted_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  const rows: Insertable<DecisionNodeTable>[] = [];
  const visit = (node: NodeDefinition, parentId: string | null, position: number, path: string): string => {
    const id = newId();
    rows.push({
      id,
      tree_id: tree.id,
      version: tree.version,
      node_type: node.nodeType,
      parent_id: parentId,
      node_key: node.nodeId ?? path,
      position,
      configuration: toJson(node.configuration),
      created_at: now,
    });
    (node.children ?? []).forEach((child, i) => visit(child, id, i, `${path}/${i}`));
    return id;
  };
  const rootId = visit(tree.definition.rootNode, null, 0, 'root');
  for (let i = 0; i < rows.length; i += 200)
    await trx
      .insertInto('decision_nodes')
      .values(rows.slice(i, i + 200))
      .execute();
  await trx
    .insertInto('decision_tree_versions')
    .values({
      tree_id: tree.id,
      version: tree.version,
      name: tree.name,
      status: tree.status,
      definition: toJson(tree.definition),
      created_by: tree.actor,
      created_at: now,
    })
    .execute();
  await trx
    .updateTable('decision_trees')
    .set({
      name: tree.name,
      description: tree.description,
      status: tree.status,
      priority: tree.priority,
      version: tree.version,
      root_node_id: rootId,
      updated_by: tree.actor,
      updated_at: now,
    })
    .where('id', '=', tree.id)
    .execute();
}

export async function softDeleteTree(db: Db, id: string, actor: string | null): Promise<void> {
  const now = toDbTimestamp();
  await db.updateTable('decision_trees').set({ status: 'INACTIVE', deleted_at: now, updated_at: now, updated_by: actor }).where('id', '=', id).execute();
}

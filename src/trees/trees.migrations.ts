import type { Migration } from 'kysely';
import { columnTypes, withManagedColumns } from '../platform/db/sql.js';

export const treesMigrations: Record<string, Migration> = {
  '2026_11_21_0100_decision_trees': {
    async up(db) {
      const { dialect, ts, json } = columnTypes(db);
      await withManagedColumns(
        db.schema
          .createTable('decision_trees')
          .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
          .addColumn('name', 'varchar(100)', (c) => c.notNull())
          .addColumn('description', 'text')
          .addColumn('status', 'varchar(20)', (c) => c.notNull())
          // FK to decision_nodes(id) is added below once that table exists (circular reference).
          .addColumn('root_node_id', 'varchar(36)')
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0)),
        ts,
      ).execute();
      await db.schema.createIndex('idx_tree_status').on('decision_trees').column('status').execute();

      await db.schema
        .createTable('decision_nodes')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('tree_id', 'varchar(36)', (c) => c.notNull().references('decision_trees.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('node_type', 'varchar(20)', (c) => c.notNull())
        .addColumn('parent_id', 'varchar(36)', (c) => c.references('decision_nodes.id'))
        .addColumn('node_key', 'varchar(100)', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('configuration', json, (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_node_tree_version').on('decision_nodes').columns(['tree_id', 'version']).execute();
      if (dialect === 'postgres') {
        await db.schema.alterTable('decision_trees').addForeignKeyConstraint('fk_tree_root_node', ['root_node_id'], 'decision_nodes', ['id']).execute();
      }

      await db.schema
        .createTable('decision_tree_versions')
        .addColumn('tree_id', 'varchar(36)', (c) => c.notNull().references('decision_trees.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('definition', json, (c) => c.notNull())
        .addColumn('created_by', 'varchar(100)')
        .addColumn('created_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('pk_decision_tree_versions', ['tree_id', 'version'])
        .execute();
    },
  },
};

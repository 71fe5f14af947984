import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import { dialectOf, jsonType, timestampType } from '../platform/db/sql.js';
import { GENESIS_HASH } from './audit.tables.js';
import { ensureUpcomingPartitions } from './partitions.js';

type Builder = CreateTableBuilder<string, string>;

/**
 * The audit tables of seed 002 (request_logs, audit_trails, decision_steps, system_events) plus
 * external_call_logs, database_query_logs and the hash-chain head.
 *
 * Deviations, on purpose:
 * - PostgreSQL: the log tables are PARTITION BY RANGE (created_at), and a partitioned table's
 *   primary key / unique constraints must contain the partition key, so the key is
 *   (id, created_at) and request_logs.request_id is indexed but not declared UNIQUE there
 *   (ids are UUIDs; on SQLite it is UNIQUE as documented).
 * - No foreign keys from decision_steps to request_logs / decision_trees: steps are kept 1 year,
 *   request logs 3 months (the document's own retention would violate the key), and a partitioned
 *   table cannot be referenced by request_id alone.
 * - decision_steps.node_id is VARCHAR(100): nodes without a nodeId are named by position
 *   (`root/0/3/1`), which exceeds 36 characters in deep trees.
 */
function logTable(db: Kysely<unknown>, name: string, columns: (t: Builder) => Builder): Builder {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  let t = db.schema.createTable(name) as unknown as Builder;
  t = t.addColumn('id', 'varchar(36)', (c) => (dialect === 'postgres' ? c.notNull() : c.primaryKey()));
  t = columns(t);
  t = t.addColumn('created_at', ts, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`));
  if (dialect === 'postgres') t = t.addPrimaryKeyConstraint(`${name}_pkey`, ['id', 'created_at']).modifyEnd(sql`partition by range (created_at)`);
  return t;
}

export const auditMigrations: Record<string, Migration> = {
  '2026_11_21_0500_audit_tables': {
    async up(db) {
      const dialect = dialectOf(db);
      const ts = timestampType(dialect);
      // JSON, not JSONB, on PostgreSQL: these tables are written far more than searched, json is
      // only validated on insert (jsonb is re-encoded), and it keeps the payload byte for byte.
      const json = dialect === 'postgres' ? sql`json` : jsonType(dialect);

      await logTable(db, 'request_logs', (t) =>
        t
          .addColumn('request_id', 'varchar(36)', (c) => c.notNull())
          .addColumn('api_endpoint', 'varchar(200)', (c) => c.notNull())
          .addColumn('http_method', 'varchar(10)', (c) => c.notNull())
          .addColumn('request_payload', json, (c) => c.notNull())
          .addColumn('response_payload', json)
          .addColumn('response_status', 'integer')
          .addColumn('client_ip', 'varchar(45)')
          .addColumn('user_agent', 'text')
          .addColumn('processing_time_ms', 'integer')
          .addColumn('completed_at', ts),
      ).execute();
      const requestIdIndex = db.schema.createIndex('idx_request_id').on('request_logs').column('request_id');
      await (dialect === 'sqlite' ? requestIdIndex.unique() : requestIdIndex).execute();
      await db.schema.createIndex('idx_endpoint_date').on('request_logs').columns(['api_endpoint', 'created_at']).execute();

      await logTable(db, 'audit_trails', (t) =>
        t
          .addColumn('request_id', 'varchar(36)', (c) => c.notNull())
          .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
          .addColumn('operation_type', 'varchar(50)', (c) => c.notNull())
          .addColumn('operation_details', json, (c) => c.notNull())
          .addColumn('execution_time_ms', 'integer')
          .addColumn('status', 'varchar(20)', (c) => c.notNull())
          .addColumn('error_message', 'text')
          .addColumn('tree_id', 'varchar(36)')
          .addColumn('tree_version', 'integer')
          .addColumn('outcome', json)
          .addColumn('actor', 'varchar(100)')
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
          .addColumn('hash', 'varchar(64)', (c) => c.notNull()),
      ).execute();
      await db.schema.createIndex('idx_audit_request_id').on('audit_trails').column('request_id').execute();
      await db.schema.createIndex('idx_audit_customer_operation').on('audit_trails').columns(['customer_id', 'operation_type']).execute();
      await db.schema.createIndex('idx_audit_created_at').on('audit_trails').column('created_at').execute();
      // Not in the document: trails by customer newest first, the chain walk, and the report scan.
      await db.schema.createIndex('idx_audit_customer_date').on('audit_trails').columns(['customer_id', 'created_at']).execute();
      await db.schema.createIndex('idx_audit_seq').on('audit_trails').column('seq').execute();
      await db.schema.createIndex('idx_audit_operation_date').on('audit_trails').columns(['operation_type', 'created_at']).execute();

      await logTable(db, 'decision_steps', (t) =>
        t
          .addColumn('request_id', 'varchar(36)', (c) => c.notNull())
          .addColumn('tree_id', 'varchar(36)', (c) => c.notNull())
          .addColumn('node_id', 'varchar(100)', (c) => c.notNull())
          .addColumn('step_order', 'integer', (c) => c.notNull())
          .addColumn('node_type', 'varchar(20)', (c) => c.notNull())
          .addColumn('command_type', 'varchar(30)', (c) => c.notNull())
          .addColumn('input_data', json, (c) => c.notNull())
          .addColumn('output_data', json)
          .addColumn('execution_time_ms', 'integer')
          .addColumn('status', 'varchar(20)', (c) => c.notNull())
          .addColumn('error_details', 'text'),
      ).execute();
      await db.schema.createIndex('idx_decision_request_step').on('decision_steps').columns(['request_id', 'step_order']).execute();
      await db.schema.createIndex('idx_decision_tree_node').on('decision_steps').columns(['tree_id', 'node_id']).execute();

      await logTable(db, 'system_events', (t) =>
        t
          .addColumn('event_type', 'varchar(50)', (c) => c.notNull())
          .addColumn('event_category', 'varchar(30)', (c) => c.notNull())
          .addColumn('event_details', json, (c) => c.notNull())
          .addColumn('severity_level', 'varchar(20)', (c) => c.notNull())
          .addColumn('source_component', 'varchar(100)', (c) => c.notNull())
          .addColumn('correlation_id', 'varchar(36)'),
      ).execute();
      await db.schema.createIndex('idx_event_type_date').on('system_events').columns(['event_type', 'created_at']).execute();
      await db.schema.createIndex('idx_event_correlation_id').on('system_events').column('correlation_id').execute();
      await db.schema.createIndex('idx_event_severity_date').on('system_events').columns(['severity_level', 'created_at']).execute();

      await logTable(db, 'external_call_logs', (t) =>
        t
          .addColumn('request_id', 'varchar(36)', (c) => c.notNull())
          .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
          .addColumn('tree_id', 'varchar(36)', (c) => c.notNull())
          .addColumn('node_id', 'varchar(100)', (c) => c.notNull())
          .addColumn('system', 'varchar(50)', (c) => c.notNull())
          .addColumn('endpoint', 'varchar(200)', (c) => c.notNull())
          .addColumn('method', 'varchar(10)', (c) => c.notNull())
          .addColumn('request_payload', json)
          .addColumn('response_payload', json)
          .addColumn('response_status', 'integer')
          .addColumn('latency_ms', 'integer', (c) => c.notNull())
          .addColumn('status', 'varchar(20)', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('error_message', 'text')
          .addColumn('started_at', ts, (c) => c.notNull()),
      ).execute();
      await db.schema.createIndex('idx_ext_request_id').on('external_call_logs').column('request_id').execute();
      await db.schema.createIndex('idx_ext_customer_date').on('external_call_logs').columns(['customer_id', 'created_at']).execute();
      await db.schema.createIndex('idx_ext_endpoint_date').on('external_call_logs').columns(['endpoint', 'created_at']).execute();

      await logTable(db, 'database_query_logs', (t) =>
        t
          .addColumn('request_id', 'varchar(36)', (c) => c.notNull())
          .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
          .addColumn('tree_id', 'varchar(36)', (c) => c.notNull())
          .addColumn('node_id', 'varchar(100)', (c) => c.notNull())
          .addColumn('query_name', 'varchar(100)', (c) => c.notNull())
          .addColumn('query_type', 'varchar(50)', (c) => c.notNull())
          .addColumn('parameters', json)
          .addColumn('row_count', 'integer', (c) => c.notNull())
          .addColumn('result', json)
          .addColumn('latency_ms', 'integer', (c) => c.notNull())
          .addColumn('status', 'varchar(20)', (c) => c.notNull())
          .addColumn('error_message', 'text')
          .addColumn('started_at', ts, (c) => c.notNull()),
      ).execute();
      await db.schema.createIndex('idx_dbq_request_id').on('database_query_logs').column('request_id').execute();
      await db.schema.createIndex('idx_dbq_customer_date').on('database_query_logs').columns(['customer_id', 'created_at']).execute();
      await db.schema.createIndex('idx_dbq_type_date').on('database_query_logs').columns(['query_type', 'created_at']).execute();

      await db.schema
        .createTable('audit_chain_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'varchar(64)', (c) => c.notNull())
        .execute();
      await sql`insert into audit_chain_head (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);

      if (dialect === 'postgres') await ensureUpcomingPartitions(db as never, 3);
    },
  },
  // The request id is always the server's; what a client sends (X-Correlation-Id / X-Request-Id)
  // is kept here, apart, so a repeated client id can never merge two requests' audit rows.
  // On a partitioned PostgreSQL table the column and the index propagate to every partition.
  '2026_12_04_0100_request_correlation_id': {
    async up(db) {
      await db.schema.alterTable('request_logs').addColumn('correlation_id', 'varchar(128)').execute();
      await db.schema.createIndex('idx_request_correlation_id').on('request_logs').column('correlation_id').execute();
    },
  },
  // Each trail names the hash scheme that computed its hash, so verify picks the scheme by row and
  // a new scheme can be introduced without breaking the old rows. Every row written before this
  // migration was hashed with scheme 2 (hash.ts), hence the default; the writer always sets it.
  // audit_trails is the only audit table that stores a hash (audit_chain_head holds a copy of the
  // last one). On a partitioned PostgreSQL table the column propagates to every partition.
  '2026_12_04_2300_audit_hash_version': {
    async up(db) {
      await db.schema
        .alterTable('audit_trails')
        .addColumn('hash_version', 'integer', (c) => c.notNull().defaultTo(2))
        .execute();
    },
  },
};

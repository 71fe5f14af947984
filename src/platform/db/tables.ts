/**
 * The database's table map. Each module declares its own tables by augmenting this interface
 * (`declare module '../platform/db/tables.js' { interface Tables { … } }`), so modules own their
 * models while Kysely still sees one typed schema.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Tables {}

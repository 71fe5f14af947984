/** Public API of the trees module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createTreesService, MAX_TREE_DEPTH, MAX_TREE_NODES, type TreesDeps, type TreesService } from './trees.service.js';
export { createReferenceValidator, type ReferenceLookups } from './node-references.js';
export type { ActiveTreeRef } from './trees.repository.js';
export type { TreeInput, TreeSummary, TreeView } from './trees.schema.js';
export { vipCustomerTree } from './examples.js';

/**
 * TEMPORARY: stand-ins for the tree compiler while it is built on the `engine-core` branch.
 * When that branch merges, delete this file and import from './index.js'.
 */
import { EngineError, type CompiledTree, type Diagnostic, type TreeCompileOptions, type TreeDefinition } from './types.js';

export function validateTree(_tree: TreeDefinition, _options?: TreeCompileOptions): Diagnostic[] {
  return [];
}

export function compileTree(tree: TreeDefinition, _options?: TreeCompileOptions): CompiledTree {
  throw new EngineError('NOT_SUPPORTED', `tree compiler not built yet: ${tree.name}`);
}

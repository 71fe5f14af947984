import { EngineError, type CompiledTree, type Diagnostic, type TreeCompileOptions, type TreeDefinition } from '../types.js';

/** Placeholder until the tree compiler lands on this branch. */
export function validateTree(_tree: TreeDefinition, _options?: TreeCompileOptions): Diagnostic[] {
  return [];
}

export function compileTree(tree: TreeDefinition, _options?: TreeCompileOptions): CompiledTree {
  throw new EngineError('NOT_SUPPORTED', `tree compiler not built yet: ${tree.name}`);
}

import { LRUCache } from 'lru-cache';
import { compileTree } from '../engine/index.js';
import type { CompiledTree, TreeCompileOptions } from '../engine/types.js';
import type { ActiveTreeRef, TreesService } from '../trees/index.js';

export interface LoadedTree {
  readonly ref: ActiveTreeRef;
  readonly compiled: CompiledTree;
}

/**
 * Compiled trees, cached by (id, version). Versions are immutable, so a cached compilation is never
 * stale; only the list of active trees can change. That list is invalidated at once by this
 * process's own writes and re-read after `ttlMs` to see other processes' writes.
 */
export class TreeCatalog {
  private readonly compiled = new LRUCache<string, CompiledTree>({ max: 500 });
  private active: { refs: ActiveTreeRef[]; at: number; loaded?: LoadedTree[] } | undefined;

  constructor(
    private readonly trees: TreesService,
    private readonly options: () => TreeCompileOptions,
    private readonly ttlMs: number,
  ) {
    trees.onChange(() => this.invalidate());
  }

  invalidate(): void {
    this.active = undefined;
  }

  /**
   * The active trees without a round trip when the list is fresh and compiled (the evaluate path's
   * common case: no await, no microtask hops); undefined means "ask `activeTrees()`".
   */
  cachedActiveTrees(): readonly LoadedTree[] | undefined {
    const active = this.active;
    return active?.loaded && Date.now() - active.at <= this.ttlMs ? active.loaded : undefined;
  }

  /** Active trees, highest priority first. */
  async activeTrees(): Promise<readonly LoadedTree[]> {
    const now = Date.now();
    if (!this.active || now - this.active.at > this.ttlMs) this.active = { refs: await this.trees.activeRefs(), at: now };
    const active = this.active;
    if (active.loaded) return active.loaded;
    const loaded: LoadedTree[] = [];
    for (const ref of active.refs) {
      const compiled = await this.version(ref.id, ref.version);
      if (compiled) loaded.push({ ref, compiled });
    }
    // Cached only if nothing invalidated the list meanwhile (a tree written during the awaits).
    if (this.active === active && loaded.length === active.refs.length) active.loaded = loaded;
    return loaded;
  }

  /** A tree by id if it exists and is ACTIVE (what `treeId` in an evaluate request may name). */
  async activeTree(id: string): Promise<LoadedTree | undefined> {
    const view = await this.trees.current(id);
    if (!view || view.status !== 'ACTIVE') return undefined;
    const compiled = await this.version(id, view.version);
    return compiled ? { ref: { id, version: view.version, priority: view.priority, name: view.name }, compiled } : undefined;
  }

  /** Any stored version, compiled (audit replay uses old versions). */
  async version(id: string, version: number): Promise<CompiledTree | undefined> {
    const key = `${id}@${version}`;
    const hit = this.compiled.get(key);
    if (hit) return hit;
    const definition = await this.trees.definition(id, version);
    if (!definition) return undefined;
    const compiled = compileTree({ ...definition, treeId: id }, this.options());
    this.compiled.set(key, compiled);
    return compiled;
  }
}

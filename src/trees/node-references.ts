import { compileDrl, compileSpel } from '../engine/index.js';
import { EngineError, type Diagnostic, type NodeDefinition, type TreeDefinition } from '../engine/types.js';

/**
 * What a tree's outside-reaching nodes refer to must exist when the tree is written, and their
 * embedded SpEL must compile — the same promise the management API makes for conditions: a tree
 * that cannot run is rejected, naming the node, instead of failing at evaluation.
 */
export interface ReferenceLookups {
  externalSystem(name: string): Promise<boolean>;
  namedQuery(name: string): Promise<boolean>;
  /** ACTIVE DROOLS rules: each row's name and DRL. */
  droolsRules(): Promise<readonly { readonly name: string; readonly content: string }[]>;
}

const POLICIES = new Set(['FALSE', 'TRUE', 'FAIL']);

export function createReferenceValidator(lookups: ReferenceLookups): (tree: TreeDefinition) => Promise<Diagnostic[]> {
  return async (tree) => {
    const diagnostics: Diagnostic[] = [];
    let drools: Promise<{ name: string; has: (rule: string) => boolean }[]> | undefined;
    const loadDrools = () =>
      (drools ??= lookups.droolsRules().then((rows) =>
        rows.map((row) => {
          try {
            const set = compileDrl(row.content);
            return { name: row.name, has: (rule: string) => set.has(rule) };
          } catch {
            return { name: row.name, has: () => false };
          }
        }),
      ));

    const spel = (nodeId: string, field: string, source: unknown) => {
      if (typeof source !== 'string') return;
      try {
        compileSpel(source);
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        for (const d of error.diagnostics) diagnostics.push({ ...d, nodeId, field: `configuration.${field}` });
      }
    };
    const missing = (nodeId: string, field: string, message: string) =>
      diagnostics.push({ code: 'UNKNOWN_REFERENCE', message, nodeId, field: `configuration.${field}` });

    const visit = async (node: NodeDefinition, path: string): Promise<void> => {
      const nodeId = node.nodeId ?? path;
      const config = node.configuration;
      switch (config.commandType) {
        case 'EXTERNAL_SYSTEM': {
          const system = config['system'];
          if (typeof system !== 'string' || system === '') missing(nodeId, 'system', 'configuration.system is required');
          else if (!(await lookups.externalSystem(system))) missing(nodeId, 'system', `external system '${system}' is not registered or not ACTIVE`);
          spel(nodeId, 'condition', config['condition']);
          const policy = config['onUnavailable'];
          if (policy !== undefined && !POLICIES.has(String(policy))) missing(nodeId, 'onUnavailable', 'onUnavailable must be FALSE, TRUE or FAIL');
          break;
        }
        case 'DATABASE_QUERY': {
          const query = config['query'];
          if (typeof query !== 'string' || query === '') missing(nodeId, 'query', 'configuration.query is required');
          else if (!(await lookups.namedQuery(query))) missing(nodeId, 'query', `unknown named query '${query}'`);
          const matchWhen = config['matchWhen'];
          if (typeof matchWhen === 'string' && matchWhen !== 'FOUND' && matchWhen !== 'NOT_FOUND') spel(nodeId, 'matchWhen', matchWhen);
          const params = config['params'];
          if (params !== null && typeof params === 'object') {
            for (const [name, value] of Object.entries(params)) if (typeof value === 'string' && value.startsWith('#{')) spel(nodeId, `params.${name}`, value);
          }
          break;
        }
        case 'DROOLS_RULE': {
          const ruleName = config['ruleName'];
          if (typeof ruleName !== 'string' || ruleName === '') {
            missing(nodeId, 'ruleName', 'configuration.ruleName is required');
          } else {
            const sets = await loadDrools();
            if (!sets.some((s) => s.name === ruleName || s.has(ruleName))) missing(nodeId, 'ruleName', `no ACTIVE DROOLS rule named '${ruleName}'`);
          }
          break;
        }
        default:
          break;
      }
      const children = node.children ?? [];
      for (let i = 0; i < children.length; i++) {
        const child = children[i];
        if (child) await visit(child, `${path}/${i}`);
      }
    };
    await visit(tree.rootNode, 'root');
    return diagnostics;
  };
}

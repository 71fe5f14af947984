import { Type, type Static } from 'typebox';
import { vipCustomerTree } from './examples.js';

export const TreeStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE'), Type.Literal('DRAFT')]);

// The deep structure (children, configuration per command type) is checked by the engine's
// validateTree, which names the offending node; the schema only guards the outer shape.
export const NodeSchema = Type.Object(
  {
    nodeId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    nodeType: Type.Union([Type.Literal('CONDITION'), Type.Literal('CALCULATION')]),
    configuration: Type.Object({ commandType: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: true }),
    children: Type.Optional(Type.Array(Type.Any(), { maxItems: 200 })),
  },
  { additionalProperties: true },
);

export const TreeInput = Type.Object(
  {
    treeId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{1,36}$', description: '自訂決策樹ID (預設產生 UUID)' })),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    status: Type.Optional(TreeStatus),
    priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000, description: '多棵樹皆有優惠時，優先序高者勝出' })),
    rootNode: NodeSchema,
  },
  {
    additionalProperties: false,
    examples: [{ name: vipCustomerTree.name, description: 'VIP 客戶優惠', status: 'ACTIVE', rootNode: vipCustomerTree.rootNode }],
  },
);
export type TreeInput = Static<typeof TreeInput>;

export const TreeView = Type.Object({
  id: Type.String(),
  treeId: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  version: Type.Integer(),
  priority: Type.Integer(),
  rootNodeId: Type.Union([Type.String(), Type.Null()]),
  rootNode: Type.Any(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type TreeView = Static<typeof TreeView>;

export const TreeSummary = Type.Omit(TreeView, ['rootNode']);
export type TreeSummary = Static<typeof TreeSummary>;

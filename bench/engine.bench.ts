/**
 * Engine benchmark: seed 002's full decision logic (promotionDecisionTree: VIP / 白金 / 一般, six
 * offers) over 1,024 deterministic customers, implemented with Banyan and with its peers. Every
 * implementation must produce the same PromotionResult for every customer before anything is timed.
 *
 * Run: npm run bench:engine   (BENCH_SECONDS=1 per implementation and round, BENCH_ROUNDS=3 by default)
 */
import { execFile } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { ZenEngine } from '@gorules/zen-engine';
import { Engine as RulesEngine } from 'json-rules-engine';
import { LogicEngine } from 'json-logic-engine';
import { jsonLogicPromotionTree } from '../src/demo/jsonlogic-trees.js';
import { promotionDecisionTree } from '../src/demo/trees.js';
import { compileTree, formatLocalDateTime, type CompiledTree, type PromotionResult, type TreeEvaluateOptions } from '../src/engine/index.js';
import { createPrng } from '../src/sandbox/controls.js';

const NOW = new Date('2025-11-06T19:50:55Z');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
type Customer = Record<string, unknown> & {
  customerId: string;
  accountType: string;
  annualIncome: number;
  creditScore: number;
  accountBalance: number;
  transactionHistory: unknown[];
};

// ---------------------------------------------------------------- deterministic customers
const rnd = createPrng(20251106);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const customers: Customer[] = Array.from({ length: 1024 }, (_, i) => ({
  customerId: rnd() < 0.03 ? '' : `CUST${String(i).padStart(4, '0')}`,
  accountType: pick(['VIP', 'VIP', '白金', 'PLATINUM', '一般', 'REGULAR', '一般', 'GOLD']),
  annualIncome: Math.floor(rnd() * 8_000_000),
  creditScore: 500 + Math.floor(rnd() * 350),
  region: pick(['台北市', '新北市', '台中市', '高雄市']),
  transactionCount: Math.floor(rnd() * 80),
  accountBalance: Math.floor(rnd() * 120_000_000) / 100,
  transactionHistory: Array.from({ length: Math.floor(rnd() * 7) }, (_, k) => ({ amount: 1000 * (k + 1), type: 'DEPOSIT', date: '2024-01-15' })),
}));

// ---------------------------------------------------------------- shared offer builder for peers
/** Offers exactly as the tree's calculation nodes define them; amounts in integer cents (exact). */
const OFFERS = {
  'calc-vip-high': {
    promotionId: 'promo-vip-001',
    promotionName: 'VIP專屬優惠',
    promotionType: 'VIP',
    description: 'VIP客戶專屬高額優惠',
    validDays: 92,
    additionalDetails: { tier: 'VIP', category: 'premium' },
  },
  'calc-vip-regular': {
    promotionId: 'promo-vip-002',
    promotionName: 'VIP標準優惠',
    promotionType: 'VIP',
    description: 'VIP客戶標準優惠',
    validDays: 92,
    additionalDetails: { tier: 'VIP', category: 'standard' },
  },
  'calc-plat-high': {
    promotionId: 'promo-plat-001',
    promotionName: '白金優質優惠',
    promotionType: 'PLATINUM',
    description: '白金優質客戶手續費減免',
    validDays: 60,
    additionalDetails: { tier: 'PLATINUM', category: 'premium' },
  },
  'calc-plat-regular': {
    promotionId: 'promo-plat-002',
    promotionName: '白金標準優惠',
    promotionType: 'PLATINUM',
    description: '白金客戶標準優惠',
    validDays: 60,
    additionalDetails: { tier: 'PLATINUM', category: 'standard' },
  },
  'calc-new': {
    promotionId: 'promo-new-001',
    promotionName: '新戶開戶優惠',
    promotionType: 'NEW_CUSTOMER',
    description: '新客戶開戶現金禮 1000 元',
    validDays: 30,
    additionalDetails: { tier: 'REGULAR', category: 'new-account' },
  },
  'calc-existing': {
    promotionId: 'promo-reg-001',
    promotionName: '既有客戶優惠',
    promotionType: 'REGULAR',
    description: '隨交易量增加的累進回饋',
    validDays: 30,
    additionalDetails: { tier: 'REGULAR', category: 'loyalty' },
  },
} as const;
type OfferId = keyof typeof OFFERS;
const VALID_UNTIL: Record<number, string> = {
  30: formatLocalDateTime(NOW.getTime() + 30 * 86_400_000),
  60: formatLocalDateTime(NOW.getTime() + 60 * 86_400_000),
  92: formatLocalDateTime(NOW.getTime() + 92 * 86_400_000),
};
const NOT_ELIGIBLE: PromotionResult = {
  promotionId: null,
  promotionName: null,
  promotionType: null,
  discountAmount: null,
  discountPercentage: null,
  description: null,
  validUntil: null,
  additionalDetails: {},
  eligible: false,
};

/** round-half-up(numerator / denominator) for non-negative integers. */
const divHalfUp = (num: number, den: number): number => Math.floor((2 * num + den) / (2 * den));
const cents = (x: number): number => Math.round(x * 100);

function build(id: OfferId, amountCents: number, pct: number | null): PromotionResult {
  const o = OFFERS[id];
  return {
    promotionId: o.promotionId,
    promotionName: o.promotionName,
    promotionType: o.promotionType,
    discountAmount: amountCents / 100,
    discountPercentage: pct,
    description: o.description,
    validUntil: VALID_UNTIL[o.validDays] ?? null,
    additionalDetails: o.additionalDetails,
    eligible: true,
  };
}
/**
 * Offers that do not depend on the customer are built once for the fixed `now` (as Banyan caches
 * them per `now`): the physical limit does no work it need not do. Amount offers are computed from
 * the customer on every call.
 */
const VIP_HIGH_15 = Object.freeze(build('calc-vip-high', 1_200_000, 15));
const VIP_HIGH_10 = Object.freeze(build('calc-vip-high', 500_000, 10));
const VIP_REGULAR = Object.freeze(build('calc-vip-regular', 200_000, null));
const PLAT_REGULAR = Object.freeze(build('calc-plat-regular', 80_000, null));
const NEW_CUSTOMER = Object.freeze(build('calc-new', 100_000, null));

function offerResult(id: OfferId | null, c: Customer): PromotionResult {
  switch (id) {
    case null:
      return NOT_ELIGIBLE;
    case 'calc-vip-high':
      return c.annualIncome >= 5_000_000 ? VIP_HIGH_15 : VIP_HIGH_10;
    case 'calc-vip-regular':
      return VIP_REGULAR;
    case 'calc-plat-high':
      return build(id, Math.min(divHalfUp(cents(c.accountBalance) * 15, 1000), 300_000), 1.5);
    case 'calc-plat-regular':
      return PLAT_REGULAR;
    case 'calc-new':
      return NEW_CUSTOMER;
    case 'calc-existing': {
      const b = cents(c.accountBalance);
      const s = Math.min(b, 10_000_000) * 1 + Math.max(0, Math.min(b, 50_000_000) - 10_000_000) * 2 + Math.max(0, b - 50_000_000) * 3;
      return build(id, Math.min(divHalfUp(s, 1000), 500_000), null);
    }
  }
}

// ---------------------------------------------------------------- implementations
/** The physical limit: the decision logic written by hand. */
function handWritten(c: Customer): PromotionResult {
  if (c.customerId === null || c.customerId === undefined || c.customerId === '') return NOT_ELIGIBLE;
  const t = c.accountType;
  if (t === 'VIP') return offerResult(c.annualIncome >= 2_000_000 ? 'calc-vip-high' : 'calc-vip-regular', c);
  if (t === '白金' || t === 'PLATINUM') return offerResult(c.creditScore >= 700 ? 'calc-plat-high' : 'calc-plat-regular', c);
  if (t === '一般' || t === 'REGULAR') return offerResult(c.transactionHistory.length <= 3 ? 'calc-new' : 'calc-existing', c);
  return NOT_ELIGIBLE;
}

const logic = new LogicEngine();
const jsonLogicRule = {
  if: [
    { and: [{ '!=': [{ var: 'customerId' }, null] }, { '!=': [{ var: 'customerId' }, ''] }] },
    {
      if: [
        { '==': [{ var: 'accountType' }, 'VIP'] },
        { if: [{ '>=': [{ var: 'annualIncome' }, 2000000] }, 'calc-vip-high', 'calc-vip-regular'] },
        { in: [{ var: 'accountType' }, ['白金', 'PLATINUM']] },
        { if: [{ '>=': [{ var: 'creditScore' }, 700] }, 'calc-plat-high', 'calc-plat-regular'] },
        { in: [{ var: 'accountType' }, ['一般', 'REGULAR']] },
        { if: [{ '<=': [{ length: { var: 'transactionHistory' } }, 3] }, 'calc-new', 'calc-existing'] },
        null,
      ],
    },
    null,
  ],
};
const jsonLogicFn = logic.build(jsonLogicRule) as (data: unknown) => OfferId | null;

function rulesEngine(): RulesEngine {
  const engine = new RulesEngine([], { allowUndefinedFacts: true });
  engine.addFact('txCount', async (_p, almanac) => ((await almanac.factValue('transactionHistory')) as unknown[]).length);
  const root = [
    { fact: 'customerId', operator: 'notEqual', value: '' },
    { fact: 'customerId', operator: 'notEqual', value: null },
  ];
  const isIn = (values: string[]) => ({ fact: 'accountType', operator: 'in', value: values });
  const rules: [OfferId, object[]][] = [
    ['calc-vip-high', [isIn(['VIP']), { fact: 'annualIncome', operator: 'greaterThanInclusive', value: 2000000 }]],
    ['calc-vip-regular', [isIn(['VIP']), { fact: 'annualIncome', operator: 'lessThan', value: 2000000 }]],
    ['calc-plat-high', [isIn(['白金', 'PLATINUM']), { fact: 'creditScore', operator: 'greaterThanInclusive', value: 700 }]],
    ['calc-plat-regular', [isIn(['白金', 'PLATINUM']), { fact: 'creditScore', operator: 'lessThan', value: 700 }]],
    ['calc-new', [isIn(['一般', 'REGULAR']), { fact: 'txCount', operator: 'lessThanInclusive', value: 3 }]],
    ['calc-existing', [isIn(['一般', 'REGULAR']), { fact: 'txCount', operator: 'greaterThan', value: 3 }]],
  ];
  for (const [id, conds] of rules) engine.addRule({ conditions: { all: [...root, ...conds] } as never, event: { type: id } });
  return engine;
}
const rules = rulesEngine();

const zen = new ZenEngine();
const zenDecision = zen.createDecision({
  nodes: [
    { id: 'in', type: 'inputNode', name: 'request', position: { x: 0, y: 0 } },
    {
      id: 'offers',
      type: 'decisionTableNode',
      name: 'offers',
      position: { x: 300, y: 0 },
      content: {
        hitPolicy: 'first',
        passThrough: false,
        inputField: null,
        outputPath: null,
        executionMode: 'single',
        inputs: [
          { id: 'id', name: 'customerId', field: 'customerId' },
          { id: 'type', name: 'accountType', field: 'accountType' },
          { id: 'inc', name: 'annualIncome', field: 'annualIncome' },
          { id: 'cs', name: 'creditScore', field: 'creditScore' },
          { id: 'tx', name: 'transactions', field: 'len(transactionHistory)' },
        ],
        outputs: [{ id: 'offer', name: 'offer', field: 'offer' }],
        rules: [
          { _id: 'r0', id: "$ == null or $ == ''", type: '', inc: '', cs: '', tx: '', offer: 'null' },
          { _id: 'r1', id: '', type: "'VIP'", inc: '>= 2000000', cs: '', tx: '', offer: "'calc-vip-high'" },
          { _id: 'r2', id: '', type: "'VIP'", inc: '', cs: '', tx: '', offer: "'calc-vip-regular'" },
          { _id: 'r3', id: '', type: "'白金', 'PLATINUM'", inc: '', cs: '>= 700', tx: '', offer: "'calc-plat-high'" },
          { _id: 'r4', id: '', type: "'白金', 'PLATINUM'", inc: '', cs: '', tx: '', offer: "'calc-plat-regular'" },
          { _id: 'r5', id: '', type: "'一般', 'REGULAR'", inc: '', cs: '', tx: '<= 3', offer: "'calc-new'" },
          { _id: 'r6', id: '', type: "'一般', 'REGULAR'", inc: '', cs: '', tx: '', offer: "'calc-existing'" },
          { _id: 'r7', id: '', type: '', inc: '', cs: '', tx: '', offer: 'null' },
        ],
      },
    },
    { id: 'out', type: 'outputNode', name: 'response', position: { x: 600, y: 0 } },
  ],
  edges: [
    { id: 'e1', sourceId: 'in', targetId: 'offers', type: 'edge' },
    { id: 'e2', sourceId: 'offers', targetId: 'out', type: 'edge' },
  ],
});

interface Impl {
  readonly name: string;
  readonly run: (c: Customer) => PromotionResult | Promise<PromotionResult>;
}

function banyan(tree: CompiledTree, options: TreeEvaluateOptions): (c: Customer) => PromotionResult {
  return (c) => tree.evaluate(c, options).result;
}

const impls: Impl[] = [{ name: 'hand-written TypeScript', run: handWritten }];
const jsonLogicTree = compileTree(jsonLogicPromotionTree);
let spelTree: CompiledTree | undefined;
try {
  spelTree = compileTree(promotionDecisionTree);
} catch (err) {
  console.log(`(Banyan SpEL tree unavailable: ${err instanceof Error ? err.message : String(err)})`);
}
for (const [label, tree] of [
  ['SpEL', spelTree],
  ['JSONLogic', jsonLogicTree],
] as const) {
  if (!tree) continue;
  impls.push(
    { name: `Banyan tree (${label}), result only (recordSteps:false)`, run: banyan(tree, { now: NOW, recordSteps: false }) },
    { name: `Banyan tree (${label}), steps, trace:false`, run: banyan(tree, { now: NOW, trace: false }) },
    { name: `Banyan tree (${label}), steps + timing (default)`, run: banyan(tree, { now: NOW, clock: () => performance.now() }) },
  );
}
impls.push(
  { name: 'json-logic-engine (compiled)', run: (c) => offerResult(jsonLogicFn(c), c) },
  { name: 'json-rules-engine (async)', run: async (c) => offerResult(((await rules.run(c)).events[0]?.type as OfferId | undefined) ?? null, c) },
  {
    name: '@gorules/zen-engine (async)',
    run: async (c) => offerResult(((await zenDecision.evaluate(c)).result as { offer: OfferId | null }).offer ?? null, c),
  },
);

// ---------------------------------------------------------------- agreement, then timing
/**
 * Times one implementation. Every result is consumed (stored in a sink array and folded into a
 * checksum) so V8 cannot drop the work or scalar-replace the result objects.
 */
async function time(impl: Impl): Promise<{ perSec: number; checksum: number }> {
  const sink: unknown[] = new Array<unknown>(customers.length);
  let checksum = 0;
  const consume = (r: PromotionResult, i: number): void => {
    sink[i] = r;
    checksum += (r.discountAmount ?? 0) + (r.validUntil?.length ?? 0) + (r.promotionId?.length ?? 0);
  };
  const sync = !(impl.run(customers[0] as Customer) instanceof Promise);
  for (let w = 0; w < 3; w++) for (let i = 0; i < customers.length; i++) consume(await impl.run(customers[i] as Customer), i); // warm-up
  checksum = 0;
  let n = 0;
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  while (performance.now() < deadline) {
    if (sync) for (let i = 0; i < customers.length; i++) consume(impl.run(customers[i] as Customer) as PromotionResult, i);
    else for (let i = 0; i < customers.length; i++) consume(await impl.run(customers[i] as Customer), i);
    n += customers.length;
  }
  const perSec = n / ((performance.now() - start) / 1000);
  if (sink.length !== customers.length) throw new Error('sink');
  return { perSec, checksum: checksum / n };
}

/** Runs one implementation in a fresh process, so no implementation inherits another's JIT feedback. */
function timeInChild(index: number): Promise<{ perSec: number; checksum: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...process.execArgv, process.argv[1] as string], { env: { ...process.env, BENCH_IMPL: String(index) } }, (err, stdout) => {
      if (err) return reject(err);
      resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as { perSec: number; checksum: number });
    });
  });
}

async function main(): Promise<void> {
  const only = process.env.BENCH_IMPL;
  if (only !== undefined) {
    console.log(JSON.stringify(await time(impls[Number(only)] as Impl)));
    return;
  }
  const expected = customers.map(handWritten);
  const offered = new Set(expected.map((r) => r.promotionId));
  for (const impl of impls) {
    for (let i = 0; i < customers.length; i++) {
      const got = await impl.run(customers[i] as Customer);
      if (!isDeepStrictEqual(got, expected[i])) {
        console.error(
          `MISMATCH: ${impl.name} on customer #${i} ${JSON.stringify(customers[i])}\n  expected ${JSON.stringify(expected[i])}\n  got      ${JSON.stringify(got)}`,
        );
        process.exit(1);
      }
    }
  }
  console.log(
    `all ${impls.length} implementations agree on ${customers.length} customers (${offered.size - (offered.has(null) ? 1 : 0)} distinct offers + not eligible)`,
  );
  console.log('each implementation is timed in its own process; results are consumed (sink + checksum)\n');

  // Rounds interleave the implementations (each in a fresh process), so load drift on a shared
  // machine hits all of them alike; the ratio is taken within each round, then the median.
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
  const samples: { perSec: number; checksum: number }[][] = impls.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < impls.length; i++) (samples[i] as { perSec: number; checksum: number }[]).push(await timeInChild(i));
  }
  const median = (xs: readonly number[]): number => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  const baseSamples = (samples[0] as { perSec: number }[]).map((x) => x.perSec);
  const rows = impls.map((impl, i) => {
    const xs = samples[i] as { perSec: number; checksum: number }[];
    return {
      name: impl.name,
      perSec: median(xs.map((x) => x.perSec)),
      ratio: median(xs.map((x, r) => x.perSec / (baseSamples[r] as number))),
      checksum: (xs[0] as { checksum: number }).checksum,
    };
  });
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`median of ${rounds} interleaved round(s); ratio = median of the per-round ratios\n`);
  console.log(`${'implementation'.padEnd(width)}  ${'evals/s'.padStart(12)}  vs hand-written  checksum/eval`);
  for (const r of rows)
    console.log(
      `${r.name.padEnd(width)}  ${Math.round(r.perSec).toLocaleString('en-US').padStart(12)}  ${r.ratio.toFixed(3).padStart(14)}×  ${r.checksum.toFixed(2)}`,
    );
  const banyanRows = rows.filter((r) => r.name.includes('result only'));
  const peers = rows.filter((r) => !r.name.startsWith('Banyan') && r !== rows[0]);
  const bestPeer = Math.max(...peers.map((r) => r.ratio));
  console.log('\nTarget (result-only mode, like-for-like with the peers, which record no steps either): ≥ 0.5× hand-written and ahead of every peer.');
  for (const r of banyanRows)
    console.log(
      `  ${r.name}: ${r.ratio.toFixed(3)}× hand-written, ${(r.ratio / bestPeer).toFixed(2)}× the best peer → ${r.ratio >= 0.5 && r.ratio > bestPeer ? 'MET' : 'NOT MET'}`,
    );
  console.log(`\nNode ${process.version}, ${SECONDS}s per implementation, ${new Date().toISOString().slice(0, 10)}`);
}

await main();

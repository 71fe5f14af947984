/**
 * The generated differential-test set for SpEL: every case is evaluated by real Spring (the Java
 * oracle, SpelOracle.java) and by Banyan. Deterministic: the same code gives the same cases, so
 * the committed fixture can be regenerated and diffed.
 */
export type CaseMode = 'expression' | 'template';

export interface OracleCase {
  readonly id: string;
  readonly expr: string;
  readonly root: Record<string, unknown>;
  readonly mode?: CaseMode;
}

/** A customer-like root: JSON as a Java service would receive it (ints, longs, doubles, lists, maps). */
export const ROOT: Record<string, unknown> = {
  i: 7,
  n: -3,
  z: 0,
  d: 2.5,
  half: 0.5,
  big: 3000000000,
  imax: 2147483647,
  imin: -2147483648,
  s: 'abc',
  e: '',
  name: 'Alice Chen',
  city: '台北市',
  flag: true,
  nul: null,
  tags: ['vip', 'new'],
  nums: [1, 2, 3, 4, 5],
  reals: [1.5, 2.25, -0.5],
  mixed: [1, 2.5, 'x', null],
  txs: [
    { amount: 12000, type: 'A' },
    { amount: 500, type: 'B' },
    { amount: 30000.5, type: 'A' },
  ],
  m: { a: 1, b: 2, c: 3 },
  nested: { inner: { v: 42, w: 'deep' }, list: [10, 20] },
  amount: 500,
  validUntil: '2026-12-31',
  // A seed-002 customer, for the bank's stored conditions.
  accountType: 'VIP',
  annualIncome: 2500000,
  creditScore: 720,
  accountBalance: 600000.5,
  transactionCount: 45,
  transactionHistory: [{ amount: 12000 }, { amount: 3000 }, { amount: 25000.75 }, { amount: 11000 }, { amount: 500 }, { amount: 40000 }],
};

const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function* numbers(): Generator<string> {
  const operands = ['0', '1', '7', '2147483647', '10L', '3000000000L', '2.5', '0.0', '1.0', '12000000.0', 'i', 'd', 'big', 'imin'];
  for (const op of ['+', '-', '*', '/', '%']) for (const a of operands) for (const b of operands) yield `${a} ${op} ${b}`;
  // Overflow and wrap-around at the int and long boundaries.
  yield* ['2147483647 + 1', '-2147483647 - 2', '2147483647 * 2', '65536 * 65536', '100000 * 100000', 'imin - 1', '-imin', 'imin / -1', 'imin % -1'];
  yield* [
    '9223372036854775807L + 1',
    '4611686018427387904L * 2',
    '4611686018427387904L * 4',
    '-9223372036854775807L - 1',
    '2147483647L + 1',
    '2147483648L * 2',
  ];
  yield* ['2147483648', '-2147483648', '9223372036854775808L', '0x7FFFFFFF', '0x7FFFFFFF + 1', '0xFFL', '1e309', '1.5e-320', '1E10', '6.02E23'];
  // Power, unary, precedence.
  for (const a of ['2', '-2', '2.0', '10', '0', 'i', 'd', '2L']) for (const b of ['0', '1', '2', '3', '10', '31', '32', '-1', '0.5', '63']) yield `${a} ^ ${b}`;
  yield* [
    '-2 ^ 2',
    '-(2 ^ 2)',
    '1 + 2 * 3',
    '(1 + 2) * 3',
    '10 - 4 - 3',
    '100 / 10 / 5',
    '7 div 2',
    '7 mod 2',
    '-7 / 2',
    '-7 % 3',
    '7 % -3',
    '7.5 % 2',
    '-7.5 % 2',
    '+i',
    '-d',
    '--i',
    '1.0 / 3',
    '2.0 / 3 * 3',
    '0.1 + 0.2',
    '1 / 3.0',
  ];
}

function* strings(): Generator<string> {
  const left = ["''", "'x'", 's', "'total: '"];
  const right = [
    '5',
    '5.0',
    '12000000.0',
    '1.0E7',
    '9999999.0',
    '0.001',
    '0.0001',
    '100.0',
    '1e21',
    '-0.0',
    '2.5',
    '1.0 / 3',
    'i',
    'd',
    'big',
    'imax + 1',
    '10L',
    'nul',
    'true',
    'flag',
    '{1, 2}',
    '{1.5, 2}',
    'nums',
    'm',
    '{a: 1}',
    'reals',
    "'y'",
    'i * 1.0',
    'i / 2',
    'd * 2',
    '1.0 / 0',
    '0.0 / 0',
  ];
  for (const l of left)
    for (const r of right) {
      yield `${l} + ${r}`;
      yield `${r} + ${l}`;
    }
  yield* [
    "'a' + 1 + 2",
    "1 + 2 + 'a'",
    "'a' + (1 + 2)",
    "'ab' * 3",
    "'ab' * 0",
    "'ab' * -1",
    "'x' * 300",
    "'c' - 2",
    "'abc' - 1",
    "'a' * 'b'",
    "'a' - 'b'",
    "'a' / 2",
  ];
  const texts = [q('Hello World'), 's', 'e', 'name', 'city', q('  padded  ')];
  const calls = [
    'length()',
    'toUpperCase()',
    'toLowerCase()',
    'trim()',
    'isEmpty()',
    'substring(1)',
    'substring(1, 3)',
    'substring(5, 2)',
    'substring(20)',
    'charAt(0)',
    'charAt(100)',
    "indexOf('o')",
    "lastIndexOf('o')",
    "contains('lo')",
    "startsWith('He')",
    "endsWith('d')",
    "concat('!')",
    "replace('l', 'L')",
    "equals('abc')",
    "equalsIgnoreCase('ABC')",
    'length',
    '[1]',
    '[0]',
    '[50]',
    'size()',
  ];
  for (const t of texts) for (const c of calls) yield c.startsWith('[') ? `${t}${c}` : `${t}.${c}`;
  yield* [
    "'it''s'",
    '"say ""hi"""',
    "'abc'.substring(i - 6)",
    "'abc'.charAt(-1)",
    "'abc'.concat(1)",
    "'abc'.contains(nul)",
    's.equals(nul)',
    "s == 'abc'",
    "s != 'abd'",
    "s < 'abd'",
    "'B' > 'a'",
    "'' == e",
    's.length() * 2',
    'name.toUpperCase().substring(0, 5)',
  ];
}

function* collections(): Generator<string> {
  const lists = ['nums', 'tags', 'reals', 'mixed', '{1, 2, 3}', '{}', "{'a', 'b'}", '{1.0, 2.0}', '{1.5, 2.5, 3.5}', 'txs', '{{1, 2}, {3}}'];
  const calls = [
    'size()',
    'isEmpty()',
    'contains(1)',
    'contains(1.0)',
    'contains(2)',
    "contains('a')",
    'contains(nul)',
    'indexOf(2)',
    'indexOf(2.0)',
    'get(0)',
    'get(1)',
    'get(10)',
    '[0]',
    '[1]',
    '[2]',
    '[10]',
    '[-1]',
    'length',
    'size',
    '![#this]',
    '?[#this != null]',
  ];
  for (const l of lists) for (const c of calls) yield c.startsWith('[') ? `${l}${c}` : `${l}.${c}`;
  for (const l of ['nums', '{1, 2, 3, 4}', 'reals', '{1.5, -2.0, 3.0}']) {
    for (const b of ['#this > 2', '#this < 0', '#this == 2', '#this % 2 == 0', 'true', 'false', '#this', '1', 'nul']) {
      yield `${l}.?[${b}]`;
      yield `${l}.^[${b}]`;
      yield `${l}.$[${b}]`;
    }
    for (const p of ['#this * 2', '#this / 2', '#this + 0.5', "#this + ''", '#this > 2', '-#this', '#this * #this', '#root.i + #this']) yield `${l}.![${p}]`;
  }
  yield* [
    'txs.?[amount > 10000].size()',
    'txs.?[amount > 10000]',
    'txs.![amount]',
    'txs.![type]',
    "txs.?[type == 'A'].![amount]",
    'txs[0].amount',
    'txs[2].amount * 2',
    'txs[0].missing',
    "txs[0]['missing']",
    "txs.^[type == 'B'].amount",
    "txs.$[type == 'A'].amount",
    'txs.![amount > 1000]',
    'txs.?[amount > 100000]',
    "txs.^[type == 'Z']",
    'txs.![amount].contains(500)',
    'txs.![amount].contains(500.0)',
    'txs.?[amount > 1000].![amount * 2]',
    "txs.?[type == 'A'].size() >= 2",
    'txs.![#this.amount]',
  ];
  const maps = ['m', '{a: 1, b: 2}', '{:}', "{'k k': 1.5, z: 'v'}", 'nested'];
  const mcalls = [
    'size()',
    'isEmpty()',
    "containsKey('a')",
    "containsKey('zz')",
    'containsValue(1)',
    'containsValue(1.0)',
    "get('a')",
    "get('zz')",
    'keySet()',
    'values()',
    'a',
    'zz',
    "['a']",
    "['zz']",
    '[a]',
    '?[value > 1]',
    '^[value > 1]',
    '$[value > 1]',
    '![key]',
    '![value]',
    '![value * 2.0]',
    '?[key == "b"]',
    '?[value]',
  ];
  for (const m of maps) for (const c of mcalls) yield c.startsWith('[') ? `${m}${c}` : `${m}.${c}`;
  yield* [
    'nested.inner.v',
    'nested.inner.w.length()',
    'nested.missing',
    "nested['missing']",
    'nested.inner.missing',
    'nested.list[1]',
    'nested.list.size()',
    'nested.list.length',
    'nested.inner.v.x',
    'nul.x',
    'nul.length()',
    'nul[0]',
    'i.x',
    's.x',
    'flag.x',
    'Nested.inner.v',
  ];
  yield* [
    '{1, 2} == {1, 2}',
    '{1, 2} == {1, 3}',
    '{a: 1} == {a: 1}',
    '{1, {2, 3}}[1][0]',
    "{'x', 'y'}.![#this.toUpperCase()]",
    '{1, 2, 3}.![#this * 1.5]',
    '{1.0}.contains(1)',
    '{1}.contains(1.0)',
    '{1.0, 2}.contains(2)',
    '{1, 2}.indexOf(2.0)',
    'nums.![#this * 1.0].contains(2)',
    'nums.![#this * 1.0].contains(2.0)',
  ];
}

function* logic(): Generator<string> {
  const bools = ['true', 'false', 'flag', '!flag', 'i > 5', 's == "abc"', 'nul == null', 'i', 'nul', "'true'"];
  for (const op of ['and', 'or', '&&', '||']) for (const a of bools) for (const b of bools.slice(0, 7)) yield `${a} ${op} ${b}`;
  for (const b of bools) yield* [`!${b}`, `not ${b}`, `${b} ? 'y' : 'n'`];
  const cmp = ['1', '1.0', '2', '2.5', 'i', 'd', 'big', 'nul', "'a'", 's', 'true', '10L'];
  for (const op of ['==', '!=', '<', '<=', '>', '>=']) for (const a of cmp) for (const b of cmp.slice(0, 8)) yield `${a} ${op} ${b}`;
  yield* ['i eq 7', 'i ne 7', 'i lt 8', 'i le 7', 'i gt 6', 'i ge 8', 'I GT 6', 'true AND false', 'flag OR false', 'NOT flag'];
  yield* [
    '5 between {1, 10}',
    '0 between {1, 10}',
    '10 between {1, 10}',
    "'b' between {'a', 'c'}",
    'd between {2, 3}',
    'i between {1}',
    'i between 3',
    'nul between {1, 2}',
  ];
  yield* [
    "s matches '[a-z]+'",
    "name matches 'A.*'",
    "'123' matches '\\d+'",
    "i matches '7'",
    "s matches 'ab'",
    "nul matches 'x'",
    's matches nul',
    "s matches '['",
    "city matches '台.*'",
    "'a.b' matches 'a\\.b'",
  ];
  yield* [
    "i > 5 ? 'big' : 'small'",
    "i < 5 ? 'big' : 'small'",
    "nul ?: 'dflt'",
    "e ?: 'dflt'",
    "s ?: 'dflt'",
    'z ?: 9',
    '1 ? 2 : 3',
    'nul ? 1 : 2',
    'flag ? i : d',
    '!flag ? i : d',
    "i > 0 ? (d > 2 ? 'a' : 'b') : 'c'",
    'nums.size() > 3 ?: false',
  ];
  yield* [
    'nul?.x',
    'nul?.length()',
    'nested?.inner?.v',
    'nested?.missing',
    's?.length()',
    'm?.a',
    'nul?.x == null',
    "'abc' instanceof T(String)",
    'i instanceof T(Integer)',
  ];
  yield* ['#i + 1', '#s.length()', '#nul', '#missing', '#root.i', '#this.i', '#root.nested.inner.v', '#nums.size()', '#m.a', '#missing?.x'];
}

function* syntax(): Generator<string> {
  yield* [
    '(',
    '1 +',
    ')',
    '1 2',
    "'unterminated",
    '"unterminated',
    'a..b',
    '{1, 2',
    '{a: }',
    '.5',
    '1.5L',
    'i.',
    'nums.?[',
    'nums[',
    '1 ++ 2',
    'a = 1',
    "new java.lang.StringBuilder('ab').length()",
    'T(java.lang.Math).abs(-1)',
    '@bean',
    '',
    '   ',
    '#',
    '1 ? 2',
    'true ?',
    '!',
    'i +* 2',
  ];
}

function* templates(): Generator<[string, string]> {
  const t: string[] = [
    '回饋 #{amount} 元，到期 #{validUntil}',
    'plain text',
    '',
    '#{i}',
    '#{d}',
    '#{s}',
    '#{i + 1} items',
    'a #{d * 2} b',
    'null: [#{nul}]',
    'list: #{nums}',
    'map: #{m}',
    '#{1 + 2}#{3 + 4}',
    'x #{i > 5} y',
    '#{name.toUpperCase()}!',
    'total #{txs.![amount]}',
    'reals #{reals}',
    'a #{12000000.0} b',
    '#{{1, 2}}',
    'tags: #{tags}',
    'big #{big * 2} end',
    '#{nested.inner.w}-#{nested.inner.v}',
    'unclosed #{i',
    'bad #{nested.missing} x',
    '#{}',
    '#{ i }',
    'no } brace',
    'dollar $ and # sign',
    '#{"}"} brace in string',
    'ends #{flag}',
    '#{e}#{e}',
    '#{1/0} x',
    '#{1.0/0} x',
    '#{imax + 1}',
    'mixed #{mixed}',
    '  spaced  ',
    '#{i}#{s}',
    '#{txs[0].amount} / #{txs[2].amount}',
    "#{'lit'}",
    '#{nums.?[#this > 2].size()} big',
  ];
  for (const x of t) yield [x, x];
}

/** Seed 002's condition factors and stored rules, as the Java service parses them (template form). */
function* seed(): Generator<string> {
  yield* [
    "#{accountType == 'VIP'}",
    '#{annualIncome >= 2000000}',
    '#{creditScore >= 750}',
    '#{accountBalance >= 500000}',
    '#{transactionCount >= 50}',
    '#{transactionHistory.?[amount > 10000].size() >= 5}',
    '#{transactionHistory.size() <= 3}',
    "#{accountType == 'VIP' and transactionCount >= 30}",
    '#{annualIncome >= 2000000 and creditScore >= 700}',
    '#{creditScore >= 650 and annualIncome >= 800000 and transactionHistory.size() <= 5}',
    '#{creditScore < 600 or accountBalance < 10000}',
    '#{annualIncome > 1000000}',
    '#{annualIncome >= 2000000 and accountType == "VIP"}',
    '#{transactionHistory.size() <= 3 and creditScore >= 650}',
    '#{creditScore > 600 and accountType == "一般"}',
    '#{accountBalance * 0.015}',
    '#{annualIncome * 15 / 100}',
    '#{accountBalance / 1000 * 2}',
    '#{transactionHistory.![amount].size()}',
    '#{transactionHistory.$[amount > 10000].amount}',
    '#{#accountType == "VIP" ? annualIncome * 0.1 : 0}',
    '#{transactionHistory.?[amount > 10000].![amount * 0.01]}',
    '#{creditScore / 100.0}',
    '#{annualIncome * 1000}',
    '#{annualIncome * 1000L}',
    '#{accountBalance + transactionCount}',
  ];
}

export function generateCases(): OracleCase[] {
  const out: OracleCase[] = [];
  const seen = new Set<string>();
  const add = (prefix: string, expr: string, mode: CaseMode = 'expression'): void => {
    const key = `${mode}\u0000${expr}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ id: `${prefix}-${String(out.length + 1).padStart(4, '0')}`, expr, root: ROOT, ...(mode === 'template' ? { mode } : {}) });
  };
  for (const e of numbers()) add('num', e);
  for (const e of strings()) add('str', e);
  for (const e of collections()) add('coll', e);
  for (const e of logic()) add('logic', e);
  for (const e of syntax()) add('syntax', e);
  for (const [e] of templates()) add('tpl', e, 'template');
  for (const e of seed()) add('seed', e, 'template');
  return out;
}

import { describe, expect, it } from 'vitest';
import { CUST001 as DOC_CUST001 } from '../../demo/customers.js';
import { compileDrl } from './index.js';
import { LARGE_TRANSACTION_CUSTOMER, PROMOTION_RULE_SET, RISK_CUSTOMER, VIP_HIGH_INCOME } from './examples.js';

// The document's CUST001 plus a few attributes the DRL operators need.
const CUST001 = { ...DOC_CUST001, tags: ['payroll', 'mortgage'], address: { city: 'Taipei', zip: '100' } };

/** Does a single-rule DRL with this LHS fire for the customer? */
function matches(lhs: string, customer: Record<string, unknown> = CUST001): boolean {
  return compileDrl(`rule "t" when ${lhs} then result.setEligible(true); end`).fire(customer, { now: new Date() }).matched;
}

describe('constraint operators', () => {
  it.each([
    ['Customer( accountType == "VIP" )', true],
    ["Customer( accountType == 'VIP' )", true],
    ['Customer( accountType != "VIP" )', false],
    ['Customer( creditScore < 750 )', false],
    ['Customer( creditScore <= 750 )', true],
    ['Customer( creditScore > 749 )', true],
    ['Customer( creditScore >= 751 )', false],
    ['Customer( creditScore > 700 && region == "台北市" )', true],
    ['Customer( creditScore > 800 || region == "台北市" )', true],
    ['Customer( creditScore > 700, region == "高雄市" )', false],
    ['Customer( creditScore > 700 && < 800 )', true],
    ['Customer( region in ("台北市", "新北市") )', true],
    ['Customer( region not in ("台北市", "新北市") )', false],
    ['Customer( tags contains "payroll" )', true],
    ['Customer( tags not contains "payroll" )', false],
    ['Customer( customerId contains "001" )', true],
    ['Customer( "mortgage" memberOf tags )', true],
    ['Customer( region not memberOf tags )', true],
    ['Customer( customerId matches "CUST\\\\d+" )', true],
    ['Customer( customerId matches "\\\\d+" )', false],
    ['Customer( customerId not matches "X.*" )', true],
    ['Customer( customerId str[startsWith] "CUST" )', true],
    ['Customer( customerId str[endsWith] "002" )', false],
    ['Customer( customerId str[length] 7 )', true],
    ['Customer( nickname == null )', true],
    ['Customer( nickname != null )', false],
    ['Customer( nickname > 5 )', false],
    ['Customer( address.city == "Taipei" )', true],
    ['Customer( address.missing.deeper == null )', true],
    ['Customer( annualIncome / 100 == 20000 )', true],
    ['Customer( annualIncome * 0.1 + 1 > 200000 )', true],
    ['Customer( -creditScore < 0 && !(creditScore == 1) )', true],
    ['Customer( transactionHistory.size() == 2, tags.isEmpty() == false )', true],
    ['Customer( getAnnualIncome() == 2000000 )', true],
    ['Customer( 0.1 + 0.2 == 0.3 )', true],
    ['Customer( customerId.toLowerCase() == "cust001", customerId.trim().toUpperCase() == "CUST001" )', true],
    ['Customer( customerId.startsWith("CU") && customerId.endsWith("01") && customerId.length() == 7 )', true],
    ['Customer( customerId.equals("CUST001"), tags.contains("payroll"), !tags.contains("x") )', true],
    ['Customer( annualIncome % 7 == 2000000 % 7, annualIncome - 1 == 1999999 )', true],
    ['Customer( annualIncome.intValue() == 2000000, tags.size == 2, tags.empty == false )', true],
  ])('%s → %s', (lhs, expected) => {
    expect(matches(lhs)).toBe(expected);
  });

  it('binds facts and fields and uses them in later patterns, with arithmetic', () => {
    expect(matches('$c : Customer( $inc : annualIncome ) Transaction( amount >= $c.annualIncome / 200 ) from $c.transactionHistory')).toBe(true);
    expect(matches('$c : Customer( $inc : annualIncome ) Transaction( amount > $inc / 100 ) from $c.transactionHistory')).toBe(false);
    expect(matches('Customer( $s : creditScore > 700, $s == 750 )')).toBe(true);
  });

  it('coerces a numeric string as MVEL does, and refuses comparing unrelated types', () => {
    expect(matches('Customer( annualIncome == "2000000" )')).toBe(true);
    expect(() => matches('Customer( region > 5 )')).toThrow(expect.objectContaining({ code: 'TYPE_ERROR' }));
    for (const [lhs, code] of [
      ['Customer( annualIncome / 0 > 1 )', 'EVALUATION_ERROR'],
      ['Customer( -region == 1 )', 'TYPE_ERROR'],
      ['Customer( region * 2 == 1 )', 'TYPE_ERROR'],
      ['Customer( creditScore.city == 1 )', 'TYPE_ERROR'],
      ['Customer( region )', 'TYPE_ERROR'],
      ['Customer( creditScore contains 1 )', 'TYPE_ERROR'],
      ['Customer( creditScore matches "1" )', 'TYPE_ERROR'],
      ['Customer( region matches "(" )', 'EVALUATION_ERROR'],
      ['Customer( creditScore.toUpperCase() == 1 )', 'TYPE_ERROR'],
    ] as const) {
      expect(() => matches(lhs), lhs).toThrow(expect.objectContaining({ code }));
    }
    expect(() => matches('Customer( region.hashCode() == 1 )')).toThrow(expect.objectContaining({ code: 'NOT_SUPPORTED' }));
  });
});

describe('conditional elements', () => {
  it('not, exists, or, and, parentheses and prefix forms', () => {
    expect(matches('not Customer( region == "高雄市" )')).toBe(true);
    expect(matches('exists Transaction( type == "DEPOSIT" )')).toBe(true);
    expect(matches('exists Transaction( type == "WITHDRAWAL" )')).toBe(false);
    expect(matches('Customer( creditScore < 600 ) or Customer( accountType == "VIP" )')).toBe(true);
    expect(matches('Customer( creditScore < 600 ) and Customer( accountType == "VIP" )')).toBe(false);
    expect(matches('( Customer( creditScore < 600 ) or Customer( region == "台北市" ) ) and not ( Transaction( amount > 50000 ) )')).toBe(true);
    expect(matches('(or Customer( creditScore < 600 ) Customer( region == "台北市" ))')).toBe(true);
    expect(matches('(and Customer( creditScore < 600 ) Customer( region == "台北市" ))')).toBe(false);
    expect(matches('$c : Customer() eval( $c.creditScore > 700 )')).toBe(true);
  });

  it('from iterates a collection; a null source has no facts', () => {
    expect(matches('$c : Customer() Transaction( type == "TRANSFER", amount == 5000 ) from $c.transactionHistory')).toBe(true);
    expect(matches('$c : Customer() Transaction() from $c.missing')).toBe(false);
    expect(matches('$c : Customer() not Transaction( amount < 0 ) from $c.transactionHistory')).toBe(true);
  });

  it('accumulate: count, sum, average, min and max', () => {
    const base = '$c : Customer() Number( ';
    const acc = (test: string, fn: string): boolean =>
      matches(`${base}${test} ) from accumulate( Transaction( $a : amount ) from $c.transactionHistory, ${fn} )`);
    expect(acc('intValue == 2', 'count( 1 )')).toBe(true);
    expect(acc('this == 15000', 'sum( $a )')).toBe(true);
    expect(acc('doubleValue == 7500', 'average( $a )')).toBe(true);
    expect(acc('this == 5000', 'min( $a )')).toBe(true);
    expect(acc('this == 10000', 'max( $a )')).toBe(true);
    expect(matches(`${base}this == 0 ) from accumulate( Transaction( amount > 1 ) from $c.none, sum( 1 ) )`)).toBe(true);
  });

  it('seed 002 大額交易客戶: five or more transactions over 10 000', () => {
    const rs = compileDrl(LARGE_TRANSACTION_CUSTOMER);
    const big = (n: number, amount: number) => Array.from({ length: n }, (_, i) => ({ amount, type: 'DEPOSIT', date: `2024-01-${10 + i}` }));
    expect(rs.fire({ transactionHistory: big(5, 10001) }, { now: new Date() }).fired).toEqual(['大額交易客戶']);
    expect(rs.fire({ transactionHistory: [...big(4, 20000), ...big(3, 10000)] }, { now: new Date() }).matched).toBe(false);
    expect(rs.fire({ transactionHistory: big(6, 50000) }, { now: new Date() }).result).toMatchObject({ eligible: true, discountAmount: 2000 });
  });
});

describe('agenda: salience, overwrite, winner', () => {
  const src = `
rule "low" salience 1 when Customer() then result.setDiscountAmount(1000); result.setPromotionName("low"); end
rule "high" salience 10 when Customer() then result.setDiscountAmount(5000); result.setEligible(true); end
rule "tie-a" when Customer() then result.put("order", "a"); end
rule "tie-b" when Customer() then result.put("order", "b"); end
rule "off" salience 99 enabled false when Customer() then result.setEligible(false); end
`;
  it('fires highest salience first, ties in declaration order, and later writes overwrite earlier ones', () => {
    const out = compileDrl(src).fire({}, { now: new Date() });
    expect(out.fired).toEqual(['high', 'low', 'tie-a', 'tie-b']);
    expect(out.winner).toBe('high');
    expect(out.result).toMatchObject({ eligible: true, discountAmount: 1000, promotionName: 'low', additionalDetails: { order: 'b' } });
  });

  it('ruleName restricts firing to one rule, or to a package', () => {
    const rs = compileDrl(`package p;\n${src}`);
    expect(rs.fire({}, { now: new Date(), ruleName: 'low' }).fired).toEqual(['low']);
    expect(rs.fire({}, { now: new Date(), ruleName: 'p.high' }).result.discountAmount).toBe(5000);
    expect(rs.fire({}, { now: new Date(), ruleName: 'p' }).winner).toBe('high');
    expect(() => rs.fire({}, { now: new Date(), ruleName: 'nope' })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });

  it('fires each rule once per evaluation even with several matching combinations', () => {
    const out = compileDrl('rule "each" when $t : Transaction( amount > 0 ) then result.put("amount", $t.amount); end').fire(CUST001, { now: new Date() });
    expect(out.fired).toEqual(['each']);
    expect(out.result.additionalDetails).toEqual({ amount: 10000 });
  });

  it('activation-group lets only the highest-salience member fire', () => {
    const out = compileDrl(`
rule "gold" salience 5 activation-group "tier" when Customer() then result.setPromotionName("gold"); end
rule "silver" salience 1 activation-group "tier" when Customer() then result.setPromotionName("silver"); end`).fire({}, { now: new Date() });
    expect(out.fired).toEqual(['gold']);
    expect(out.result.promotionName).toBe('gold');
  });

  it('date-effective and date-expires against the injected clock', () => {
    const rs = compileDrl('rule "spring" date-effective "01-Mar-2026" date-expires "2026-06-01" when Customer() then end');
    expect(rs.fire({}, { now: new Date('2026-02-28T23:59:59Z') }).matched).toBe(false);
    expect(rs.fire({}, { now: new Date('2026-03-01T00:00:00Z') }).matched).toBe(true);
    expect(rs.fire({}, { now: new Date('2026-06-01T00:00:00Z') }).matched).toBe(false);
  });
});

describe('RHS actions', () => {
  it('computes money in decimal, HALF_UP at scale 2, and supports every documented form', () => {
    const out = compileDrl(`rule "r" when $c : Customer( $inc : annualIncome ) then
      result.setEligible(true);
      result.setDiscountAmount($inc * 0.000000625);
      result.discountPercentage = 12.5;
      result.promotionId = "P-" + $c.customerId;
      result.setPromotionType('FORMULA');
      result.getAdditionalDetails().put("income", $inc);
      result.put("score", $c.creditScore + 0.5);
      System.out.println("fired " + $c.customerId);
    end`).fire({ customerId: 'C9', annualIncome: 2000, creditScore: 700 }, { now: new Date() });
    // 2000 × 0.000000625 = 0.00125 → 0.00 (HALF_UP at scale 2); 1.005 would become 1.01.
    expect(out.result).toMatchObject({ eligible: true, discountAmount: 0, discountPercentage: 12.5, promotionId: 'P-C9', promotionType: 'FORMULA' });
    expect(out.result.additionalDetails).toEqual({ income: 2000, score: 700.5 });
    const half = compileDrl('rule "r" when Customer() then result.setDiscountAmount(1.005); end').fire({}, { now: new Date() });
    expect(half.result.discountAmount).toBe(1.01);
  });

  it('rejects a wrongly typed write at run time with TYPE_ERROR', () => {
    const rs = compileDrl('rule "r" when Customer() then result.setEligible("yes"); end');
    expect(() => rs.fire({}, { now: new Date() })).toThrow(expect.objectContaining({ code: 'TYPE_ERROR' }));
  });
});

describe('example rule sets', () => {
  it('VIP high income: discount from bound income, bonus only for very high incomes', () => {
    const rs = compileDrl(VIP_HIGH_INCOME);
    expect(rs.fire(CUST001, { now: new Date() }).result).toMatchObject({
      eligible: true,
      promotionId: 'promo-vip-001',
      discountAmount: 5000,
      additionalDetails: { tier: 'VIP' },
    });
    const rich = rs.fire({ ...CUST001, annualIncome: 6000000 }, { now: new Date() });
    expect(rich.fired).toEqual(['VIP高收入客戶規則', 'VIP頂級收入加碼']);
    expect(rich.result).toMatchObject({ discountAmount: 15000, additionalDetails: { tier: 'VIP', bonus: 'PLATINUM' } });
    expect(rs.fire({ ...CUST001, accountType: 'NORMAL' }, { now: new Date() }).matched).toBe(false);
  });

  it('risk customer: creditScore < 600 || accountBalance < 10000 is not eligible', () => {
    const rs = compileDrl(RISK_CUSTOMER);
    expect(rs.fire({ creditScore: 550, accountBalance: 900000 }, { now: new Date() }).result).toMatchObject({
      eligible: false,
      additionalDetails: { riskFlag: true },
    });
    expect(rs.fire({ creditScore: 700, accountBalance: 5000 }, { now: new Date() }).matched).toBe(true);
    expect(rs.fire({ creditScore: 700, accountBalance: 50000 }, { now: new Date() }).matched).toBe(false);
  });

  it('full set: VIP wins, lower-salience rules overwrite, the risk rule fires last and revokes', () => {
    const rs = compileDrl(PROMOTION_RULE_SET);
    const vip = rs.fire(CUST001, { now: new Date() });
    expect(vip.fired).toEqual(['VIP活躍客戶', '雙北地區優惠', '新戶開戶規則']);
    expect(vip.winner).toBe('VIP活躍客戶');
    expect(vip.result).toMatchObject({ eligible: true, promotionId: 'promo-new-001', discountPercentage: 5 });
    expect(rs.fire(CUST001, { now: new Date(), ruleName: 'VIP活躍客戶' }).result).toMatchObject({ discountAmount: 5000, promotionId: 'promo-vip-active' });
    const risky = rs.fire({ ...CUST001, creditScore: 580 }, { now: new Date() });
    expect(risky.fired.at(-1)).toBe('風險客戶排除');
    expect(risky.result.eligible).toBe(false);
  });
});

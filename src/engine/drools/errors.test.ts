import { describe, expect, it } from 'vitest';
import { EngineError } from '../types.js';
import { compileDrl, validateDrl } from './index.js';

function error(source: string): EngineError {
  try {
    compileDrl(source);
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('expected compileDrl to throw');
}

describe('DRL diagnostics', () => {
  it('reports a syntax error with its 1-based line and column', () => {
    const e = error('package p;\nrule "a"\nwhen\n  Customer( creditScore >> 5 )\nthen\nend');
    expect(e.code).toBe('SYNTAX_ERROR');
    expect(e.position).toMatchObject({ line: 4, column: 26 });
  });

  it('reports an unterminated string at its opening quote', () => {
    expect(validateDrl('rule "a" when Customer( region == "台北 ) then end')).toEqual([
      expect.objectContaining({ code: 'SYNTAX_ERROR', position: expect.objectContaining({ line: 1, column: 35 }) }),
    ]);
  });

  it('collects one diagnostic per broken rule and keeps parsing after each', () => {
    const diags = validateDrl(
      ['rule "a" when Customer( x == ) then end', 'rule "ok" when Customer() then result.setEligible(true); end', 'rule "b" when Customer( then end'].join(
        '\n',
      ),
    );
    expect(diags.map((d) => d.position?.line)).toEqual([1, 3]);
  });

  it('refuses Java in the RHS as NOT_SUPPORTED with line and column', () => {
    const e = error('rule "a"\nwhen\n  $c : Customer()\nthen\n  result.setEligible(true);\n  modify($c) { setRegion("x") };\nend');
    expect(e.code).toBe('NOT_SUPPORTED');
    expect(e.position).toMatchObject({ line: 6, column: 3 });
    for (const stmt of ['insert(new Fact());', 'int x = 5;', 'drools.halt();', 'result.setValidUntil(null);', 'result.foo = 1;', 'retract($c);']) {
      const d = validateDrl(`rule "a" when $c : Customer() then ${stmt} end`);
      expect(d[0]?.code, stmt).toBe('NOT_SUPPORTED');
      expect(d[0]?.position?.line).toBe(1);
    }
  });

  it('refuses unsupported DRL features by name', () => {
    for (const src of [
      'query "q" Customer() end',
      'declare Foo end',
      'rule "a" agenda-group "g" when Customer() then end',
      'rule "a" when forall( Customer() ) then end',
      'rule "a" salience ($x) when Customer() then end',
      'rule "a" when Customer( name soundslike "x" ) then end',
    ]) {
      expect(validateDrl(src)[0]?.code, src).toBe('NOT_SUPPORTED');
    }
  });

  it('rejects unknown variables, unknown fact types and duplicate rule names', () => {
    expect(validateDrl('rule "a" when Customer( annualIncome > $x ) then end')[0]?.message).toMatch(/unknown variable '\$x'/);
    expect(validateDrl('rule "a" when Account() then end')[0]?.code).toBe('TYPE_ERROR');
    expect(validateDrl('rule "a" when Customer() then end\nrule "a" when Customer() then end')[0]?.message).toMatch(/duplicate/);
    expect(validateDrl('rule "a" when Customer() then result.setEligible(annualIncome); end')[0]?.message).toMatch(/unknown name/);
    expect(validateDrl('package p;')[0]?.message).toMatch(/no rule/);
  });

  it('never exposes prototype members', () => {
    for (const src of [
      'rule "a" when Customer( constructor != null ) then end',
      'rule "a" when $c : Customer( $c.__proto__ != null ) then end',
      'rule "a" when Customer( this.prototype == null ) then end',
      'rule "a" when Customer() then result.put("__proto__", 1); end',
    ]) {
      const d = validateDrl(src);
      const rs = d.length === 0 ? compileDrl(src) : undefined;
      if (rs) expect(() => rs.fire({}, { now: new Date() }), src).toThrow(EngineError);
      else expect(d[0]?.code, src).toBe('NOT_SUPPORTED');
    }
  });

  it('enforces source length and nesting depth limits', () => {
    expect(validateDrl('rule "a" when Customer() then end', { limits: { maxSourceLength: 10 } })[0]?.code).toBe('LIMIT_EXCEEDED');
    const deep = `rule "a" when Customer( ${'('.repeat(100)}creditScore > 1${')'.repeat(100)} ) then end`;
    expect(validateDrl(deep)[0]?.code).toBe('LIMIT_EXCEEDED');
    // Long flat chains nest closures as deeply as parentheses do: they count too (no stack overflow).
    for (const chain of [
      `Customer( creditScore > 1${' + 1'.repeat(5000)} )`,
      `Customer( ${Array.from({ length: 5000 }, () => 'creditScore > 1').join(' && ')} )`,
      `$c : Customer( ${'$c'}${'.a'.repeat(5000)} == null )`,
      'Customer() '.repeat(3000),
      `Customer() ${'or Customer() '.repeat(3000)}`,
    ]) {
      expect(validateDrl(`rule "a" when ${chain} then end`)[0]?.code).toBe('LIMIT_EXCEEDED');
    }
  });

  it('caps the work done over transactionHistory', () => {
    const rs = compileDrl(
      'rule "a" when $c : Customer() Transaction( $a : amount ) from $c.transactionHistory Transaction( amount > $a ) from $c.transactionHistory then end',
      { limits: { maxSteps: 1000 } },
    );
    const transactionHistory = Array.from({ length: 100 }, () => ({ amount: 1 }));
    expect(() => rs.fire({ transactionHistory }, { now: new Date() })).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
  });

  it('accepts package, imports, globals, dialect and comments', () => {
    const src = `// header
package com.bank.rules;
import com.bank.Customer;
import java.util.*;
import function com.bank.Util.fn;
global com.bank.PromotionResult result;
dialect "mvel"
/* block
   comment */
rule ok // trailing
  no-loop
  lock-on-active true
when
  Customer()
then
  result.setEligible(true)
  log("fired")
end`;
    expect(validateDrl(src)).toEqual([]);
    expect(compileDrl(src).fire({}, { now: new Date() }).result.eligible).toBe(true);
  });
});

import type { LocalText } from './errors.js';

export type Locale = 'zh-TW' | 'en';

export const LOCALES: readonly Locale[] = ['en', 'zh-TW'];

/**
 * The locale the client's Accept-Language asks for, or `fallback` when it names none we have.
 * The fallback is zh-TW on the bank API (seed 002: the document's messages are Traditional
 * Chinese) and, on the campaign platform, the tenant's default locale or English.
 */
export function negotiateLocale(acceptLanguage: string | undefined, fallback: Locale = 'zh-TW'): Locale {
  return preferredLocale(acceptLanguage) ?? fallback;
}

/** The supported locale Accept-Language prefers, or undefined when it names none (or is absent). */
export function preferredLocale(acceptLanguage: string | undefined): Locale | undefined {
  if (!acceptLanguage) return undefined;
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((r) => r.tag.length > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag, q } of ranked) {
    if (q <= 0) continue;
    if (tag.startsWith('zh')) return 'zh-TW';
    if (tag.startsWith('en')) return 'en';
  }
  return undefined;
}

/** Campaign-platform routes (seed 000) that are not tenant-authenticated: staff's tenant administration. */
const PLATFORM_PREFIXES = ['/api/v1/admin/tenants'];

/** Whether a route belongs to the campaign platform (English by default) rather than the bank API (zh-TW). */
export function isPlatformRoute(url: string, auth: unknown): boolean {
  if (typeof auth === 'object' && auth !== null && 'tenant' in auth) return true;
  return PLATFORM_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`) || url.startsWith(`${p}?`));
}

export const pick = (text: LocalText, locale: Locale): string => (locale === 'en' ? text.en : text.zh);

/** Display names of request fields for zh-TW messages (English uses the field name itself). */
const FIELD_LABELS: Record<string, string> = {
  customerId: '客戶ID',
  accountType: '帳戶類型',
  annualIncome: '年收入',
  creditScore: '信用評分',
  region: '地區',
  transactionCount: '交易次數',
  accountBalance: '帳戶餘額',
  transactionHistory: '交易紀錄',
  treeId: '決策樹ID',
  name: '名稱',
  status: '狀態',
  rootNode: '根節點',
  nodeType: '節點類型',
  configuration: '節點配置',
  ruleType: '規則類型',
  ruleContent: '規則內容',
  parameters: '參數設定',
  page: '頁碼',
  size: '每頁筆數',
  startDate: '開始日期',
  endDate: '結束日期',
};

export function fieldLabel(field: string, locale: Locale): string {
  if (locale === 'en') return field;
  const last =
    field
      .split(/[.[\]]/)
      .filter(Boolean)
      .pop() ?? field;
  return FIELD_LABELS[last] ?? field;
}

interface SchemaIssue {
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** What a pattern or format stands for, in words, with an example (en, zh). */
const EXPECTED_BY_PATTERN: Record<string, LocalText> = {
  '^[A-Z]{3}$': { en: 'an ISO 4217 code such as USD', zh: 'ISO 4217 幣別代碼（例如 USD）' },
  '^\\d{1,15}(\\.\\d{1,4})?$': { en: 'a decimal amount such as 50 or "12.50"', zh: '金額（例如 50 或 "12.50"）' },
  '^\\d{1,12}(\\.\\d{1,4})?$': { en: 'a decimal amount such as 50 or "12.50"', zh: '金額（例如 50 或 "12.50"）' },
  '^-?\\d{1,12}(\\.\\d{1,8})?$': { en: 'a decimal amount such as 50 or "12.50"', zh: '金額（例如 50 或 "12.50"）' },
  '^-?\\d{1,15}(\\.\\d{1,8})?$': { en: 'a decimal amount such as 50 or "12.50"', zh: '金額（例如 50 或 "12.50"）' },
  '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$': { en: 'an event type such as user.deposit', zh: '事件類型（例如 user.deposit）' },
};
const EXPECTED_BY_FORMAT: Record<string, LocalText> = {
  'date-time': { en: 'an ISO 8601 date-time with a zone such as 2026-01-01T00:00:00Z', zh: '含時區的 ISO 8601 時間（例如 2026-01-01T00:00:00Z）' },
  date: { en: 'an ISO 8601 date such as 2026-01-01', zh: 'ISO 8601 日期（例如 2026-01-01）' },
  email: { en: 'an e-mail address', zh: '電子郵件地址' },
  uri: { en: 'an absolute URI such as https://example.com/hook', zh: '完整網址（例如 https://example.com/hook）' },
};
/** Fields whose meaning fixes what is expected, whatever pattern their schema uses. */
const EXPECTED_BY_FIELD: Record<string, LocalText> = {
  currency: EXPECTED_BY_PATTERN['^[A-Z]{3}$'] as LocalText,
};
const TYPE_NAMES: Record<string, LocalText> = {
  string: { en: 'a string', zh: '字串' },
  number: { en: 'a number', zh: '數字' },
  integer: { en: 'an integer', zh: '整數' },
  boolean: { en: 'true or false', zh: '布林值' },
  object: { en: 'an object', zh: '物件' },
  array: { en: 'an array', zh: '陣列' },
  null: { en: 'null', zh: 'null' },
};

const lastSegment = (field: string): string =>
  field
    .split(/[.[\]]/)
    .filter(Boolean)
    .pop() ?? field;

/** What a pattern/format/type issue expects, in words, if known. */
function expectation(field: string, issue: SchemaIssue): LocalText | undefined {
  const p = issue.params;
  if (issue.keyword === 'pattern' || issue.keyword === 'format') {
    const byField = EXPECTED_BY_FIELD[lastSegment(field)];
    if (byField) return byField;
    if (issue.keyword === 'pattern' && typeof p.pattern === 'string') return EXPECTED_BY_PATTERN[p.pattern];
    if (issue.keyword === 'format' && typeof p.format === 'string') return EXPECTED_BY_FORMAT[p.format];
  }
  if (issue.keyword === 'type') {
    const types = (Array.isArray(p.type) ? p.type : String(p.type).split(',')).map(String);
    const names = types.map((t) => TYPE_NAMES[t.trim()] ?? { en: t, zh: t });
    return { en: names.map((n) => n.en).join(' or '), zh: names.map((n) => n.zh).join('或') };
  }
  return undefined;
}

/** A failed union: the branches' expectations joined ("a decimal amount such as 50 or null"). */
function unionExpectation(field: string, branches: readonly SchemaIssue[]): LocalText | undefined {
  const specific: LocalText[] = [];
  const types: string[] = [];
  for (const b of branches) {
    if (b.keyword === 'type') {
      types.push(...(Array.isArray(b.params.type) ? b.params.type : String(b.params.type).split(',')).map((t) => String(t).trim()));
      continue;
    }
    const e = expectation(field, b);
    if (e && !specific.some((x) => x.en === e.en)) specific.push(e);
  }
  // A pattern/format branch already says what the value is ("an ISO 4217 code"); of the type
  // branches only null is worth adding then (a decimal amount is a string or a number alike).
  const shownTypes = specific.length > 0 ? types.filter((t) => t === 'null') : types;
  const parts = [...specific, ...shownTypes.map((t) => TYPE_NAMES[t] ?? { en: t, zh: t })];
  if (parts.length === 0) return undefined;
  return { en: parts.map((x) => x.en).join(' or '), zh: parts.map((x) => x.zh).join('或') };
}

/** One JSON-schema validation problem as a localised sentence about the field and what it expects. */
export function describeSchemaIssue(field: string, issue: SchemaIssue, locale: Locale): string {
  const label = fieldLabel(field, locale);
  const p = issue.params;
  const en = locale === 'en';
  switch (issue.keyword) {
    case 'required':
      return en ? `${label} is required` : `${label}不能為空`;
    case 'minLength':
      return Number(p.limit) <= 1
        ? en
          ? `${label} must not be empty`
          : `${label}不能為空`
        : en
          ? `${label} must be at least ${String(p.limit)} characters`
          : `${label}長度不能少於 ${String(p.limit)}`;
    case 'maxLength':
      return en ? `${label} must be at most ${String(p.limit)} characters` : `${label}長度不能超過 ${String(p.limit)}`;
    case 'minimum':
    case 'exclusiveMinimum':
      return en ? `${label} must be ${issue.keyword === 'minimum' ? '>=' : '>'} ${String(p.limit)}` : `${label}不能小於 ${String(p.limit)}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return en ? `${label} must be ${issue.keyword === 'maximum' ? '<=' : '<'} ${String(p.limit)}` : `${label}不能大於 ${String(p.limit)}`;
    case 'type': {
      const e = expectation(field, issue);
      return en ? `${label} must be ${e?.en ?? String(p.type)}` : `${label}格式錯誤，應為${e?.zh ?? String(p.type)}`;
    }
    case 'enum':
    case 'const':
    case 'anyOf':
    case 'oneOf': {
      const branches = (p.branches as SchemaIssue[] | undefined) ?? [];
      const values = Array.isArray(p.allowedValues)
        ? p.allowedValues
        : branches.flatMap((b) =>
            b.keyword === 'const' ? [b.params.allowedValue] : b.keyword === 'enum' && Array.isArray(b.params.allowedValues) ? b.params.allowedValues : [],
          );
      if (values.length > 0) {
        const allowed = values.map(String).join(', ');
        return en ? `${label} must be one of ${allowed}` : `${label}的值無效（允許：${allowed}）`;
      }
      const e = unionExpectation(field, branches);
      if (e) return en ? `${label} must be ${e.en}` : `${label}格式錯誤，應為${e.zh}`;
      return en ? `${label} has an invalid value` : `${label}的值無效`;
    }
    case 'format':
    case 'pattern': {
      const e = expectation(field, issue);
      if (e) return en ? `${label} must be ${e.en}` : `${label}格式錯誤，應為${e.zh}`;
      return en ? `${label} has an invalid format` : `${label}格式錯誤`;
    }
    case 'additionalProperties':
      return p.context === 'querystring'
        ? en
          ? `unknown query parameter ${field}`
          : `不支援的查詢參數 ${field}`
        : en
          ? `unknown field ${field}`
          : `不允許的欄位 ${field}`;
    case 'minItems':
      return en ? `${label} must have at least ${String(p.limit)} items` : `${label}至少 ${String(p.limit)} 筆`;
    case 'maxItems':
      return en ? `${label} must have at most ${String(p.limit)} items` : `${label}最多 ${String(p.limit)} 筆`;
    case 'uniqueItems':
      return en ? `${label} must not repeat items` : `${label}不可重複`;
    default:
      return en ? `${label} is invalid` : `${label}無效`;
  }
}

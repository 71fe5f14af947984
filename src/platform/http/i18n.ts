import type { LocalText } from './errors.js';

export type Locale = 'zh-TW' | 'en';

/**
 * zh-TW unless the client's Accept-Language prefers English (the document's messages are
 * Traditional Chinese; an English client gets English).
 */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'zh-TW';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((r) => r.tag.length > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-TW';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-TW';
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
  const last = field.split(/[.[\]]/).filter(Boolean).pop() ?? field;
  return FIELD_LABELS[last] ?? field;
}

interface SchemaIssue {
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** One JSON-schema validation problem as a localised sentence about the field. */
export function describeSchemaIssue(field: string, issue: SchemaIssue, locale: Locale): string {
  const label = fieldLabel(field, locale);
  const p = issue.params;
  const en = locale === 'en';
  switch (issue.keyword) {
    case 'required':
      return en ? `${label} is required` : `${label}不能為空`;
    case 'minLength':
      return Number(p.limit) <= 1
        ? en ? `${label} must not be empty` : `${label}不能為空`
        : en ? `${label} must be at least ${String(p.limit)} characters` : `${label}長度不能少於 ${String(p.limit)}`;
    case 'maxLength':
      return en ? `${label} must be at most ${String(p.limit)} characters` : `${label}長度不能超過 ${String(p.limit)}`;
    case 'minimum':
    case 'exclusiveMinimum':
      return en ? `${label} must be ${issue.keyword === 'minimum' ? '>=' : '>'} ${String(p.limit)}` : `${label}不能小於 ${String(p.limit)}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return en ? `${label} must be ${issue.keyword === 'maximum' ? '<=' : '<'} ${String(p.limit)}` : `${label}不能大於 ${String(p.limit)}`;
    case 'type':
      return en ? `${label} must be of type ${String(p.type)}` : `${label}格式錯誤，應為 ${String(p.type)}`;
    case 'enum':
    case 'const':
    case 'anyOf': {
      const allowed = Array.isArray(p.allowedValues) ? p.allowedValues.join(', ') : undefined;
      return en ? `${label} has an invalid value${allowed ? ` (allowed: ${allowed})` : ''}` : `${label}的值無效${allowed ? `（允許：${allowed}）` : ''}`;
    }
    case 'format':
    case 'pattern':
      return en ? `${label} has an invalid format` : `${label}格式錯誤`;
    case 'additionalProperties':
      return en ? `unknown field ${String(p.additionalProperty)}` : `不允許的欄位 ${String(p.additionalProperty)}`;
    case 'maxItems':
      return en ? `${label} must have at most ${String(p.limit)} items` : `${label}最多 ${String(p.limit)} 筆`;
    default:
      return en ? `${label}: ${issue.message ?? 'invalid'}` : `${label}: ${issue.message ?? '無效'}`;
  }
}

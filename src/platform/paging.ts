import { Type, type Static } from 'typebox';

export const PageQuery = {
  page: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: '頁碼 (0 起算)' }),
  size: Type.Integer({ minimum: 1, maximum: 500, default: 20, description: '每頁筆數' }),
};

/** Spring Data's Page shape, which Java clients of the original service already read. */
export function PageOf<T extends import('typebox').TSchema>(item: T) {
  return Type.Object({
    content: Type.Array(item),
    page: Type.Integer(),
    size: Type.Integer(),
    totalElements: Type.Integer(),
    totalPages: Type.Integer(),
  });
}

export interface Page<T> {
  readonly content: T[];
  readonly page: number;
  readonly size: number;
  readonly totalElements: number;
  readonly totalPages: number;
}

export function pageOf<T>(content: T[], page: number, size: number, total: number): Page<T> {
  return { content, page, size, totalElements: total, totalPages: Math.ceil(total / size) };
}

export type PageParams = Static<ReturnType<typeof Type.Object<typeof PageQuery>>>;

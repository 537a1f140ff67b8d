import { validationError, type SallaPaginationBody } from './envelope';

/** Salla documents at most 60 items per page. Asking for more is refused (422) rather than clamped, so a
 * client that relies on a bigger page notices in tests instead of silently missing items. */
export const MAX_PER_PAGE = 60;
export const DEFAULT_PER_PAGE = 15;

export interface PageRequest {
  page: number;
  perPage: number;
}

export function parsePaging(query: URLSearchParams): PageRequest {
  const fields: Record<string, string[]> = {};
  const page = positiveInt(query.get('page'), 1);
  const perPage = positiveInt(query.get('per_page'), DEFAULT_PER_PAGE);
  if (page === undefined) fields.page = ['The page must be an integer of at least 1.'];
  if (perPage === undefined || perPage > MAX_PER_PAGE) {
    fields.per_page = [`The per page must be an integer between 1 and ${MAX_PER_PAGE}.`];
  }
  if (Object.keys(fields).length > 0) throw validationError(fields);
  return { page: page as number, perPage: perPage as number };
}

/** Slices one page; links keep the request's other query parameters. A page past the end is empty. */
export function paginate<T>(
  items: readonly T[],
  { page, perPage }: PageRequest,
  requestUrl: URL,
): { data: T[]; pagination: SallaPaginationBody } {
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const data = items.slice((page - 1) * perPage, page * perPage);
  const link = (target: number): string => {
    const url = new URL(requestUrl);
    url.searchParams.set('page', String(target));
    return url.toString();
  };
  const links: { next?: string; previous?: string } = {};
  if (page < totalPages) links.next = link(page + 1);
  if (page > 1) links.previous = link(Math.min(page - 1, totalPages));
  return {
    data,
    pagination: {
      count: data.length,
      total: items.length,
      perPage,
      currentPage: page,
      totalPages,
      links: Object.keys(links).length > 0 ? links : [],
    },
  };
}

function positiveInt(text: string | null, fallback: number): number | undefined {
  if (text === null || text === '') return fallback;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 ? value : undefined;
}

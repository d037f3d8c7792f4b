// The new-release form's fields → the `filters` the API takes, checked before sending so the
// common mistakes get an answer at once (the server checks again and names the field).
import { SOURCES, type ReleaseFilters, type Source } from './api';

export interface FilterForm {
  minAgreement: string;
  sources: readonly Source[];
}

export type FilterProblem = 'minAgreementNotNumber' | 'minAgreementRange' | 'noSource';

export function buildFilters(form: FilterForm): { filters: ReleaseFilters; problems: Partial<Record<'min_agreement' | 'sources', FilterProblem>> } {
  // Only accepted tasks are ever released (the server's default), so statuses is not sent.
  const filters: ReleaseFilters = {};
  const problems: Partial<Record<'min_agreement' | 'sources', FilterProblem>> = {};
  const raw = form.minAgreement.trim().replace(',', '.');
  if (raw !== '') {
    const n = Number(raw);
    if (!Number.isFinite(n)) problems.min_agreement = 'minAgreementNotNumber';
    else if (n < 0 || n > 1) problems.min_agreement = 'minAgreementRange';
    else filters.min_agreement = n;
  }
  const chosen = SOURCES.filter((s) => form.sources.includes(s));
  if (chosen.length === 0) problems.sources = 'noSource';
  // Every source chosen means "no filter": a later source kind is not left out by accident.
  else if (chosen.length < SOURCES.length) filters.sources = chosen;
  return { filters, problems };
}

import type { Locale } from '../../domain/locales';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { ptBR } from './pt-BR';
import type { WebCopy } from './types';

export type { LinkProblemReason, WebCopy } from './types';
export { LINK_PROBLEM_REASONS } from './types';

/** The words of the web pages, for every supported locale (a missing one fails to compile). */
export const WEB_COPY: Readonly<Record<Locale, WebCopy>> = { en, es, fr, 'pt-BR': ptBR };

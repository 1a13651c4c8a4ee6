import type { Locale } from '../../../domain/locales';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { ptBR } from './pt-BR';
import type { TeamCopy } from './types';

export * from './types';

/** The Collaboration Center's words in every supported locale (a missing one fails to compile). */
export const TEAM_COPY: Readonly<Record<Locale, TeamCopy>> = { en, es, fr, 'pt-BR': ptBR };

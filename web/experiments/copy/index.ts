import type { Locale } from '../../../domain/locales';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { ptBR } from './pt-BR';
import type { ExperimentsCopy } from './types';

export { EXPERIMENT_NOTICES, type ExperimentNotice, type ExperimentsCopy } from './types';

/** The Experiments pages' words for every supported locale (a missing one fails to compile). */
export const EXPERIMENTS_COPY: Readonly<Record<Locale, ExperimentsCopy>> = { en, es, fr, 'pt-BR': ptBR };

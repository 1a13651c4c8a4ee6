import type { Locale } from '../../../domain/locales';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { ptBR } from './pt-BR';
import type { PanelCopy } from './types';

export type { PanelCopy } from './types';

/** The panel's words for every supported locale (a missing one fails to compile). */
export const PANEL_COPY: Readonly<Record<Locale, PanelCopy>> = { en, es, fr, 'pt-BR': ptBR };

import type { Locale } from '../../../domain/locales';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { ptBR } from './pt-BR';
import type { SellerCopy } from './types';

export type { SellerCopy } from './types';

/** The seller app's frame and emails in every supported locale (a missing one fails to compile). */
export const SELLER_COPY: Readonly<Record<Locale, SellerCopy>> = { en, es, fr, 'pt-BR': ptBR };

import { z } from 'zod';

/**
 * The rules for text from outside — API bodies, webhooks, CSV rows, commands. One rule each,
 * written once: every entry point applies them before anything is written.
 */

/**
 * Characters no stored text may hold: C0 and C1 controls and DEL (PostgreSQL refuses NUL; the
 * others have no place in a message), and the bidirectional overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069), which make text read other than it is stored — a product
 * name that spells a different amount.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

export const ILL_FORMED_TEXT = 'must be well-formed Unicode text (it contains a lone surrogate)';
export const FORBIDDEN_TEXT = 'must not contain control characters or bidirectional overrides';

/** What is wrong with a piece of text, or null: a lone surrogate, a control character, a bidi override. */
export function textProblem(text: string): string | null {
  if (!text.isWellFormed()) return ILL_FORMED_TEXT;
  if (FORBIDDEN_CHARACTERS.test(text)) return FORBIDDEN_TEXT;
  return null;
}

/** Free text within `max` characters (metadata values, descriptions). */
export const freeTextSchema = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((s, ctx) => {
      const problem = textProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** Control characters but the line breaks and tabs a written message has, and bidi overrides. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_MESSAGES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/**
 * A message a person writes (an agent's reply, a note): lines and tabs allowed, other control
 * characters not (PostgreSQL refuses NUL), well-formed, within `max` characters.
 */
export const messageTextSchema = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((s, ctx) => {
      if (!s.isWellFormed()) ctx.addIssue({ code: 'custom', message: ILL_FORMED_TEXT });
      else if (FORBIDDEN_IN_MESSAGES.test(s))
        ctx.addIssue({
          code: 'custom',
          message: 'must not contain control characters other than line breaks and tabs',
        });
    });

/** Human-readable text (names, product titles): trimmed, not empty, bounded, and clean. */
export const plainTextSchema = (max: number) => freeTextSchema(max).trim().min(1);

export interface InputLimits {
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
  /** Most values (objects, arrays, keys and leaves) in one input. */
  maxNodes: number;
}

/** Generous for every body we take (a bulk start of 1,000 installments is 4 levels and ~40,000 values). */
export const DEFAULT_INPUT_LIMITS: InputLimits = { maxDepth: 32, maxNodes: 250_000 };

export interface InputProblem {
  /** Dotted path of the offending value (`items.3.buyer.name`), or `(root)`. */
  path: string;
  message: string;
}

/**
 * The first thing wrong with the shape of a parsed input: nested too deep, too many values, or a
 * string — a value or a key — that is not well-formed Unicode. Walks without recursion, so an
 * absurdly deep input is refused, not a stack overflow.
 */
export function inputShapeProblem(input: unknown, limits: InputLimits = DEFAULT_INPUT_LIMITS): InputProblem | null {
  const stack: { value: unknown; path: string[] }[] = [{ value: input, path: [] }];
  let nodes = 0;
  const at = (path: string[]) => (path.length ? path.join('.') : '(root)');
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (++nodes > limits.maxNodes) return { path: '(root)', message: `must have at most ${limits.maxNodes} values` };
    if (typeof value === 'string') {
      if (!value.isWellFormed()) return { path: at(path), message: ILL_FORMED_TEXT };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= limits.maxDepth)
      return { path: at(path), message: `must be nested at most ${limits.maxDepth} deep` };
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [String(i), v])
      : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      if (!key.isWellFormed())
        return { path: at(path), message: `has a key that ${ILL_FORMED_TEXT.replace('must be', 'is not')}` };
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}

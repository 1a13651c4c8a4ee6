/**
 * Which assistant engine a process runs: the OpenAI model when OPENAI_API_KEY is set, else the
 * deterministic menu (a working assistant with no key, for self-hosters and tests).
 *
 * Bad values fail at start with the variable's name; the key itself is never printed.
 */
import OpenAI from 'openai';
import type { AssistantEngine } from '../../domain/assistant/engine';
import { menuEngine } from '../../domain/assistant/menu';
import { createOpenAiEngine } from './openai-engine';

/** A current small model: the assistant's tool loop needs function calling, not depth. */
export const DEFAULT_OPENAI_MODEL = 'gpt-4.1-mini';

export function assistantEngineFromEnv(env: Readonly<Record<string, string | undefined>>): AssistantEngine {
  const apiKey = env.OPENAI_API_KEY;
  if (apiKey === undefined || apiKey === '') return menuEngine;
  if (apiKey.trim() !== apiKey || /\s/.test(apiKey)) {
    throw new Error('OPENAI_API_KEY must not contain whitespace');
  }
  const model = env.OPENAI_MODEL?.trim() || DEFAULT_OPENAI_MODEL;
  if (!/^[\w.:-]{1,128}$/.test(model)) throw new Error(`OPENAI_MODEL is not a model name: ${JSON.stringify(model)}`);
  const baseURL = env.OPENAI_BASE_URL?.trim() || undefined;
  if (baseURL !== undefined) {
    let url: URL;
    try {
      url = new URL(baseURL);
    } catch {
      throw new Error('OPENAI_BASE_URL is not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('OPENAI_BASE_URL must be http(s)');
  }
  const client = new OpenAI({ apiKey, baseURL, maxRetries: 2, timeout: 20_000 });
  return createOpenAiEngine({ client, model });
}

/**
 * A fake OpenAI Responses API (POST /v1/responses) on the scriptable local server. Each answer is
 * a model step: tool calls, a final text, or an HTTP error. Steps come from a queue (`steps`), else
 * from `answer(body)` (a script keyed on the request, for runs where the order of requests is not
 * known in advance), else a plain "OK" message. Every request body is recorded as sent.
 */
import { type FakeHttpServer, type HandlerResult, startFakeHttpServer } from './fake-http-server';

export type ModelStep =
  { calls: { name: string; arguments: unknown }[] } | { text: string } | { status: number; message?: string };

/** The request body fields the tests read (the rest stays `unknown`). */
export interface ResponsesRequestBody {
  model: string;
  instructions?: string;
  input: Record<string, unknown>[];
  tools?: { type: string; name: string; parameters: Record<string, unknown>; strict: boolean; description?: string }[];
  store?: boolean;
  tool_choice?: unknown;
  [key: string]: unknown;
}

export interface FakeOpenAiServer extends FakeHttpServer {
  /** The base URL the SDK takes (`…/v1`). */
  baseURL: string;
  bodies: () => ResponsesRequestBody[];
  steps: (...steps: ModelStep[]) => void;
}

let ids = 0;

function responseBody(step: Exclude<ModelStep, { status: number }>, model: string): unknown {
  const output =
    'calls' in step
      ? step.calls.map((call) => {
          const n = ++ids;
          return {
            type: 'function_call',
            id: `fc_${n}`,
            call_id: `call_${n}`,
            name: call.name,
            arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
            status: 'completed',
          };
        })
      : [
          {
            type: 'message',
            id: `msg_${++ids}`,
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: step.text, annotations: [] }],
          },
        ];
  return {
    id: `resp_${++ids}`,
    object: 'response',
    created_at: 1_773_100_800,
    status: 'completed',
    model,
    output,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    usage: { input_tokens: 10, output_tokens: 10, total_tokens: 20 },
  };
}

function asHttp(step: ModelStep, model: string): HandlerResult {
  if ('status' in step) {
    return {
      status: step.status,
      // retry-after-ms: the SDK's retries happen at once (the test checks they happen, not their pace).
      headers: { 'retry-after-ms': '1' },
      body: { error: { message: step.message ?? 'scripted failure', type: 'server_error', code: null, param: null } },
    };
  }
  return { status: 200, body: responseBody(step, model) };
}

export async function startFakeOpenAiServer(
  answer: (body: ResponsesRequestBody) => ModelStep = () => ({ text: 'OK' }),
): Promise<FakeOpenAiServer> {
  const queue: ModelStep[] = [];
  const server = await startFakeHttpServer(
    (request) => {
      if (request.method !== 'POST' || request.path !== '/v1/responses') {
        return { status: 404, body: { error: { message: 'not found', type: 'invalid_request_error' } } };
      }
      if (!request.headers.authorization?.startsWith('Bearer ')) {
        return { status: 401, body: { error: { message: 'missing key', type: 'invalid_request_error' } } };
      }
      const body = request.body as ResponsesRequestBody;
      return asHttp(queue.shift() ?? answer(body), body.model);
    },
    () => {
      queue.length = 0;
    },
  );
  return {
    ...server,
    baseURL: `${server.url}/v1`,
    bodies: () => server.requests.map((r) => r.body as ResponsesRequestBody),
    steps: (...steps) => {
      queue.push(...steps);
    },
  };
}

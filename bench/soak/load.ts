/**
 * The soak's load: a few virtual clients, each doing one thing after another for the whole run —
 * starting journeys (and starting some again), paying them (some payments reported twice),
 * moving due dates (some changes sent twice with the same Idempotency-Key), and playing the
 * providers' webhooks, signed and forged. The ledger remembers what the API accepted, which is
 * what the checks hold the database and Temporal to afterwards.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import twilio from 'twilio';
import { addDays, instantToZoned } from '../../domain/local-time';
import { delay } from './cleanup';
import type { Answer, Kind, Outcome, Request, Traffic } from './traffic';

export interface WebhookSecrets {
  publicBaseUrl: string;
  twilioAuthToken: string;
  resendWebhookSecret: string;
}

export interface LoadSettings {
  traffic: Traffic;
  /** Prefix of every installment, payment and key of this run. */
  runId: string;
  policyId: string;
  /** The buyers' zone: one where it is mid-afternoon, so reminders may go out at once. */
  timeZone: string;
  clients: number;
  /** Date.now() after which no client begins a new request (retries in flight finish). */
  until: number;
  webhooks: WebhookSecrets;
}

export type RequestState = 'pending' | 'accepted' | 'refused' | 'gave-up';

export interface PaymentRecord {
  amountMinor: number;
  state: RequestState;
  status?: number;
}

export interface InstallmentRecord {
  installmentId: string;
  phone: string;
  currency: string;
  /** As first started: a repeated start sends the very same body. */
  dueDate: string;
  start: RequestState;
  payments: Map<string, PaymentRecord>;
}

/** An answer the load did not expect for its kind of request (beyond the retried 5xx). */
export interface Unexpected {
  kind: Kind;
  route: string;
  /** The final status, or `gave up after <status>` when the retries ran out. */
  status: string;
  body: string;
}

export class Ledger {
  readonly installments = new Map<string, InstallmentRecord>();
  /** Installments only ever paid (expect 404), never started: no journey may exist for them. */
  readonly neverStarted = new Set<string>();
  readonly unexpected: Unexpected[] = [];
  /** Repeated starts answered as if new (201 / created: true): a second journey. */
  repeatedStartsCreated = 0;
  private readonly acceptedList: InstallmentRecord[] = [];

  accept(record: InstallmentRecord): void {
    record.start = 'accepted';
    this.acceptedList.push(record);
  }

  randomAccepted(): InstallmentRecord | undefined {
    return this.acceptedList[Math.floor(Math.random() * this.acceptedList.length)];
  }

  get accepted(): readonly InstallmentRecord[] {
    return this.acceptedList;
  }
}

const CURRENCY = 'EUR';
const INSTALLMENT_MINOR = 10_000;

/** Think time between two requests of one client: a steady, modest rate on two cores. */
const PAUSE_MS = { min: Number(process.env.SOAK_PAUSE_MS ?? 150), spread: 150 };

type Action = (load: Load) => Promise<void>;

/** What each client does next, by weight. */
const ACTIONS: readonly [number, Action][] = [
  [24, (l) => l.startNew()],
  [4, (l) => l.startAgain()],
  [24, (l) => l.pay()],
  [2, (l) => l.payNeverStarted()],
  [14, (l) => l.changeDueDate()],
  [8, (l) => l.twilioStatusSigned()],
  [5, (l) => l.twilioInboundSigned()],
  [4, (l) => l.resendDeliveredSigned()],
  [5, (l) => l.twilioForged()],
  [4, (l) => l.twilioUnsigned()],
  [4, (l) => l.resendForged()],
];
const TOTAL_WEIGHT = ACTIONS.reduce((sum, [weight]) => sum + weight, 0);

function pickAction(): Action {
  let roll = Math.random() * TOTAL_WEIGHT;
  for (const [weight, action] of ACTIONS) {
    roll -= weight;
    if (roll < 0) return action;
  }
  return ACTIONS[0]![1];
}

const chance = (p: number) => Math.random() < p;
/** 409 journey-ended, not 409 idempotency-key-in-use (which says: retry shortly). */
const isJourneyEnded = (a: Answer) => a.body.includes('journey-ended');
const between = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

export class Load {
  readonly ledger = new Ledger();
  private sequence = 0;

  constructor(private readonly settings: LoadSettings) {}

  /** Runs every client until the deadline; resolves when the last request in flight is done. */
  async run(): Promise<void> {
    await Promise.all(Array.from({ length: this.settings.clients }, () => this.client()));
  }

  private async client(): Promise<void> {
    while (Date.now() < this.settings.until) {
      await pickAction()(this);
      await delay(PAUSE_MS.min + Math.random() * PAUSE_MS.spread);
    }
  }

  private next(prefix: string): string {
    this.sequence += 1;
    return `${this.settings.runId}-${prefix}${this.sequence}`;
  }

  private send(kind: Kind, request: Request): Promise<Outcome> {
    return this.settings.traffic.send(kind, request);
  }

  /** Notes an answer other than `expected`, or retries that ran out; true when the answer was expected. */
  private expect(kind: Kind, request: Request, outcome: Outcome, expected: (answer: Answer) => boolean): boolean {
    if (outcome.answer && !outcome.gaveUp && expected(outcome.answer)) return true;
    const status = String(outcome.answer?.status ?? 'no answer');
    this.ledger.unexpected.push({
      kind,
      route: `${request.method} ${request.path}`,
      status: outcome.gaveUp ? `gave up after ${outcome.tries} tries, last: ${status}` : status,
      body: (outcome.answer?.body ?? outcome.lastError).slice(0, 300),
    });
    return false;
  }

  private today(): string {
    return instantToZoned(Date.now(), this.settings.timeZone).date;
  }

  // ——— journeys ———

  async startNew(): Promise<void> {
    const installmentId = this.next('inst');
    const record: InstallmentRecord = {
      installmentId,
      phone: `+1555${String(this.sequence % 10_000_000).padStart(7, '0')}`,
      currency: CURRENCY,
      // Due today: the due-day reminder goes out at once. Due tomorrow: the day-before one does.
      dueDate: chance(1 / 3) ? addDays(this.today(), 1) : this.today(),
      start: 'pending',
      payments: new Map(),
    };
    this.ledger.installments.set(installmentId, record);
    const request: Request = { method: 'POST', path: '/v1/journeys', body: this.startBody(record) };
    const outcome = await this.send('start', request);
    // 200 is fine when an earlier try (answered 5xx) had started it already.
    if (this.expect('start', request, outcome, (a) => a.status === 201 || a.status === 200)) this.ledger.accept(record);
    else record.start = outcome.gaveUp ? 'gave-up' : 'refused';
  }

  private startBody(record: InstallmentRecord) {
    const n = record.installmentId;
    return {
      installmentId: n,
      purchaseId: `${n}-purchase`,
      product: { id: 'soak-course', name: 'Soak Test Course' },
      buyer: {
        id: `${n}-buyer`,
        name: 'Soak Buyer',
        email: `${n}@example.com`,
        phone: record.phone,
        locale: 'en',
        timezone: this.settings.timeZone,
      },
      amount: { amountMinor: INSTALLMENT_MINOR, currency: record.currency },
      installmentNumber: 1,
      installmentCount: 3,
      dueDate: record.dueDate,
      paymentUrl: `https://pay.example.com/i/${n}`,
      policyId: this.settings.policyId,
    };
  }

  /** The payment system starting an installment it already started: the same journey (200). */
  async startAgain(): Promise<void> {
    const record = this.ledger.randomAccepted();
    if (!record) return this.startNew();
    const request: Request = { method: 'POST', path: '/v1/journeys', body: this.startBody(record) };
    const outcome = await this.send('start again (same installment)', request);
    if (outcome.answer?.status === 201 || outcome.answer?.body.includes('"created":true'))
      this.ledger.repeatedStartsCreated += 1;
    this.expect('start again (same installment)', request, outcome, (a) => a.status === 200);
  }

  // ——— payments ———

  async pay(): Promise<void> {
    const record = this.ledger.randomAccepted();
    if (!record) return this.startNew();
    const paymentId = this.next('pay');
    const payment: PaymentRecord = { amountMinor: between(500, 3_000), state: 'pending' };
    record.payments.set(paymentId, payment);
    const request: Request = {
      method: 'POST',
      path: `/v1/journeys/${record.installmentId}/payments`,
      body: { paymentId, amountMinor: payment.amountMinor, currency: record.currency },
    };
    const outcome = await this.send('payment', request);
    payment.status = outcome.answer?.status;
    if (!this.expect('payment', request, outcome, (a) => a.status === 202)) {
      payment.state = outcome.gaveUp ? 'gave-up' : 'refused';
      return;
    }
    payment.state = 'accepted';
    // The payment system did not hear the answer and reports the same payment again.
    if (chance(0.15)) {
      const again = await this.send('payment again (same paymentId)', request);
      this.expect('payment again (same paymentId)', request, again, (a) => a.status === 202);
    }
  }

  async payNeverStarted(): Promise<void> {
    const installmentId = this.next('never');
    this.ledger.neverStarted.add(installmentId);
    const request: Request = {
      method: 'POST',
      path: `/v1/journeys/${installmentId}/payments`,
      body: { paymentId: this.next('pay'), amountMinor: 1_000, currency: CURRENCY },
    };
    const outcome = await this.send('payment (never-started installment)', request);
    this.expect('payment (never-started installment)', request, outcome, (a) => a.status === 404);
  }

  // ——— due dates ———

  /** Today, tomorrow or the day after: each reminder plan restarts, some at once; some are refused. */
  async changeDueDate(): Promise<void> {
    const record = this.ledger.randomAccepted();
    if (!record) return this.startNew();
    const request: Request = {
      method: 'PUT',
      path: `/v1/journeys/${record.installmentId}/due-date`,
      headers: { 'idempotency-key': this.next('dd') },
      body: { dueDate: addDays(this.today(), between(0, 2)) },
    };
    // 422: the policy refused (unchanged date, too many changes); 409: the journey is paid and closed.
    const outcome = await this.send('due-date change', request);
    const answered = (a: Answer) => a.status === 200 || a.status === 422 || (a.status === 409 && isJourneyEnded(a));
    if (!this.expect('due-date change', request, outcome, answered)) return;
    if (chance(0.15)) {
      const again = await this.send('due-date change again (same key)', request);
      this.expect('due-date change again (same key)', request, again, (a) => a.status === outcome.answer!.status);
    }
  }

  // ——— webhooks ———

  private twilioRequest(path: string, params: Record<string, string>, signature: string | null): Request {
    return {
      method: 'POST',
      path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature !== null && { 'x-twilio-signature': signature }),
      },
      body: new URLSearchParams(params).toString(),
    };
  }

  private twilioSigned(path: string, params: Record<string, string>): Request {
    const { publicBaseUrl, twilioAuthToken } = this.settings.webhooks;
    const signature = twilio.getExpectedTwilioSignature(twilioAuthToken, publicBaseUrl + path, params);
    return this.twilioRequest(path, params, signature);
  }

  private statusParams(): Record<string, string> {
    return { MessageSid: `SM${randomBytes(16).toString('hex')}`, MessageStatus: 'delivered', To: '+15550000001' };
  }

  /** A status callback for a message we do not know: Twilio's, so accepted (204), and it changes nothing. */
  async twilioStatusSigned(): Promise<void> {
    const request = this.twilioSigned('/webhooks/twilio/status', this.statusParams());
    const outcome = await this.send('webhook twilio status (signed)', request);
    this.expect('webhook twilio status (signed)', request, outcome, (a) => a.status === 204);
  }

  /** A buyer writing back (no keyword): opens their WhatsApp window, stops nothing. */
  async twilioInboundSigned(): Promise<void> {
    const record = this.ledger.randomAccepted();
    if (!record) return this.startNew();
    const params = { From: record.phone, To: '+15550000000', Body: 'Thanks, I will pay this week', MessageSid: 'SM1' };
    const request = this.twilioSigned('/webhooks/twilio/inbound', params);
    const outcome = await this.send('webhook twilio inbound (signed)', request);
    this.expect('webhook twilio inbound (signed)', request, outcome, (a) => a.status === 200);
  }

  async twilioForged(): Promise<void> {
    const request = this.twilioRequest('/webhooks/twilio/status', this.statusParams(), 'Zm9yZ2VkIHNpZ25hdHVyZQ==');
    const outcome = await this.send('webhook twilio (forged signature)', request);
    this.expect('webhook twilio (forged signature)', request, outcome, (a) => a.status === 403);
  }

  async twilioUnsigned(): Promise<void> {
    const request = this.twilioRequest('/webhooks/twilio/status', this.statusParams(), null);
    const outcome = await this.send('webhook twilio (no signature)', request);
    this.expect('webhook twilio (no signature)', request, outcome, (a) => a.status === 401);
  }

  private resendRequest(forged: boolean): Request {
    const body = JSON.stringify({
      type: 'email.delivered',
      created_at: new Date().toISOString(),
      data: { email_id: randomUUID(), to: ['soak@example.com'] },
    });
    const id = `msg_${randomUUID()}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    // The svix scheme: base64(HMAC-SHA256(base64-decoded secret, `${id}.${timestamp}.${body}`)).
    const key = Buffer.from(this.settings.webhooks.resendWebhookSecret.replace(/^whsec_/, ''), 'base64');
    const mac = createHmac('sha256', forged ? randomBytes(32) : key)
      .update(`${id}.${timestamp}.${body}`)
      .digest('base64');
    return {
      method: 'POST',
      path: '/webhooks/resend',
      headers: {
        'content-type': 'application/json',
        'svix-id': id,
        'svix-timestamp': timestamp,
        'svix-signature': `v1,${mac}`,
      },
      body,
    };
  }

  async resendDeliveredSigned(): Promise<void> {
    const request = this.resendRequest(false);
    const outcome = await this.send('webhook resend delivered (signed)', request);
    this.expect('webhook resend delivered (signed)', request, outcome, (a) => a.status >= 200 && a.status < 300);
  }

  async resendForged(): Promise<void> {
    const request = this.resendRequest(true);
    const outcome = await this.send('webhook resend (forged signature)', request);
    this.expect('webhook resend (forged signature)', request, outcome, (a) => a.status === 403);
  }
}

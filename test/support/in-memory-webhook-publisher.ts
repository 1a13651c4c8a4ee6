/**
 * A test double of our own WebhookPublisher interface (domain/webhook-events.ts), not of a third
 * party: endpoints per tenant and the events published, in memory. It keeps the contract's
 * promises — one event per source key, whatever the retries — so the in-app sender is tested
 * against what the real publisher guarantees.
 */
import type {
  PublishedEvent,
  WebhookEventDraft,
  WebhookEventType,
  WebhookPublisher,
} from '../../domain/webhook-events';

export interface PublishedDraft extends WebhookEventDraft {
  eventId: string;
}

export class InMemoryWebhookPublisher implements WebhookPublisher {
  /** Every event recorded, in order, once per source key. */
  readonly events: PublishedDraft[] = [];
  /** How often publish was called (retries included). */
  publishCalls = 0;
  private readonly subscriptions = new Map<string, Set<WebhookEventType>>();
  private failures = 0;

  /** An enabled endpoint of `tenantId` subscribed to these types. */
  subscribe(tenantId: string, ...types: WebhookEventType[]): this {
    const types_ = this.subscriptions.get(tenantId) ?? new Set();
    for (const type of types) types_.add(type);
    this.subscriptions.set(tenantId, types_);
    return this;
  }

  /** The next `times` publish calls record their events, then fail as if the answer were lost. */
  failAfterRecording(times = 1): this {
    this.failures = times;
    return this;
  }

  async hasSubscriber(tenantId: string, type: WebhookEventType): Promise<boolean> {
    return this.subscriptions.get(tenantId)?.has(type) ?? false;
  }

  async publish(drafts: readonly WebhookEventDraft[]): Promise<PublishedEvent[]> {
    this.publishCalls++;
    const published = drafts.map((draft) => {
      const key = (e: WebhookEventDraft) => `${e.tenantId}/${e.sourceKey}`;
      let event = this.events.find((e) => key(e) === key(draft));
      if (!event) {
        event = { ...draft, eventId: `evt_${this.events.length + 1}` };
        this.events.push(event);
      }
      const subscribed = this.subscriptions.get(draft.tenantId)?.has(draft.type) ?? false;
      return { eventId: event.eventId, deliveries: subscribed ? 1 : 0 };
    });
    if (this.failures > 0) {
      this.failures--;
      throw new Error('connection reset');
    }
    return published;
  }
}

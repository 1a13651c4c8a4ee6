/**
 * A buyer's message that is no keyword, through POST /webhooks/twilio/inbound (signed, on a real
 * database): recorded once by MessageSid in the conversation of the buyer who writes from that
 * address, and handed to the conversation gateway; keywords, empty messages and strangers are not.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findConversation } from '../../db/conversation-repository';
import { conversationMessages, conversations } from '../../db/schema';
import { conversationWorkflowId } from '../../domain/conversation';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { InMemoryConversationGateway } from '../support/in-memory-conversation-gateway';
import { type TwilioParams, twilioRequest } from '../support/twilio-request';
import {
  PUBLIC_BASE_URL,
  TWILIO_AUTH_TOKEN,
  type WebhookHarness,
  insertAttempt,
  seedJourney,
  startWebhookApi,
  uniquePhone,
} from './webhooks-support';

/** Our number the buyers write to. */
const OUR_NUMBER = '+15550001111';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const HOUR = 3_600_000;

let sids = 0;
const newSid = () => `SM${String(++sids).padStart(8, '0')}${Math.random().toString(16).slice(2, 10).padEnd(24, '0')}`;

/** What Twilio posts for a message `from` the buyer (`whatsapp:+…` or `+…`) to our number. */
function inbound(from: string, body: string, sid = newSid()): TwilioParams {
  const whatsapp = from.startsWith('whatsapp:');
  return {
    MessageSid: sid,
    AccountSid: `AC${'1'.repeat(32)}`,
    From: from,
    To: whatsapp ? `whatsapp:${OUR_NUMBER}` : OUR_NUMBER,
    Body: body,
    NumMedia: '0',
  };
}

describeEachDatabase('a buyer’s message through the Twilio webhook', (getDb) => {
  let api: WebhookHarness;
  let conversationGateway: InMemoryConversationGateway;
  beforeAll(async () => {
    conversationGateway = new InMemoryConversationGateway();
    api = await startWebhookApi(getDb(), undefined, undefined, conversationGateway);
  });
  afterAll(async () => {
    await api.app.close();
  });

  async function post(params: TwilioParams) {
    const response = await api.inject(
      twilioRequest('/webhooks/twilio/inbound', params, { baseUrl: PUBLIC_BASE_URL, token: TWILIO_AUTH_TOKEN }),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/xml/);
    return response.body;
  }

  /** A buyer with a running journey in `tenant`, reachable at `phone` on WhatsApp and SMS. */
  async function buyerAt(phone: string, tenant: 'tenant-a' | 'tenant-b' = 'tenant-a') {
    const buyerId = uniqueId('buyer');
    await seedJourney(api, { id: buyerId, phone, whatsapp: phone }, tenant);
    return { tenantId: tenant, buyerId };
  }

  const messagesOf = (conversationId: string) =>
    getDb()
      .select()
      .from(conversationMessages)
      .where(eq(conversationMessages.conversationId, conversationId))
      .orderBy(asc(conversationMessages.at), asc(conversationMessages.id));

  const conversationsAt = (address: string) =>
    getDb().select().from(conversations).where(eq(conversations.address, address));

  /** The gateway's buyerWrote calls since `from`. */
  const wrote = (from: number) => conversationGateway.calls.slice(from).filter((c) => c.method === 'buyerWrote');

  it('a WhatsApp message from a buyer with a running journey is recorded and handed to their conversation', async () => {
    const phone = uniquePhone();
    const buyer = await buyerAt(phone);
    const before = conversationGateway.calls.length;
    const params = inbound(`whatsapp:${phone}`, 'How much do I owe?');

    expect(await post(params)).toBe(EMPTY_TWIML);

    const conversationId = conversationWorkflowId(buyer.tenantId, buyer.buyerId, 'whatsapp');
    expect(await findConversation(getDb(), buyer.tenantId, conversationId)).toMatchObject({
      tenantId: buyer.tenantId,
      buyerId: buyer.buyerId,
      channel: 'whatsapp',
      address: phone,
      replyFrom: OUR_NUMBER,
      status: 'open',
    });
    const messages = await messagesOf(conversationId);
    expect(messages).toMatchObject([
      {
        id: `in/${params.MessageSid}`,
        tenantId: buyer.tenantId,
        direction: 'inbound',
        author: 'buyer',
        text: 'How much do I owe?',
      },
    ]);
    expect(wrote(before)).toEqual([
      {
        method: 'buyerWrote',
        ref: { tenantId: buyer.tenantId, buyerId: buyer.buyerId, channel: 'whatsapp' },
        argument: { messageId: `in/${params.MessageSid}`, receivedAt: messages[0]!.at.toISOString() },
      },
    ]);
  });

  it('a redelivered webhook (same MessageSid) is one message; each delivery is handed on under the same id', async () => {
    const phone = uniquePhone();
    const buyer = await buyerAt(phone);
    const before = conversationGateway.calls.length;
    const params = inbound(`whatsapp:${phone}`, 'Can I pay on Friday?');
    await post(params);
    await post(params);

    const conversationId = conversationWorkflowId(buyer.tenantId, buyer.buyerId, 'whatsapp');
    expect(await messagesOf(conversationId)).toHaveLength(1);
    const calls = wrote(before);
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((c) => (c.argument as { messageId: string }).messageId))).toEqual(
      new Set([`in/${params.MessageSid}`]),
    );
  });

  it('a keyword (STOP, HELP) or an empty message is not taken into the conversation', async () => {
    for (const body of ['STOP', 'HELP', '', '   ']) {
      const phone = uniquePhone();
      await buyerAt(phone);
      const before = conversationGateway.calls.length;
      const twiml = await post(inbound(`whatsapp:${phone}`, body));
      if (body.trim() === '') expect(twiml, JSON.stringify(body)).toBe(EMPTY_TWIML);
      else expect(twiml, body).toContain('<Message>');
      expect(wrote(before), body).toEqual([]);
      expect(await conversationsAt(phone), body).toEqual([]);
    }
  });

  it('a message from an address no running journey uses: nothing recorded, nothing handed on, empty TwiML', async () => {
    const phone = uniquePhone();
    const before = conversationGateway.calls.length;
    expect(await post(inbound(`whatsapp:${phone}`, 'Hello?'))).toBe(EMPTY_TWIML);
    expect(await post(inbound(phone, 'Hello?'))).toBe(EMPTY_TWIML);
    expect(wrote(before)).toEqual([]);
    expect(await conversationsAt(phone)).toEqual([]);
  });

  it('two sellers at one number: the message goes to the buyer we last wrote to, also when a conversation is open with the other', async () => {
    for (const latest of ['tenant-a', 'tenant-b'] as const) {
      const phone = uniquePhone();
      const a = await buyerAt(phone, 'tenant-a');
      const b = await buyerAt(phone, 'tenant-b');
      const [last, other] = latest === 'tenant-a' ? [a, b] : [b, a];
      const now = Date.now();
      await insertAttempt(getDb(), {
        channel: 'whatsapp',
        recipient: phone,
        ...other,
        sentAt: new Date(now - 2 * HOUR),
      });
      await insertAttempt(getDb(), { channel: 'whatsapp', recipient: phone, ...last, sentAt: new Date(now - HOUR) });
      const before = conversationGateway.calls.length;

      await post(inbound(`whatsapp:${phone}`, 'I already paid'));
      expect(
        wrote(before).map((c) => c.ref),
        latest,
      ).toEqual([{ ...last, channel: 'whatsapp' }]);
      const open = conversationWorkflowId(last.tenantId, last.buyerId, 'whatsapp');
      expect(await messagesOf(open), latest).toHaveLength(1);

      // The other seller writes since (a reminder after our last reply): the buyer is most likely
      // answering it, so the next message goes to that seller, in a conversation of its own.
      await insertAttempt(getDb(), { channel: 'whatsapp', recipient: phone, ...other, sentAt: new Date() });
      await post(inbound(`whatsapp:${phone}`, 'Did you get it?'));
      expect(
        wrote(before).map((c) => c.ref.tenantId),
        latest,
      ).toEqual([last.tenantId, other.tenantId]);
      expect(await messagesOf(open), latest).toHaveLength(1);
      expect((await conversationsAt(phone)).map((c) => c.id).sort(), latest).toEqual(
        [open, conversationWorkflowId(other.tenantId, other.buyerId, 'whatsapp')].sort(),
      );
    }
  });

  it('an SMS (no whatsapp: prefix) goes to the buyer’s SMS conversation, replied from the number they texted', async () => {
    const phone = uniquePhone();
    const buyer = await buyerAt(phone);
    const before = conversationGateway.calls.length;
    const params = inbound(phone, 'what is my balance');
    expect(await post(params)).toBe(EMPTY_TWIML);

    const conversationId = conversationWorkflowId(buyer.tenantId, buyer.buyerId, 'sms');
    expect(await findConversation(getDb(), buyer.tenantId, conversationId)).toMatchObject({
      channel: 'sms',
      address: phone,
      replyFrom: OUR_NUMBER,
    });
    expect(await messagesOf(conversationId)).toMatchObject([{ id: `in/${params.MessageSid}` }]);
    expect(wrote(before).map((c) => c.ref)).toEqual([{ ...buyer, channel: 'sms' }]);
    expect(
      await findConversation(
        getDb(),
        buyer.tenantId,
        conversationWorkflowId(buyer.tenantId, buyer.buyerId, 'whatsapp'),
      ),
    ).toBeNull();
  });
});

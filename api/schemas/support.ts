/** Support actions: the seller's world's events (refunds, subscriptions, buyers) as endpoints. */
import { z } from 'zod';
import { channelSchema } from '../../domain/value-schemas';
import { externalIdSchema, installmentFieldsSchema, refineInstallment } from '../../domain/installment';
import { journeyCreated, startJourneyExample } from './journeys';

export const purchaseParams = z.object({ purchaseId: externalIdSchema });
export const subscriptionParams = z.object({ subscriptionId: externalIdSchema });
export const buyerParams = z.object({ buyerId: externalIdSchema });

export const affectedJourneys = z
  .object({
    affected: z
      .array(
        z.object({
          installmentId: z.string(),
          journeyId: z.string(),
          result: z.enum(['applied', 'not_running', 'unavailable']),
        }),
      )
      .describe('each journey the action reached'),
    count: z.number().int().describe('journeys that received the message'),
  })
  .meta({
    id: 'AffectedJourneys',
    example: {
      affected: [{ installmentId: 'inst_2026_0042', journeyId: 'dunning/acme/inst_2026_0042', result: 'applied' }],
      count: 1,
    },
  });

/** The new installment of a reactivated subscription: a StartJourney body (its subscriptionId comes from the path). */
export const reactivateBody = installmentFieldsSchema
  .omit({ tenantId: true, subscriptionId: true })
  .superRefine(refineInstallment)
  .meta({
    id: 'ReactivateSubscription',
    example: { ...startJourneyExample, installmentId: 'inst_2027_0001', dueDate: '2027-01-10' },
  });

export const reactivated = journeyCreated
  .extend({ subscriptionId: z.string() })
  .meta({ id: 'SubscriptionReactivated' });

export const buyerChannelParams = buyerParams.extend({ channel: channelSchema });

/** A buyer's lasting stop on a channel, as kept in buyer_opt_outs. */
export const buyerOptOutView = z
  .object({
    channel: channelSchema,
    source: z.string().describe('where it was said: support (the buyer route) or support:journey'),
    recordedBy: z.record(z.string(), z.string()).describe('the key (and collaborator, profile) that recorded it'),
    recordedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'BuyerOptOut' });

export const buyerOptOuts = z
  .object({ buyerId: z.string(), optOuts: z.array(buyerOptOutView) })
  .meta({ id: 'BuyerOptOuts' });

export const buyerOptOutRecorded = affectedJourneys
  .extend({ optOut: buyerOptOutView.describe('the stop on record (the first one, when it was already recorded)') })
  .meta({ id: 'BuyerOptOutRecorded' });

export const buyerOptInRecorded = affectedJourneys
  .extend({ wasOptedOut: z.boolean().describe('whether a stop recorded by support was on record') })
  .meta({ id: 'BuyerOptInRecorded' });

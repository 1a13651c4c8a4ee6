import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { InstallmentInput } from '../domain/installment';
import { DUE_DATE_REFUSAL_MESSAGES, type DueDateRefusal } from '../domain/journey';
import { zonedToInstant } from '../domain/local-time';
import type { Policy } from '../domain/policy';
import type { JourneyStatus } from '../domain/status';
import type { dunningJourney } from '../workflows/journey';
import {
  DUE_DATE_REFUSED,
  cancelSignal,
  changeDueDateUpdate,
  journeyWorkflowId,
  optOutSignal,
  pauseSignal,
  paymentReceivedSignal,
  resumeSignal,
  statusQuery,
  updateContactSignal,
} from '../workflows/messages';
import { DUE_DATE, STAGE, TENANT } from '../workflows/search-attributes';
import type { Delivery, DueDateChangeResult, JourneyGateway, JourneyRef } from './gateway';

function isNotRunning(err: unknown): boolean {
  // Signalling a finished workflow answers NotFound ("workflow execution already completed").
  return err instanceof WorkflowNotFoundError;
}

export class TemporalJourneyGateway implements JourneyGateway {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  private handle(ref: JourneyRef) {
    return this.client.workflow.getHandle<typeof dunningJourney>(journeyWorkflowId(ref.tenantId, ref.installmentId));
  }

  private async deliver(send: () => Promise<void>): Promise<Delivery> {
    try {
      await send();
      return 'delivered';
    } catch (err) {
      if (isNotRunning(err)) return 'not_running';
      throw err;
    }
  }

  async start(installment: InstallmentInput, policy: Policy) {
    const journeyId = journeyWorkflowId(installment.tenantId, installment.installmentId);
    try {
      await this.client.workflow.start<typeof dunningJourney>('dunningJourney', {
        workflowId: journeyId,
        taskQueue: this.taskQueue,
        args: [{ installment, policy }],
        // One journey per installment, ever: a finished one is not started again.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: [
          { key: TENANT, value: installment.tenantId },
          { key: STAGE, value: 'pre_due' },
          { key: DUE_DATE, value: new Date(zonedToInstant(installment.dueDate, '00:00', installment.buyer.timezone)) },
        ],
      });
      return { journeyId, created: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { journeyId, created: false };
      throw err;
    }
  }

  async status(ref: JourneyRef): Promise<JourneyStatus | null> {
    const handle = this.handle(ref);
    try {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') return null;
      return await handle.query(statusQuery);
    } catch (err) {
      if (isNotRunning(err)) return null;
      throw err;
    }
  }

  reportPayment(ref: JourneyRef, payment: Parameters<JourneyGateway['reportPayment']>[1]) {
    return this.deliver(() => this.handle(ref).signal(paymentReceivedSignal, payment));
  }

  async changeDueDate(ref: JourneyRef, request: Parameters<JourneyGateway['changeDueDate']>[1]): Promise<DueDateChangeResult> {
    try {
      const result = await this.handle(ref).executeUpdate(changeDueDateUpdate, { args: [request] });
      return { kind: 'accepted', result };
    } catch (err) {
      if (isNotRunning(err)) return { kind: 'not_running' };
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === DUE_DATE_REFUSED) {
        const reason = err.cause.details?.[0] as DueDateRefusal;
        return { kind: 'refused', reason, message: DUE_DATE_REFUSAL_MESSAGES[reason] ?? err.cause.message };
      }
      throw err;
    }
  }

  pause(ref: JourneyRef, request: Parameters<JourneyGateway['pause']>[1]) {
    return this.deliver(() => this.handle(ref).signal(pauseSignal, request));
  }

  resume(ref: JourneyRef, request: Parameters<JourneyGateway['resume']>[1]) {
    return this.deliver(() => this.handle(ref).signal(resumeSignal, request));
  }

  cancel(ref: JourneyRef, request: Parameters<JourneyGateway['cancel']>[1]) {
    return this.deliver(() => this.handle(ref).signal(cancelSignal, request));
  }

  updateContact(ref: JourneyRef, change: Parameters<JourneyGateway['updateContact']>[1]) {
    return this.deliver(() => this.handle(ref).signal(updateContactSignal, change));
  }

  optOut(ref: JourneyRef, request: Parameters<JourneyGateway['optOut']>[1]) {
    return this.deliver(() => this.handle(ref).signal(optOutSignal, request));
  }
}

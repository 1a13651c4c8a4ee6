import type { InstallmentInput } from './installment';
import type { RecordedEvent } from './journey';
import type { JourneyStatus } from './status';

/**
 * What a journey hands over to be recorded: the events not yet on record and the status they
 * lead to. Recording it twice changes nothing (events are keyed by sequence number).
 */
export interface JourneyRecord {
  journeyId: string;
  runId: string;
  installment: InstallmentInput;
  status: JourneyStatus;
  events: RecordedEvent[];
}

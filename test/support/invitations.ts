import type { InvitationRequest, Invitations } from '../../application/invitations';

/** The invitations port as a recording double: what would have been emailed, in order. */
export class RecordingInvitations implements Invitations {
  readonly sent: InvitationRequest[] = [];
  /** The next send fails as a mail server that is down would (nothing is recorded). */
  failNext = false;
  async send(request: InvitationRequest): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('mail server unreachable');
    }
    this.sent.push(request);
  }
}

import type { InvitationRequest, Invitations } from '../../application/invitations';

/** The invitations port as a recording double: what would have been emailed, in order. */
export class RecordingInvitations implements Invitations {
  readonly sent: InvitationRequest[] = [];
  async send(request: InvitationRequest): Promise<void> {
    this.sent.push(request);
  }
}

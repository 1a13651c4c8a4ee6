/** A request as Twilio makes it to our webhooks: a form body, signed over the public URL and the parameters. */
import twilio from 'twilio';

export type TwilioParams = Record<string, string>;

export function twilioRequest(
  path: string,
  params: TwilioParams,
  options: {
    baseUrl: string;
    token: string;
    signedUrl?: string;
    signedParams?: TwilioParams;
    signature?: string | null;
  },
) {
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(
          options.token,
          options.signedUrl ?? options.baseUrl + path,
          options.signedParams ?? params,
        )
      : options.signature;
  return {
    method: 'POST' as const,
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature !== null && { 'x-twilio-signature': signature }),
    },
    payload: new URLSearchParams(params).toString(),
  };
}

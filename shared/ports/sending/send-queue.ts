import type { SendRequest } from '../../domain/sending/send-request.js';

/** The send queue: journeys and campaigns hand their send requests to the sender through it. */
export interface SendRequestQueue {
  enqueue(requests: SendRequest[]): Promise<void>;
}

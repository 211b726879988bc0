import axios from 'axios';
import { config } from '../config.js';

export interface Charge {
  id: string;
  status: 'succeeded' | 'requires_action' | 'failed';
}

export async function chargeCard(orderId: number, amountCents: number, paymentMethodId: string): Promise<Charge> {
  const { data } = await axios.post<Charge>(
    `${config.payments.baseUrl}/v1/charges`,
    {
      amount: amountCents,
      currency: 'eur',
      payment_method: paymentMethodId,
      metadata: { orderId },
    },
    {
      headers: {
        Authorization: `Bearer ${config.payments.apiKey}`,
        'Idempotency-Key': `order-${orderId}`,
      },
    },
  );
  return data;
}

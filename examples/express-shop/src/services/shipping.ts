import { config } from '../config.js';

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  postalCode: string;
  city: string;
  country: string;
}

const FALLBACK_RATE_CENTS = 690;

/** Asks the carrier for a rate; a slow carrier must not hold up checkout, so it falls back to a flat rate. */
export async function quoteShipping(address: ShippingAddress, weightGrams: number): Promise<number> {
  try {
    const res = await fetch(`${config.shipping.baseUrl}/quotes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ country: address.country, postalCode: address.postalCode, weightGrams }),
      signal: AbortSignal.timeout(3000),
    });
    if (!res.ok) return FALLBACK_RATE_CENTS;
    const body = (await res.json()) as { priceCents: number };
    return body.priceCents;
  } catch {
    return FALLBACK_RATE_CENTS;
  }
}

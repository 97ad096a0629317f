/**
 * Money goes in and comes out in the currency units a shop sends (79.5 means 79.50). Inside,
 * amounts are kept in hundredths so sums stay exact; nothing outside the domain sees them.
 */
export function toMinorUnits(amount: number): number {
  return Math.round(amount * 100);
}

export function fromMinorUnits(minor: number): number {
  return Math.round(minor) / 100;
}

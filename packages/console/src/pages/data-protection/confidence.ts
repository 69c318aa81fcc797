/** A finding's confidence in words beside its number, so the level never rests on colour alone. */
export function confidenceLevel(c: number): { label: string; color: string } {
  if (c >= 0.85) return { label: 'high', color: 'red' };
  if (c >= 0.6) return { label: 'medium', color: 'orange' };
  return { label: 'low', color: 'gray' };
}

export const percent = (c: number) => `${Math.round(c * 100)} %`;

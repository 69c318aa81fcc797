/** The identity REST API's shapes (people, ownership offers, settings), defined once with zod. */
import { z } from 'zod';

export const personSchema = z.object({
  id: z.string(),
  ref: z.string(),
  user_name: z.string(),
  display_name: z.string().nullable(),
  active: z.boolean(),
  title: z.string().nullable(),
  employment_type: z.string().nullable(),
  department: z.string().nullable(),
  cost_center: z.string().nullable(),
  organization: z.string().nullable(),
  division: z.string().nullable(),
  location: z.string().nullable(),
  country: z.string().nullable(),
  manager: z.object({ id: z.string(), ref: z.string().nullable() }).nullable(),
  groups: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});

export const peopleQuerySchema = z.strictObject({
  active: z.boolean().optional(),
  department: z.string().max(200).optional(),
  limit: z.int().min(1).max(1000).optional(),
});
export type PeopleQuery = z.infer<typeof peopleQuerySchema>;

export const offerSchema = z.object({
  id: z.string(),
  app: z.string(),
  from: z.string().meta({ description: 'The departed owner' }),
  to: z.string().meta({ description: 'The person offered the app' }),
  via: z.enum(['manager', 'fallback']),
  status: z.enum(['open', 'accepted', 'declined']),
  created_at: z.string(),
  decided_at: z.string().nullable(),
  decided_by: z.string().nullable(),
});

export const offerQuerySchema = z.strictObject({ status: z.enum(['open', 'accepted', 'declined']).optional() });

export const settingsSchema = z.strictObject({
  fallback_owner: z.string().max(320).nullable().meta({ description: 'Who is offered a departed owner’s apps when they have no active manager: user:<email>, group:<name>, or null' }),
});

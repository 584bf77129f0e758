/** Shared column helpers so every table spells ids, tenants, timestamps and money the same way. */
import { numeric, timestamp, uuid } from 'drizzle-orm/pg-core';

export const id = () => uuid('id').primaryKey().defaultRandom();

export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
export const timestamps = () => ({ createdAt: createdAt(), updatedAt: updatedAt() });

/** Exact rate or per-request amount: unconstrained NUMERIC keeps every digit (no rounding). */
export const exact = (name: string) => numeric(name);
/** Invoice-grade money: cents, after the one documented rounding step. */
export const cents = (name: string) => numeric(name, { precision: 14, scale: 2 });
/** A percent such as a markup (40.0000) or tax rate. */
export const percent = (name: string) => numeric(name, { precision: 9, scale: 4 });
/** Wall-clock instant. */
export const ts = (name: string) => timestamp(name, { withTimezone: true });

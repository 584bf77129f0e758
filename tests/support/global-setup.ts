// Replaced by the database test harness (lib/db + tests/support/db.ts).
export default async function setup(): Promise<void> {}

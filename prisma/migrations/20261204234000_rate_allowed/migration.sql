-- Whether the latest take from this bucket was allowed, so one upsert both takes a token
-- and reports the decision.
ALTER TABLE "rate_buckets" ADD COLUMN "allowed" BOOLEAN NOT NULL DEFAULT true;

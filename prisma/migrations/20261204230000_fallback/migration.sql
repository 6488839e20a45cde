-- When the fallback URL is used: while the breaker holds the endpoint ("held"), for a
-- delivery that would be dead-lettered ("dead"), or both.
ALTER TABLE "endpoints" ADD COLUMN "fallback_on" TEXT NOT NULL DEFAULT 'held';

-- The operator's own words for an override; "reason" keeps the machine-readable code.
ALTER TABLE "transitions" ADD COLUMN "note" TEXT;

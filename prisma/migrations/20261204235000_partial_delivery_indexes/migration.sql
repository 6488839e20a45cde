-- Delivery indexes cover only the rows their queries read. A delivery's final update (to
-- "delivered") then writes no entry into them, which halves the index writes per delivery.
-- Prisma's schema cannot express partial indexes, so these live here only; schema.prisma
-- says so beside the Delivery model.
DROP INDEX "deliveries_endpoint_id_status_next_attempt_at_idx";
DROP INDEX "deliveries_status_next_attempt_at_idx";
DROP INDEX "deliveries_endpoint_id_dead_at_idx";

-- Claims: due deliveries of an endpoint, oldest first.
CREATE INDEX "deliveries_due_idx" ON "deliveries"("endpoint_id", "status", "next_attempt_at")
  WHERE "status" IN ('pending', 'failed', 'in_flight');
-- Counts of waiting deliveries and dead letters for the metrics.
CREATE INDEX "deliveries_unfinished_status_idx" ON "deliveries"("status")
  WHERE "status" <> 'delivered';
-- Dead letters of an endpoint by time.
CREATE INDEX "deliveries_dead_idx" ON "deliveries"("endpoint_id", "dead_at")
  WHERE "status" = 'dead';

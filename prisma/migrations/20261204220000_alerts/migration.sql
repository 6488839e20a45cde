-- CreateTable
CREATE TABLE "alerts" (
    "id" TEXT NOT NULL,
    "endpoint_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "tier" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alerts_endpoint_id_started_at_idx" ON "alerts"("endpoint_id", "started_at");
CREATE INDEX "alerts_resolved_at_idx" ON "alerts"("resolved_at");

-- At most one unresolved alert per endpoint and kind: every instance runs the evaluator, and
-- the one whose insert wins this index raises the alert. Prisma cannot express a partial
-- index, so schema.prisma does not list it.
CREATE UNIQUE INDEX "alerts_one_open_per_endpoint_kind" ON "alerts"("endpoint_id", "kind") WHERE "resolved_at" IS NULL;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

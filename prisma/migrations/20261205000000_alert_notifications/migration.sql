-- Alert webhook notifications, stored in the same transaction that raises or resolves the
-- alert, so a notification survives a crash or restart before it is sent. The id is the
-- webhook-id the receiver sees: "<alert id>.raised" or "<alert id>.resolved".
CREATE TABLE "alert_notifications" (
    "id" TEXT NOT NULL,
    "alert_id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "body" BYTEA NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_until" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_notifications_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "alert_notifications_alert_id_idx" ON "alert_notifications"("alert_id");

-- Notifications still to send, by due time. Prisma's schema cannot express a partial index,
-- so schema.prisma does not list it.
CREATE INDEX "alert_notifications_due_idx" ON "alert_notifications"("next_attempt_at")
  WHERE "sent_at" IS NULL AND "failed_at" IS NULL;

ALTER TABLE "alert_notifications" ADD CONSTRAINT "alert_notifications_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

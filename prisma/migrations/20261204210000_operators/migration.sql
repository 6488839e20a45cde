-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_checkpoints" (
    "through_seq" BIGINT NOT NULL,
    "last_hash" TEXT NOT NULL,
    "purged_count" INTEGER NOT NULL,
    "cutoff" TIMESTAMPTZ(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("through_seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- Audit entries stay append-only, with one exception: the retention purge may delete entries
-- older than 365 days, and only in a transaction that set switchyard.audit_purge to 'on'.
CREATE FUNCTION "switchyard_guard_audit_entries"() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('switchyard.audit_purge', true) = 'on' THEN
    IF OLD.at < CURRENT_TIMESTAMP - interval '365 days' THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit entry % is younger than 365 days and cannot be purged', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION '% on % is not allowed: this table is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER "audit_entries_append_only" ON "audit_entries";
CREATE TRIGGER "audit_entries_append_only" BEFORE UPDATE OR DELETE ON "audit_entries"
  FOR EACH ROW EXECUTE FUNCTION "switchyard_guard_audit_entries"();

-- Row triggers do not fire on TRUNCATE, so each history table also rejects it per statement.
CREATE FUNCTION "switchyard_reject_history_truncate"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'TRUNCATE on % is not allowed: this table is append-only', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "transitions_no_truncate" BEFORE TRUNCATE ON "transitions"
  FOR EACH STATEMENT EXECUTE FUNCTION "switchyard_reject_history_truncate"();
CREATE TRIGGER "audit_entries_no_truncate" BEFORE TRUNCATE ON "audit_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "switchyard_reject_history_truncate"();

-- Purge checkpoints anchor the hash chain after old entries are gone; they are history too.
CREATE TRIGGER "audit_checkpoints_append_only" BEFORE UPDATE OR DELETE ON "audit_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION "switchyard_reject_history_change"();
CREATE TRIGGER "audit_checkpoints_no_truncate" BEFORE TRUNCATE ON "audit_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION "switchyard_reject_history_truncate"();

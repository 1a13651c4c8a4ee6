CREATE TABLE "report_ledger" (
	"tenant_id" text NOT NULL,
	"purchase_key" text NOT NULL,
	"purchase_id" text,
	"number" integer NOT NULL,
	"installment_id" text,
	"product_id" text,
	"country" text,
	"currency" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"due_date" date NOT NULL,
	"current_due_date" date NOT NULL,
	"canceled" boolean NOT NULL,
	"time_zone" text NOT NULL,
	"due_end" timestamp with time zone NOT NULL,
	"journey_id" text,
	"journey_state" text,
	"policy_id" text,
	"channels" text[] NOT NULL,
	"paid_minor" bigint NOT NULL,
	"paid_before_due_minor" bigint NOT NULL,
	"settled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "report_ledger_stale" (
	"tenant_id" text NOT NULL,
	"purchase_key" text,
	"installment_id" text,
	"journey_id" text
);
--> statement-breakpoint
-- A period's rows by due date, carrying every column the overview and a tracking page's keys read: an index-only scan
-- instead of a heap page per row (rows due the same month were written months apart).
-- Written here because drizzle's index builder has no INCLUDE.
CREATE INDEX "report_ledger_period_idx" ON "report_ledger" USING btree ("tenant_id","due_date")
  INCLUDE ("purchase_key","number","currency","amount_minor","canceled","journey_id","paid_minor","paid_before_due_minor","settled_at",
    "due_end","time_zone","current_due_date","product_id","country","policy_id","channels");--> statement-breakpoint
CREATE INDEX "report_ledger_purchase_idx" ON "report_ledger" USING btree ("tenant_id","purchase_key");--> statement-breakpoint
CREATE INDEX "report_ledger_open_idx" ON "report_ledger" USING btree ("tenant_id","journey_state") WHERE "report_ledger"."journey_id" is not null;--> statement-breakpoint
CREATE INDEX "report_ledger_stale_tenant_idx" ON "report_ledger_stale" USING btree ("tenant_id");--> statement-breakpoint
-- These purchases' ledger rows recomputed from the base tables (the SQL of db/report-ledger.ts for
-- the scope `purchase`), in one statement for all of them: idempotent.
CREATE FUNCTION report_ledger_refresh(p_tenant text, p_keys text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM report_ledger WHERE tenant_id = p_tenant AND purchase_key = ANY(p_keys);
  INSERT INTO report_ledger
  SELECT e.tenant_id, e.purchase_key, e.purchase_id, e.number, e.installment_id, e.product_id, e.country,
    e.currency, e.amount_minor, e.due_date, e.current_due_date, e.canceled, e.time_zone, e.due_end,
    e.journey_id, e.journey_state, e.policy_id,
    -- The channels of its attempts that went out (db/report-ledger.ts sentAttempt, CONTACT_STATUSES).
    array(SELECT DISTINCT a.channel FROM attempts a WHERE a.journey_id = e.journey_id AND a.sent_at IS NOT NULL
      AND a.status IN ('sending', 'unconfirmed', 'sent', 'delivered', 'undelivered', 'bounced', 'complained')
      ORDER BY 1),
    pay.paid_minor, pay.paid_before_due_minor, pay.settled_at
  FROM (
    SELECT l.*, ((l.due_date + 1)::timestamp AT TIME ZONE l.time_zone) AS due_end
    FROM (
      SELECT p_tenant AS tenant_id, pi.purchase_id AS purchase_key, pi.purchase_id, pi.number,
        coalesce(pi.installment_id, i.installment_id) AS installment_id,
        coalesce(p.product_id, i.product_id) AS product_id,
        coalesce(p.buyer, i.buyer)->>'country' AS country,
        coalesce(p.buyer, i.buyer)->>'timezone' AS time_zone,
        pi.amount_minor, coalesce(p.currency, i.currency) AS currency,
        pi.due_date, coalesce(j.due_date, i.due_date, pi.due_date) AS current_due_date, pi.canceled,
        j.id AS journey_id, coalesce(j.outcome, j.stage) AS journey_state, j.policy_id
      FROM purchase_installments pi
      JOIN purchases p ON p.tenant_id = pi.tenant_id AND p.purchase_id = pi.purchase_id
      LEFT JOIN LATERAL (
        SELECT * FROM installments x
        WHERE x.tenant_id = pi.tenant_id AND x.purchase_id = pi.purchase_id AND x.installment_number = pi.number
        UNION ALL
        SELECT * FROM installments x
        WHERE x.tenant_id = pi.tenant_id AND x.installment_id = pi.purchase_id AND x.purchase_id IS NULL
          AND x.installment_number = pi.number
        LIMIT 1
      ) i ON true
      LEFT JOIN journeys j ON j.tenant_id = i.tenant_id AND j.installment_id = i.installment_id
      -- (the keys on both sides, so each is read by its index)
      WHERE pi.tenant_id = p_tenant AND pi.purchase_id = ANY(p_keys) AND p.purchase_id = ANY(p_keys)
      UNION ALL
      SELECT p_tenant, coalesce(i.purchase_id, i.installment_id), coalesce(pi.purchase_id, i.purchase_id),
        i.installment_number, i.installment_id,
        coalesce(p.product_id, i.product_id), coalesce(p.buyer, i.buyer)->>'country',
        coalesce(p.buyer, i.buyer)->>'timezone', i.amount_minor, coalesce(p.currency, i.currency),
        coalesce(j.original_due_date, i.due_date), coalesce(j.due_date, i.due_date), false,
        j.id, coalesce(j.outcome, j.stage), j.policy_id
      FROM installments i
      LEFT JOIN journeys j ON j.tenant_id = i.tenant_id AND j.installment_id = i.installment_id
      LEFT JOIN purchase_installments pi ON pi.tenant_id = i.tenant_id
        AND pi.purchase_id = coalesce(i.purchase_id, i.installment_id) AND pi.number = i.installment_number
      LEFT JOIN purchases p ON p.tenant_id = i.tenant_id AND p.purchase_id = coalesce(i.purchase_id, i.installment_id)
      WHERE i.tenant_id = p_tenant AND pi.number IS NULL
        AND (i.purchase_id = ANY(p_keys) OR (i.purchase_id IS NULL AND i.installment_id = ANY(p_keys)))
    ) l
  ) e
  LEFT JOIN LATERAL (
    SELECT coalesce(sum(x.amount_minor), 0) AS paid_minor,
      coalesce(sum(x.amount_minor) FILTER (WHERE x.paid_at < e.due_end), 0) AS paid_before_due_minor,
      min(x.paid_at) FILTER (WHERE x.running >= e.amount_minor) AS settled_at
    FROM (
      SELECT y.amount_minor, y.paid_at, sum(y.amount_minor) OVER (ORDER BY y.paid_at, y.payment_id) AS running
      FROM (
        SELECT pp.payment_id, pp.amount_minor, pp.paid_at FROM purchase_payments pp
        WHERE pp.tenant_id = p_tenant AND pp.purchase_id = e.purchase_key AND pp.installment_number = e.number
        UNION ALL
        SELECT py.payment_id, py.amount_minor, py.paid_at FROM payments py
        WHERE py.journey_id = e.journey_id AND NOT EXISTS (
          SELECT 1 FROM purchase_payments pp2
          WHERE pp2.tenant_id = p_tenant AND pp2.purchase_id = e.purchase_key AND pp2.payment_id = py.payment_id)
      ) y
    ) x
  ) pay ON true;
END $$;
--> statement-breakpoint
-- Marking stale: each trigger appends what its row belongs to, for its old and its new row (a row
-- may move from one purchase to another). Updates mark only when a column the ledger reads changed.
CREATE FUNCTION report_ledger_mark_purchase() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO report_ledger_stale (tenant_id, purchase_key) VALUES (OLD.tenant_id, OLD.purchase_id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO report_ledger_stale (tenant_id, purchase_key) VALUES (NEW.tenant_id, NEW.purchase_id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION report_ledger_mark_installment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO report_ledger_stale (tenant_id, purchase_key)
      VALUES (OLD.tenant_id, coalesce(OLD.purchase_id, OLD.installment_id));
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO report_ledger_stale (tenant_id, purchase_key)
      VALUES (NEW.tenant_id, coalesce(NEW.purchase_id, NEW.installment_id));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION report_ledger_mark_journey() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO report_ledger_stale (tenant_id, installment_id) VALUES (OLD.tenant_id, OLD.installment_id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO report_ledger_stale (tenant_id, installment_id) VALUES (NEW.tenant_id, NEW.installment_id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Payments and attempts: their journey's.
CREATE FUNCTION report_ledger_mark_journey_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO report_ledger_stale (tenant_id, journey_id) VALUES (OLD.tenant_id, OLD.journey_id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO report_ledger_stale (tenant_id, journey_id) VALUES (NEW.tenant_id, NEW.journey_id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_ledger_purchases AFTER INSERT OR DELETE OR UPDATE OF tenant_id, purchase_id, product_id, buyer, currency
  ON purchases FOR EACH ROW EXECUTE FUNCTION report_ledger_mark_purchase();
--> statement-breakpoint
CREATE TRIGGER report_ledger_purchase_installments AFTER INSERT OR UPDATE OR DELETE ON purchase_installments
  FOR EACH ROW EXECUTE FUNCTION report_ledger_mark_purchase();
--> statement-breakpoint
CREATE TRIGGER report_ledger_purchase_payments AFTER INSERT OR UPDATE OR DELETE ON purchase_payments
  FOR EACH ROW EXECUTE FUNCTION report_ledger_mark_purchase();
--> statement-breakpoint
-- A contact change rewrites `buyer`: only its country and time zone reach the ledger.
CREATE TRIGGER report_ledger_installments_written AFTER INSERT OR DELETE ON installments
  FOR EACH ROW EXECUTE FUNCTION report_ledger_mark_installment();
--> statement-breakpoint
CREATE TRIGGER report_ledger_installments_updated AFTER UPDATE ON installments FOR EACH ROW
  WHEN ((OLD.tenant_id, OLD.installment_id, OLD.purchase_id, OLD.installment_number, OLD.product_id,
    OLD.amount_minor, OLD.currency, OLD.due_date, OLD.buyer->>'country', OLD.buyer->>'timezone')
    IS DISTINCT FROM (NEW.tenant_id, NEW.installment_id, NEW.purchase_id, NEW.installment_number, NEW.product_id,
    NEW.amount_minor, NEW.currency, NEW.due_date, NEW.buyer->>'country', NEW.buyer->>'timezone'))
  EXECUTE FUNCTION report_ledger_mark_installment();
--> statement-breakpoint
-- Recording a journey rewrites its row each time: only these columns reach the ledger.
CREATE TRIGGER report_ledger_journeys_written AFTER INSERT OR DELETE ON journeys
  FOR EACH ROW EXECUTE FUNCTION report_ledger_mark_journey();
--> statement-breakpoint
CREATE TRIGGER report_ledger_journeys_updated AFTER UPDATE ON journeys FOR EACH ROW
  WHEN ((OLD.id, OLD.tenant_id, OLD.installment_id, OLD.due_date, OLD.original_due_date, OLD.outcome, OLD.stage,
    OLD.policy_id) IS DISTINCT FROM (NEW.id, NEW.tenant_id, NEW.installment_id, NEW.due_date, NEW.original_due_date,
    NEW.outcome, NEW.stage, NEW.policy_id))
  EXECUTE FUNCTION report_ledger_mark_journey();
--> statement-breakpoint
CREATE TRIGGER report_ledger_payments AFTER INSERT OR UPDATE OR DELETE ON payments
  FOR EACH ROW EXECUTE FUNCTION report_ledger_mark_journey_row();
--> statement-breakpoint
-- An attempt's status moves several times: only what decides whether it went out, and on which channel.
CREATE TRIGGER report_ledger_attempts_written AFTER INSERT OR DELETE ON attempts
  FOR EACH ROW EXECUTE FUNCTION report_ledger_mark_journey_row();
--> statement-breakpoint
CREATE TRIGGER report_ledger_attempts_updated AFTER UPDATE ON attempts FOR EACH ROW
  WHEN ((OLD.journey_id, OLD.tenant_id, OLD.channel, OLD.status, OLD.sent_at)
    IS DISTINCT FROM (NEW.journey_id, NEW.tenant_id, NEW.channel, NEW.status, NEW.sent_at))
  EXECUTE FUNCTION report_ledger_mark_journey_row();
--> statement-breakpoint
-- One rebuild of a tenant's rows at a time, until the transaction ends: two could both rebuild a
-- purchase, and the second must see (and delete) the rows the first wrote.
CREATE FUNCTION report_ledger_lock(p_tenant text) RETURNS void LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(hashtextextended('report_ledger ' || p_tenant, 0));
$$;
--> statement-breakpoint
-- Before a report reads a tenant's ledger: takes the tenant's marks and refreshes the purchases they
-- name, all in one statement. A writer that commits after the marks were taken left its own mark, which the next
-- catch-up takes. Returns how many purchases it refreshed.
CREATE FUNCTION report_ledger_catch_up(p_tenant text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  keys text[];
BEGIN
  -- The marks are taken after the lock, so a catch-up that waited sees what the one before it committed.
  PERFORM report_ledger_lock(p_tenant);
  WITH taken AS (
    DELETE FROM report_ledger_stale WHERE tenant_id = p_tenant
    RETURNING purchase_key, installment_id, journey_id
  )
  SELECT coalesce(array_agg(DISTINCT s.key), '{}') INTO keys FROM (
    SELECT t.purchase_key AS key FROM taken t WHERE t.purchase_key IS NOT NULL
    UNION ALL
    SELECT coalesce(i.purchase_id, i.installment_id) FROM installments i
    WHERE i.tenant_id = p_tenant
      AND i.installment_id IN (SELECT t.installment_id FROM taken t WHERE t.installment_id IS NOT NULL)
    UNION ALL
    SELECT coalesce(i.purchase_id, i.installment_id) FROM journeys j
    JOIN installments i ON i.tenant_id = j.tenant_id AND i.installment_id = j.installment_id
    WHERE j.id IN (SELECT t.journey_id FROM taken t WHERE t.journey_id IS NOT NULL)
  ) s;
  PERFORM report_ledger_refresh(p_tenant, keys);
  RETURN cardinality(keys);
END $$;
--> statement-breakpoint
-- Every purchase's rows, and every installment's no purchase schedules: the backfill, and the
-- refresh after writes made with triggers off (the bench's generator). Each tenant under its lock.
CREATE FUNCTION report_ledger_refresh_all() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t text;
BEGIN
  FOR t IN SELECT tenant_id FROM purchases UNION SELECT tenant_id FROM installments LOOP
    PERFORM report_ledger_lock(t);
    PERFORM report_ledger_refresh(t, array(
      SELECT purchase_id FROM purchases WHERE tenant_id = t
      UNION
      SELECT coalesce(purchase_id, installment_id) FROM installments WHERE tenant_id = t));
  END LOOP;
END $$;
--> statement-breakpoint
SELECT report_ledger_refresh_all();

-- Lists filter and order on the journeys table alone: the installment's IDs move onto the journey
-- row, and every list index ends with the list order (due_date, id). The old indexes are dropped
-- first and the new ones built last: the backfill rewrites every row, and should maintain as few
-- indexes as it can meanwhile.
DROP INDEX "journeys_tenant_stage_idx";--> statement-breakpoint
DROP INDEX "journeys_tenant_due_idx";--> statement-breakpoint
ALTER TABLE "journeys" ADD COLUMN "buyer_id" text;--> statement-breakpoint
ALTER TABLE "journeys" ADD COLUMN "product_id" text;--> statement-breakpoint
ALTER TABLE "journeys" ADD COLUMN "purchase_id" text;--> statement-breakpoint
ALTER TABLE "journeys" ADD COLUMN "subscription_id" text;--> statement-breakpoint
-- A journey's first record writes its installment in the same transaction: every journey has one.
UPDATE "journeys" SET
    "buyer_id" = "installments"."buyer_id",
    "product_id" = "installments"."product_id",
    "purchase_id" = "installments"."purchase_id",
    "subscription_id" = "installments"."subscription_id"
  FROM "installments"
  WHERE "installments"."tenant_id" = "journeys"."tenant_id" AND "installments"."installment_id" = "journeys"."installment_id";
--> statement-breakpoint
-- Required, as on installments: a worker of the previous release still running during a deploy
-- fails its first record of a new journey, and retries until a new worker records it with the IDs,
-- rather than writing a journey that buyer and product lists would miss.
ALTER TABLE "journeys" ALTER COLUMN "buyer_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "journeys" ALTER COLUMN "product_id" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "journeys_tenant_due_idx" ON "journeys" USING btree ("tenant_id","due_date","id");--> statement-breakpoint
CREATE INDEX "journeys_tenant_state_idx" ON "journeys" USING btree ("tenant_id",coalesce("outcome", "stage"),"due_date","id");--> statement-breakpoint
CREATE INDEX "journeys_tenant_product_idx" ON "journeys" USING btree ("tenant_id","product_id","due_date","id");--> statement-breakpoint
CREATE INDEX "journeys_tenant_product_state_idx" ON "journeys" USING btree ("tenant_id","product_id",coalesce("outcome", "stage"),"due_date","id");--> statement-breakpoint
CREATE INDEX "journeys_tenant_buyer_idx" ON "journeys" USING btree ("tenant_id","buyer_id","due_date","id");--> statement-breakpoint
CREATE INDEX "journeys_tenant_purchase_idx" ON "journeys" USING btree ("tenant_id","purchase_id","due_date","id") WHERE "journeys"."purchase_id" is not null;--> statement-breakpoint
CREATE INDEX "journeys_tenant_subscription_idx" ON "journeys" USING btree ("tenant_id","subscription_id","due_date","id") WHERE "journeys"."subscription_id" is not null;
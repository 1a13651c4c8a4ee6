CREATE TABLE "contact_points" (
	"channel" text NOT NULL,
	"address" text NOT NULL,
	"opted_out_at" timestamp with time zone,
	"opt_out_source" text,
	"suppressed_at" timestamp with time zone,
	"suppression_reason" text,
	"last_inbound_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_points_channel_address_pk" PRIMARY KEY("channel","address")
);
--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "buyer_id" text;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "whatsapp_mode" text;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "attempts_buyer_ledger_idx" ON "attempts" USING btree ("tenant_id","buyer_id","sent_at");--> statement-breakpoint
CREATE INDEX "attempts_provider_message_idx" ON "attempts" USING btree ("provider_message_id");--> statement-breakpoint
CREATE INDEX "installments_buyer_email_idx" ON "installments" USING btree (lower("buyer"->>'email'));--> statement-breakpoint
CREATE INDEX "installments_buyer_phone_idx" ON "installments" USING btree (("buyer"->>'phone'));--> statement-breakpoint
CREATE INDEX "installments_buyer_whatsapp_idx" ON "installments" USING btree (("buyer"->>'whatsapp'));--> statement-breakpoint
-- Attempts recorded before the ledger existed count from when they were written.
UPDATE "attempts" SET "sent_at" = "created_at" WHERE "status" = 'sent' AND "sent_at" IS NULL;
--> statement-breakpoint
-- ...and count for their buyer: the per-buyer cap must see contacts made before this migration.
UPDATE "attempts" SET "buyer_id" = "installments"."buyer_id"
  FROM "journeys" JOIN "installments" ON "installments"."tenant_id" = "journeys"."tenant_id" AND "installments"."installment_id" = "journeys"."installment_id"
  WHERE "attempts"."journey_id" = "journeys"."id" AND "attempts"."buyer_id" IS NULL;

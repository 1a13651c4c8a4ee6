CREATE TABLE "attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"journey_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"plan_revision" integer NOT NULL,
	"step_index" integer NOT NULL,
	"channel" text NOT NULL,
	"requested_channel" text NOT NULL,
	"template" text NOT NULL,
	"provider" text NOT NULL,
	"recipient" text NOT NULL,
	"subject" text,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"provider_message_id" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"journey_id" text NOT NULL,
	"seq" integer NOT NULL,
	"tenant_id" text NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_journey_id_seq_pk" PRIMARY KEY("journey_id","seq")
);
--> statement-breakpoint
CREATE TABLE "installments" (
	"tenant_id" text NOT NULL,
	"installment_id" text NOT NULL,
	"purchase_id" text,
	"subscription_id" text,
	"product_id" text NOT NULL,
	"product_name" text NOT NULL,
	"buyer_id" text NOT NULL,
	"buyer" jsonb NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"installment_number" integer NOT NULL,
	"installment_count" integer NOT NULL,
	"due_date" date NOT NULL,
	"payment_url" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "installments_tenant_id_installment_id_pk" PRIMARY KEY("tenant_id","installment_id")
);
--> statement-breakpoint
CREATE TABLE "journeys" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"installment_id" text NOT NULL,
	"run_id" text NOT NULL,
	"policy_id" text NOT NULL,
	"policy_version" integer NOT NULL,
	"stage" text NOT NULL,
	"outcome" text,
	"due_date" date NOT NULL,
	"original_due_date" date NOT NULL,
	"currency" text NOT NULL,
	"amount_due_minor" bigint NOT NULL,
	"amount_paid_minor" bigint NOT NULL,
	"overpaid_minor" bigint NOT NULL,
	"next_action_at" timestamp with time zone,
	"status" jsonb NOT NULL,
	"last_seq" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"journey_id" text NOT NULL,
	"payment_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_journey_id_payment_id_pk" PRIMARY KEY("journey_id","payment_id")
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "installments" ADD CONSTRAINT "installments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journeys" ADD CONSTRAINT "journeys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attempts_journey_idx" ON "attempts" USING btree ("journey_id","created_at");--> statement-breakpoint
CREATE INDEX "events_tenant_time_idx" ON "events" USING btree ("tenant_id","occurred_at");--> statement-breakpoint
CREATE INDEX "installments_buyer_idx" ON "installments" USING btree ("tenant_id","buyer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "journeys_installment_uq" ON "journeys" USING btree ("tenant_id","installment_id");--> statement-breakpoint
CREATE INDEX "journeys_tenant_stage_idx" ON "journeys" USING btree ("tenant_id","stage");--> statement-breakpoint
CREATE INDEX "journeys_tenant_due_idx" ON "journeys" USING btree ("tenant_id","due_date");
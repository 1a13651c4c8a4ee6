CREATE TABLE "buyer_opt_outs" (
	"tenant_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"channel" text NOT NULL,
	"source" text NOT NULL,
	"recorded_by" jsonb NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "buyer_opt_outs_tenant_id_buyer_id_channel_pk" PRIMARY KEY("tenant_id","buyer_id","channel")
);
--> statement-breakpoint
ALTER TABLE "buyer_opt_outs" ADD CONSTRAINT "buyer_opt_outs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;
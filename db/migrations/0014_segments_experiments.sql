CREATE TABLE "experiments" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"rule_id" text NOT NULL,
	"document" jsonb NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"started_at" timestamp with time zone,
	"stopped_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "experiments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "routing_documents" (
	"tenant_id" text NOT NULL,
	"version" integer NOT NULL,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_documents_tenant_id_version_pk" PRIMARY KEY("tenant_id","version")
);
--> statement-breakpoint
ALTER TABLE "journeys" ADD COLUMN "rule_id" text;--> statement-breakpoint
ALTER TABLE "journeys" ADD COLUMN "routing_version" integer;--> statement-breakpoint
ALTER TABLE "journeys" ADD COLUMN "experiment_id" text;--> statement-breakpoint
ALTER TABLE "journeys" ADD COLUMN "experiment_arm" text;--> statement-breakpoint
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_documents" ADD CONSTRAINT "routing_documents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "experiments_running_rule_uq" ON "experiments" USING btree ("tenant_id","rule_id") WHERE "experiments"."state" = 'running';--> statement-breakpoint
CREATE INDEX "journeys_tenant_experiment_idx" ON "journeys" USING btree ("tenant_id","experiment_id","experiment_arm") WHERE "journeys"."experiment_id" is not null;
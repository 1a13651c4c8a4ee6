CREATE TABLE "purchase_installments" (
	"tenant_id" text NOT NULL,
	"purchase_id" text NOT NULL,
	"number" integer NOT NULL,
	"installment_id" text,
	"amount_minor" bigint NOT NULL,
	"due_date" date NOT NULL,
	"canceled" boolean DEFAULT false NOT NULL,
	"payment_url" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "purchase_installments_tenant_id_purchase_id_number_pk" PRIMARY KEY("tenant_id","purchase_id","number")
);
--> statement-breakpoint
CREATE TABLE "purchase_payments" (
	"tenant_id" text NOT NULL,
	"purchase_id" text NOT NULL,
	"payment_id" text NOT NULL,
	"installment_number" integer NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "purchase_payments_tenant_id_purchase_id_payment_id_pk" PRIMARY KEY("tenant_id","purchase_id","payment_id")
);
--> statement-breakpoint
CREATE TABLE "purchases" (
	"tenant_id" text NOT NULL,
	"purchase_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"buyer" jsonb NOT NULL,
	"product_id" text NOT NULL,
	"product_name" text NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "purchases_tenant_id_purchase_id_pk" PRIMARY KEY("tenant_id","purchase_id")
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "checkout_url_template" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "payment_method_url_template" text;--> statement-breakpoint
ALTER TABLE "purchase_installments" ADD CONSTRAINT "purchase_installments_purchase_fk" FOREIGN KEY ("tenant_id","purchase_id") REFERENCES "public"."purchases"("tenant_id","purchase_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_payments" ADD CONSTRAINT "purchase_payments_purchase_fk" FOREIGN KEY ("tenant_id","purchase_id") REFERENCES "public"."purchases"("tenant_id","purchase_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchases" ADD CONSTRAINT "purchases_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "purchases_buyer_idx" ON "purchases" USING btree ("tenant_id","buyer_id");
CREATE INDEX "installments_purchase_idx" ON "installments" USING btree ("tenant_id","purchase_id");--> statement-breakpoint
CREATE INDEX "installments_subscription_idx" ON "installments" USING btree ("tenant_id","subscription_id");--> statement-breakpoint
CREATE INDEX "installments_product_idx" ON "installments" USING btree ("tenant_id","product_id");
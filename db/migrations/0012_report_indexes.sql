CREATE INDEX "installments_tenant_due_idx" ON "installments" USING btree ("tenant_id","due_date");--> statement-breakpoint
CREATE INDEX "journeys_tenant_original_due_idx" ON "journeys" USING btree ("tenant_id","original_due_date");--> statement-breakpoint
CREATE INDEX "purchase_installments_tenant_due_idx" ON "purchase_installments" USING btree ("tenant_id","due_date","purchase_id","number");
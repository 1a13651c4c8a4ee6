-- Temporal keeps its own databases (created by auto-setup) under its own role.
CREATE ROLE temporal LOGIN PASSWORD 'temporal' CREATEDB;

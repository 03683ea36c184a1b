-- GLOBAL: request budgets shared by every instance when bulwark.http.rate-limit-store is postgresql (Bucket4j's
-- select-for-update proxy). The id is a SHA-256 of the bucket key, so no address, user or organisation id is stored;
-- the state is Bucket4j's serialised bucket; expires_at (epoch ms) lets rows of long-full buckets be swept.
CREATE TABLE rate_limit_buckets (
    id         text   PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
    state      bytea,
    expires_at bigint
);
CREATE INDEX rate_limit_buckets_expiry_idx ON rate_limit_buckets (expires_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limit_buckets TO ${app_role};

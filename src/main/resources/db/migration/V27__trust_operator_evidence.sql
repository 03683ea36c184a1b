-- Bulwark V27: the trust center keeps two kinds of evidence per check (docs/trust-center.md). `evidence` is public:
-- the trust page, GET /api/v1/trust and the signed bundle. `operator_evidence` is for the platform's operators only
-- (GET /api/v1/trust/operator): the platform's size (organisations, chains, rows), how and where the root key is held,
-- what an exception said. Still about the platform, never an organisation's data.
ALTER TABLE trust_results
    ADD COLUMN operator_evidence text NOT NULL DEFAULT '{}' CHECK (char_length(operator_evidence) <= 20000);

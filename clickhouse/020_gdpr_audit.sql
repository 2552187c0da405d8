-- Every GDPR export and deletion: who, when, for which user (SHA-256 of the id, so the audit does not
-- keep the identifier it erased) and how many rows per table. Kept without TTL: it is the proof.
CREATE TABLE IF NOT EXISTS {{db}}.gdpr_audit{{local}} {{on_cluster}} (
    at DateTime64(3) DEFAULT now64(3),
    action LowCardinality(String),
    user_hash String,
    actor String,
    row_counts Map(LowCardinality(String), UInt64),
    total_rows UInt64
) ENGINE = {{engine}}
ORDER BY (at, action);

{{distributed gdpr_audit rand()}}

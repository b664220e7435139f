-- 006_conversation_counts_upkeep.sql: every conversation change updates a row
-- of this small table, so leave room for HOT updates and have autovacuum
-- clean it early; a bloated copy would make totals slower to sum.
ALTER TABLE deskd_conversation_counts SET (
    fillfactor = 50,
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 2000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 2000
);

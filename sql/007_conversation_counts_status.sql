-- 007_conversation_counts_status.sql: the total of a status-filtered list
-- sums about a quarter of deskd_conversation_counts; a covering index lets
-- that sum read the index alone.
CREATE INDEX index_deskd_conversation_counts_on_status_n
    ON deskd_conversation_counts (status_id) INCLUDE (n);

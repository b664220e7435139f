-- 005_conversation_counts_indexes.sql: the scopes of the unassigned, assigned
-- and team lists read a few rows of deskd_conversation_counts, not all of it
-- (status_id already leads the primary key).
CREATE INDEX index_deskd_conversation_counts_on_user_team
    ON deskd_conversation_counts (assigned_user_id, assigned_team_id);
CREATE INDEX index_deskd_conversation_counts_on_team
    ON deskd_conversation_counts (assigned_team_id);

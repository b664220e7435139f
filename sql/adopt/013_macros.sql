-- 013_macros.sql: adopting Libredesk: upstream's macros table and types are there; deskd adds its two indexes.
CREATE INDEX IF NOT EXISTS index_macros_on_team_id ON macros (team_id);
CREATE INDEX IF NOT EXISTS index_macros_on_user_id ON macros (user_id);

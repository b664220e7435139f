-- 040_csat.sql: adopting Libredesk: upstream's csat_responses table and its
-- indexes are what 040 makes; nothing is added, its rows are served as they are.
SELECT 1;

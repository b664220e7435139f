-- 020_media_uploaded_by.sql: who uploaded a media row.  A pending upload
-- (not yet linked to a message) is its uploader's alone: only the uploader
-- may attach it or download it (app/store/media.c).  A new nullable column
-- beside upstream's, which stay as they are, so a database upstream wrote
-- still works; its rows (and deskd's from before this migration) have no
-- uploader, and a pending one is then nobody's.  Users are soft-deleted; a
-- hard delete leaves the file without an uploader.

ALTER TABLE media ADD COLUMN IF NOT EXISTS uploaded_by INT NULL
    REFERENCES users (id) ON DELETE SET NULL;

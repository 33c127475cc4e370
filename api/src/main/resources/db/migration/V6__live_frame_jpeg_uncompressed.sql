-- Live frames' JPEGs are stored out of line without compression. PostgreSQL would otherwise try
-- to compress every JPEG (about 1 ms of database CPU per 72 KB frame, measured) only to store
-- it uncompressed: JPEG data is already compressed. Applies to rows written from now on.
ALTER TABLE live_frame ALTER COLUMN jpeg SET STORAGE EXTERNAL;

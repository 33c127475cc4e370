-- Evidence crops are JPEG: compressing them again only costs CPU. Store out of line, uncompressed.
ALTER TABLE observation ALTER COLUMN evidence_jpeg SET STORAGE EXTERNAL;

-- About how many rows the file holds (CSV lines, or the sheet's stated dimension), for the
-- progress bar and the time left; NULL when the file does not say.
ALTER TABLE import_jobs ADD COLUMN rows_total INTEGER;

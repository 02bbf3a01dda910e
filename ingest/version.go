package ingest

// ExtractorVersion names the extraction rules that turn input into articles. Every
// stored record carries the version it was extracted with (corpus.Article.Extractor),
// so that "archive reindex --re-extract" can redo the extraction of older records.
// Bump it when a change to extraction (title, outlet, date, authors, persons), here
// or in package extract, would give a stored article other fields.
const ExtractorVersion = "2026.12.7"

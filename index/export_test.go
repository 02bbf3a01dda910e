package index

// StockSearch makes ix answer every search with Bleve's own collector, the way
// it did before the column cache, and returns the function that undoes it. Tests
// compare the two; benchmarks measure the gain.
func StockSearch(ix *Index) (restore func()) {
	ix.stock.Store(true)
	return func() { ix.stock.Store(false) }
}

// ResetColumns forgets every segment's columns, as if the archive had just
// been opened.
func ResetColumns(ix *Index) {
	ix.columns.mu.Lock()
	defer ix.columns.mu.Unlock()
	ix.columns.segs = map[uint64]*segEntry{}
}

// SortKeys is the attention timeline's key sort, for its test.
var SortKeys = sortKeys

package index

// StockSearch makes ix answer every search with Bleve's own collector, the way
// it did before the column cache, and returns the function that undoes it. Tests
// compare the two; benchmarks measure the gain.
func StockSearch(ix *Index) (restore func()) {
	saved := ix.columns
	ix.columns = nil
	return func() { ix.columns = saved }
}

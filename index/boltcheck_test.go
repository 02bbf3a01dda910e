package index

import (
	"path/filepath"
	"testing"
)

func TestCheckBoltFileOfASoundArchive(t *testing.T) {
	dir, err := damageFixture()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{RecordsFile, filepath.Join(Dir, "store", "root.bolt")} {
		if err := checkBoltFile(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

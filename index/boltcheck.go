package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// bbolt keeps no checksum but its meta pages', and on a page it cannot parse it
// panics, faults, or, where a damaged page points back to one above it, descends
// forever. Bleve's background work reads its root.bolt in goroutines where none
// of that can be caught, and a loop cannot be caught anywhere. So the archive
// reads a bbolt file's pages by its own means, with every bound checked, before
// bbolt walks them (checkBoltFile), and reads what it can of a damaged one the
// same way (rawBolt.each, for Repair). The layout is bbolt 1.x's
// (go.etcd.io/bbolt/internal/common: page.go, meta.go, inbucket.go).

const (
	boltBranchPage   = 0x01
	boltLeafPage     = 0x02
	boltFreelistPage = 0x10
	boltBucketLeaf   = 0x01
	boltElementSize  = 16
	boltNoFreelist   = ^uint64(0)
	boltMaxDepth     = 64
	maxBoltProblems  = 5
)

// rawBolt is a bbolt file mapped into memory, read page by page.
type rawBolt struct {
	data     []byte
	pageSize int64
	hwm      uint64 // pages 0 to hwm-1 are in use or free
	root     uint64 // the root bucket's page
	freelist uint64
}

// openRawBolt maps the file at path and reads its newest valid meta page.
func openRawBolt(path string) (*rawBolt, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() < 2*4096 {
		return nil, fmt.Errorf("the file is %d bytes long", info.Size())
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	r := &rawBolt{data: data}
	if err := r.readMeta(); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

func (r *rawBolt) close() {
	if r.data != nil {
		syscall.Munmap(r.data)
		r.data = nil
	}
}

func (r *rawBolt) readMeta() error {
	m0 := parseBoltMeta(r.data[:4096])
	r.pageSize = 4096
	if m0.valid {
		r.pageSize = int64(m0.pageSize)
	}
	if r.pageSize < 1024 || r.pageSize > 1<<16 || r.pageSize&(r.pageSize-1) != 0 || 2*r.pageSize > int64(len(r.data)) {
		return fmt.Errorf("page size %d", r.pageSize)
	}
	second := r.data[r.pageSize : 2*r.pageSize]
	m1 := parseBoltMeta(second)
	meta, page := m0, r.data[:r.pageSize]
	if !m0.valid || (m1.valid && m1.txid > m0.txid) {
		meta, page = m1, second
	}
	if !meta.valid {
		return errors.New("both meta pages are damaged")
	}
	m := page[boltPageHeader:]
	e := binary.NativeEndian
	r.root, r.freelist, r.hwm = e.Uint64(m[16:]), e.Uint64(m[32:]), e.Uint64(m[40:])
	if pages := uint64(len(r.data)) / uint64(r.pageSize); r.hwm < 2 || r.hwm > pages+1 {
		return fmt.Errorf("the meta page says %d pages, the file holds %d", r.hwm, pages)
	}
	return nil
}

// page returns page id with its overflow pages (as far as the file holds them),
// or why it cannot.
func (r *rawBolt) page(id uint64) ([]byte, error) {
	if id < 2 || id >= r.hwm {
		return nil, fmt.Errorf("page %d is outside 2 to %d", id, r.hwm-1)
	}
	off := int64(id) * r.pageSize
	if off+boltPageHeader > int64(len(r.data)) {
		return nil, fmt.Errorf("page %d lies past the end of the file", id)
	}
	e := binary.NativeEndian
	overflow := uint64(e.Uint32(r.data[off+12:]))
	if overflow >= r.hwm-id {
		return nil, fmt.Errorf("page %d runs over %d more pages, past the end", id, overflow)
	}
	if got := e.Uint64(r.data[off:]); got != id {
		return nil, fmt.Errorf("page %d says it is page %d", id, got)
	}
	end := min(off+int64(overflow+1)*r.pageSize, int64(len(r.data)))
	return r.data[off:end], nil
}

// element is one entry of a branch or leaf page.
type element struct {
	key, value []byte // a leaf's
	child      uint64 // a branch's
	bucket     bool
}

// elements calls f with each element of page p, a branch or a leaf, in order,
// after checking that it lies inside the page and its key follows the one
// before. It allocates nothing: a walk parses every page of the file.
func elements(p []byte, f func(branch bool, el element) error) error {
	e := binary.NativeEndian
	flags, count := e.Uint16(p[8:]), int(e.Uint16(p[10:]))
	if flags != boltBranchPage && flags != boltLeafPage {
		return fmt.Errorf("it has type %#x, not a branch or a leaf", flags)
	}
	branch := flags == boltBranchPage
	if boltPageHeader+count*boltElementSize > len(p) {
		return fmt.Errorf("it says %d elements, more than fit", count)
	}
	var prev []byte
	for i := range count {
		at := boltPageHeader + i*boltElementSize
		el := p[at : at+boltElementSize]
		var pos, ksize, vsize uint64
		var x element
		if branch {
			pos, ksize, x.child = uint64(e.Uint32(el)), uint64(e.Uint32(el[4:])), e.Uint64(el[8:])
		} else {
			x.bucket = e.Uint32(el)&boltBucketLeaf != 0
			pos, ksize, vsize = uint64(e.Uint32(el[4:])), uint64(e.Uint32(el[8:])), uint64(e.Uint32(el[12:]))
		}
		start := uint64(at) + pos
		if start+ksize+vsize > uint64(len(p)) {
			return fmt.Errorf("element %d lies past the page's end", i)
		}
		x.key, x.value = p[start:start+ksize], p[start+ksize:start+ksize+vsize]
		if prev != nil && bytes.Compare(prev, x.key) >= 0 {
			return fmt.Errorf("its keys are out of order at element %d", i)
		}
		prev = x.key
		if err := f(branch, x); err != nil {
			return walkAbort{err}
		}
	}
	return nil
}

// walkAbort carries an error of a walk's caller up through the pages.
type walkAbort struct{ err error }

func (a walkAbort) Error() string { return a.err.Error() }
func (a walkAbort) Unwrap() error { return a.err }

// bucketRoot reads the header of a bucket's value: its root page, or, for an
// inline bucket, the page inside the value.
func bucketRoot(value []byte) (root uint64, inline []byte, err error) {
	if len(value) < 16 {
		return 0, nil, fmt.Errorf("a %d-byte bucket header", len(value))
	}
	if root = binary.NativeEndian.Uint64(value); root != 0 {
		return root, nil, nil
	}
	if len(value) < 16+boltPageHeader {
		return 0, nil, fmt.Errorf("an inline bucket of %d bytes", len(value))
	}
	return 0, value[16:], nil
}

// walker walks the trees of a rawBolt, each page once.
type walker struct {
	r    *rawBolt
	seen []bool // by page number
	// bad says where a page could not be read; walk skips what lies below it.
	bad func(what string, err error)
	// visit is called for every leaf element, in key order within a bucket.
	visit func(path []string, el element) error
	// descend, when set, tells whether to walk the bucket named key at path.
	descend func(path []string, key []byte) bool
}

func (w *walker) tree(id uint64, inline []byte, path []string, depth int) error {
	what := func() string {
		if len(path) == 0 {
			return "the root"
		}
		return strings.Join(path, "/")
	}
	if depth > boltMaxDepth {
		w.bad(what(), fmt.Errorf("more than %d levels deep", boltMaxDepth))
		return nil
	}
	p := inline
	if p == nil {
		var err error
		if p, err = w.r.page(id); err != nil {
			w.bad(what(), err)
			return nil
		}
		n := uint64(len(p)) / uint64(w.r.pageSize)
		for q := id; q < id+max(n, 1); q++ {
			if w.seen[q] {
				w.bad(what(), fmt.Errorf("page %d is used twice", q))
				return nil
			}
			w.seen[q] = true
		}
	}
	err := elements(p, func(branch bool, el element) error {
		if branch {
			return w.tree(el.child, nil, path, depth+1)
		}
		if w.visit != nil {
			if err := w.visit(path, el); err != nil {
				return err
			}
		}
		if !el.bucket || (w.descend != nil && !w.descend(path, el.key)) {
			return nil
		}
		root, in, err := bucketRoot(el.value)
		if err != nil {
			w.bad(what(), fmt.Errorf("bucket %q: %w", el.key, err))
			return nil
		}
		return w.tree(root, in, append(path[:len(path):len(path)], string(el.key)), depth+1)
	})
	if a, ok := errors.AsType[walkAbort](err); ok {
		return a
	}
	if err != nil {
		w.bad(what(), fmt.Errorf("page %d: %w", id, err))
	}
	return nil
}

// checkBoltFile checks the structure of the bbolt file at path: every page
// reachable from the newest valid meta page (their numbers, types, element
// tables, and the buckets inside, inline or not), the list of free pages, and
// that every page is used once, free, or a meta or free-list page. It returns
// what is wrong, up to a few problems, or nil.
func checkBoltFile(path string) error {
	r, err := openRawBolt(path)
	if err != nil {
		return err
	}
	defer r.close()
	var problems []string
	fail := func(what string, err error) {
		if len(problems) < maxBoltProblems {
			problems = append(problems, what+": "+err.Error())
		}
	}
	w := &walker{r: r, seen: make([]bool, r.hwm), bad: fail}
	w.seen[0], w.seen[1] = true, true
	err = safely("check the file's pages", func() error { return w.tree(r.root, nil, nil, 0) })
	if err != nil {
		return err
	}
	if r.freelist != boltNoFreelist {
		r.checkFreelist(w.seen, fail)
		if len(problems) == 0 {
			for id, used := range w.seen {
				if !used {
					fail("the page list", fmt.Errorf("page %d is neither used nor free", id))
					break
				}
			}
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// checkFreelist checks the page listing the free pages, and marks them in used.
func (r *rawBolt) checkFreelist(used []bool, fail func(string, error)) {
	const what = "the free-page list"
	p, err := r.page(r.freelist)
	if err != nil {
		fail(what, err)
		return
	}
	n := uint64(len(p)) / uint64(r.pageSize)
	for q := r.freelist; q < r.freelist+max(n, 1); q++ {
		if used[q] {
			fail(what, fmt.Errorf("page %d is used twice", q))
			return
		}
		used[q] = true
	}
	e := binary.NativeEndian
	if flags := e.Uint16(p[8:]); flags != boltFreelistPage {
		fail(what, fmt.Errorf("page %d has type %#x", r.freelist, flags))
		return
	}
	idx, count := uint64(0), uint64(e.Uint16(p[10:]))
	if count == 0xFFFF {
		idx, count = 1, e.Uint64(p[boltPageHeader:])
	}
	if count > uint64(len(p)) || uint64(boltPageHeader)+(idx+count)*8 > uint64(len(p)) {
		fail(what, fmt.Errorf("it says %d pages, more than it holds", count))
		return
	}
	for i := range count {
		free := e.Uint64(p[boltPageHeader+(idx+i)*8:])
		switch {
		case free < 2 || free >= r.hwm:
			fail(what, fmt.Errorf("it names page %d, outside 2 to %d", free, r.hwm-1))
			return
		case used[free]:
			fail(what, fmt.Errorf("page %d is both free and in use", free))
			return
		}
		used[free] = true
	}
}

// each calls f with every key and value in the top-level bucket name that can be
// read, skipping what lies below a damaged page, and returns how many damaged
// pages it skipped.
func (r *rawBolt) each(name string, f func(k, v []byte) error) (skipped int, err error) {
	w := &walker{r: r, seen: make([]bool, r.hwm), bad: func(string, error) { skipped++ }}
	w.descend = func(path []string, key []byte) bool { return len(path) == 0 && string(key) == name }
	w.visit = func(path []string, el element) error {
		if len(path) == 1 && path[0] == name && !el.bucket {
			return f(el.key, el.value)
		}
		return nil
	}
	err = safely("read the file's pages", func() error { return w.tree(r.root, nil, nil, 0) })
	if a, ok := errors.AsType[walkAbort](err); ok {
		err = a.err
	}
	return skipped, err
}

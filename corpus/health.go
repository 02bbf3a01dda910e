package corpus

// Health statuses.
const (
	// HealthOK: the record store and the index agree; nothing acknowledged is
	// missing.
	HealthOK = "ok"
	// HealthDegraded: acknowledged articles are missing or unreadable. The archive
	// answers searches read-only and refuses writes until it is repaired or
	// restored from a backup.
	HealthDegraded = "degraded"
)

// Health is what an archive knows of its own soundness: whether everything it
// acknowledged is there, and if not, what is missing and what to do.
type Health struct {
	Status string `json:"status"`
	// Problems say what is wrong, each in a sentence that ends with what to do.
	Problems []string `json:"problems,omitempty"`
	// Missing counts the acknowledged articles the index lists whose records are
	// gone from the record store or cannot be read.
	Missing *MissingArticles `json:"missing,omitempty"`
	// WritesRefused is set while the archive refuses writes because of damage.
	WritesRefused bool `json:"writes_refused,omitempty"`
	// Checked says how far the check of every record that a server runs after
	// start-up has come; nil where none runs.
	Checked *CheckProgress `json:"checked,omitempty"`
}

// CheckProgress is how far a check of every record has come.
type CheckProgress struct {
	// Records is how many records have been read, of Of.
	Records int  `json:"records"`
	Of      int  `json:"of"`
	Done    bool `json:"done"`
}

// MissingArticles are acknowledged articles an archive cannot give back whole.
type MissingArticles struct {
	// Articles is how many.
	Articles int `json:"articles"`
	// FromSeq and ToSeq are the write sequences the record store lost, when it
	// lost whole writes (it fell back to an older transaction); zero otherwise.
	FromSeq uint64 `json:"from_seq,omitempty"`
	ToSeq   uint64 `json:"to_seq,omitempty"`
	// IDs are some of them (at most a few dozen), as the index knows them.
	IDs []string `json:"ids,omitempty"`
}

// Degraded tells whether h is anything but healthy.
func (h Health) Degraded() bool { return h.Status == HealthDegraded }

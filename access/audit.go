package access

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// AuditFile is the audit log in the data directory: one JSON object a line.
const AuditFile = "audit.log"

// Entry is one line of the audit log: who did what, when, from where.
type Entry struct {
	Time time.Time `json:"time"`
	// Who is the key's name and ID, "token" for the --token secret, or
	// "anonymous".
	Who    string `json:"who"`
	Remote string `json:"remote,omitempty"`
	// Action is what was done: write, backup, sign-in, sign-in-failed,
	// sign-out, key-create, key-revoke, key-use.
	Action string `json:"action"`
	Detail string `json:"detail,omitempty"`
}

// Audit appends entries to the audit log. It is safe for concurrent use.
type Audit struct {
	mu sync.Mutex
	f  *os.File
}

// OpenAudit opens the audit log of the data directory dir for appending.
func OpenAudit(dir string) (*Audit, error) {
	f, err := os.OpenFile(filepath.Join(dir, AuditFile), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("access: open the audit log: %w", err)
	}
	return &Audit{f: f}, nil
}

// Record appends e, stamped now when it has no time. An entry that cannot be
// written is returned as an error: the caller decides whether to go on.
func (a *Audit) Record(e Entry) error {
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("access: write the audit log: %w", err)
	}
	return nil
}

// Log records an action now: it is how the server records through its Auditor.
func (a *Audit) Log(who, remote, action, detail string) error {
	return a.Record(Entry{Who: who, Remote: remote, Action: action, Detail: detail})
}

// Close closes the log.
func (a *Audit) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.f.Close()
}

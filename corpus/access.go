package corpus

import "time"

// Scope is what an API key may do. Each scope includes the ones before it.
type Scope string

// The scopes of API keys.
const (
	// ScopeRead searches and reads: the page, the API, exports and feeds.
	ScopeRead Scope = "read"
	// ScopeWrite also adds articles.
	ScopeWrite Scope = "write"
	// ScopeAdmin also makes backups.
	ScopeAdmin Scope = "admin"
)

// ParseScope returns the Scope named by s, or an EInvalidRequest error.
func ParseScope(s string) (Scope, error) {
	switch Scope(s) {
	case ScopeRead, ScopeWrite, ScopeAdmin:
		return Scope(s), nil
	}
	return "", Errorf(EInvalidRequest, "scope %q is not known: use read, write or admin", s)
}

// Allows tells whether a key of scope s may do what needs scope need.
func (s Scope) Allows(need Scope) bool {
	rank := func(x Scope) int {
		switch x {
		case ScopeRead:
			return 1
		case ScopeWrite:
			return 2
		case ScopeAdmin:
			return 3
		}
		return 0
	}
	return rank(s) >= rank(need) && rank(need) > 0
}

// Principal is who made a request: the key they showed (its ID and name, never
// the secret) and its scope.
type Principal struct {
	KeyID string `json:"key_id"`
	Name  string `json:"name"`
	Scope Scope  `json:"scope"`
}

// String names the principal for logs and the audit log.
func (p Principal) String() string {
	if p.Name != "" {
		return p.Name + " (" + p.KeyID + ")"
	}
	return p.KeyID
}

// APIKey is one API key as an archive keeps it: its hash, never its secret
// (package access makes and checks them; the OpenSearch engine keeps them in
// the cluster).
type APIKey struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Scope   Scope     `json:"scope"`
	Hash    string    `json:"sha256"`
	Created time.Time `json:"created"`
	// Revoked is when the key was revoked; a revoked key opens nothing.
	Revoked *time.Time `json:"revoked,omitempty"`
}

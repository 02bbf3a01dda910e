package access

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// SessionSecretFile holds the secret that signs sign-in sessions, so that they
// outlive a restart and every server of one data directory accepts them.
const SessionSecretFile = "session.secret"

// SessionSecret returns the data directory's session secret, making it on first
// use (32 random bytes, readable by the owner only).
func SessionSecret(dir string) ([]byte, error) {
	path := filepath.Join(dir, SessionSecretFile)
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("access: read the session secret: %w", err)
	}
	b, err = random(32)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("access: write the session secret: %w", err)
	}
	return b, nil
}

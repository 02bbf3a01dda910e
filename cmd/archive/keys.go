package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"text/tabwriter"
	"time"

	"github.com/article-archive/archive/access"
	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/server"
)

// keys is archive keys create|list|revoke: the API keys of a private archive.
func (e environment) keys(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: archive keys create --scope read|write|admin [--name N], archive keys list, or archive keys revoke ID|NAME", errUsage)
	}
	sub, rest := args[0], args[1:]
	var c commonFlags
	fs := e.newFlagSet("keys "+sub, "keys create --scope read|write|admin [--name N] | keys list | keys revoke ID|NAME  [--data DIR | --opensearch URL[,URL…]]", &c)
	osf := e.addOpenSearchFlags(fs)
	scope := fs.String("scope", "", "create: what the key may do: read (search and read), write (also add articles) or admin (also back up)")
	name := fs.String("name", "", "create: a name to tell the key by (who or what holds it)")
	positional, err := parseInterleaved(fs, rest)
	if err != nil {
		return err
	}
	var keys *access.Keys
	var audit server.Auditor
	if osf.on() {
		// The keys of an archive kept in OpenSearch live in the cluster, for
		// every server that shares it.
		eng, err := e.openEngine(ctx, osf, logger(e.stderr, c.verbose), false)
		if err != nil {
			return err
		}
		defer eng.Close()
		keys, audit = access.SharedKeys(eng), eng.Audit()
	} else {
		if err := os.MkdirAll(c.data, 0o755); err != nil {
			return err
		}
		if keys, err = access.OpenKeys(c.data); err != nil {
			return err
		}
		fileAudit, err := access.OpenAudit(c.data)
		if err != nil {
			return err
		}
		defer fileAudit.Close()
		audit = fileAudit
	}
	who := "local user"
	if u, err := user.Current(); err == nil {
		who = "local user " + u.Username
	}
	switch sub {
	case "create":
		if err := noArguments("keys create", positional); err != nil {
			return err
		}
		sc, err := corpus.ParseScope(*scope)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		secret, key, err := keys.Create(sc, *name)
		if err != nil {
			return err
		}
		if err := audit.Log(who, "", "key-create", fmt.Sprintf("%s %s %q", key.ID, key.Scope, key.Name)); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n", secret)
		fmt.Fprintf(e.stderr, "Created key %s (scope %s%s). It is shown once and stored only as a hash: keep it now.\n", key.ID, key.Scope, nameSuffix(key.Name))
		if sc == corpus.ScopeRead {
			fmt.Fprintf(e.stderr, "A read key exists, so the archive is private: every read needs a key (Authorization: Bearer KEY, or sign in at /signin).\n")
		}
		return nil
	case "list":
		if err := noArguments("keys list", positional); err != nil {
			return err
		}
		list, err := keys.List()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSCOPE\tNAME\tCREATED\tSTATE")
		for _, k := range list {
			state := "in use"
			if k.Revoked != nil {
				state = "revoked " + k.Revoked.Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Scope, k.Name, k.Created.Format(time.DateTime), state)
		}
		return tw.Flush()
	case "revoke":
		if len(positional) != 1 {
			return fmt.Errorf("%w: archive keys revoke takes one key ID or name (archive keys list shows them)", errUsage)
		}
		key, err := keys.Revoke(positional[0])
		if err != nil {
			return err
		}
		if err := audit.Log(who, "", "key-revoke", fmt.Sprintf("%s %s %q", key.ID, key.Scope, key.Name)); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Revoked key %s (scope %s%s): it opens nothing from now on, and its sign-in sessions end.\n", key.ID, key.Scope, nameSuffix(key.Name))
		return nil
	}
	return fmt.Errorf("%w: archive keys %s is not known: use create, list or revoke", errUsage, sub)
}

func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return ", " + name
}

// archiveAccess is what serve needs of package access: the keys, the session
// secret and the audit log of the data directory.
type archiveAccess struct {
	keys          *access.Keys
	sessionSecret []byte
	audit         *access.Audit
}

// openAccess opens the data directory's keys, session secret and audit log. A
// read-only data directory is served without sessions and without an audit log,
// with a warning (nothing can be written there anyway).
func openAccess(dataDir string, log *slog.Logger) (*archiveAccess, error) {
	keys, err := access.OpenKeys(dataDir)
	if err != nil {
		return nil, err
	}
	a := &archiveAccess{keys: keys}
	if a.sessionSecret, err = access.SessionSecret(dataDir); err != nil {
		log.Warn("signing in on the page is off: the session secret cannot be kept in the data directory", "err", err)
	}
	if a.audit, err = access.OpenAudit(dataDir); err != nil {
		log.Warn("no audit log: it cannot be written in the data directory", "err", err)
	}
	return a, nil
}

func (a *archiveAccess) close() {
	if a.audit != nil {
		a.audit.Close()
	}
}

var _ server.KeyChecker = (*access.Keys)(nil)
var _ server.Auditor = (*access.Audit)(nil)

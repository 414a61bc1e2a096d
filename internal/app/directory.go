package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// requireDirectory checks that the actor may manage the network directory.
func requireDirectory(actor ill.Actor) error {
	return actor.Require(actor.Agency, ill.PermDirectory)
}

// Library finds a library in the directory by any of its ids (ISIL:...,
// OCLC:..., its library id, or a bare symbol value), with its
// credentials. For routing and the protocol endpoint: no permission is
// checked. Returns NotFound, or Conflict for an ambiguous bare value.
func (a *App) Library(ctx context.Context, symbol string) (directory.Entry, error) {
	var e directory.Entry
	err := a.read(ctx, func(tx *store.Tx) (err error) { e, err = tx.Network().LookupLibrary(symbol); return })
	return e, err
}

// Libraries lists every directory entry with credentials (routing).
func (a *App) Libraries(ctx context.Context) ([]directory.Entry, error) {
	var out []directory.Entry
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Network().DirectoryEntries(store.DirectoryFilter{})
		return
	})
	return out, err
}

// DirectoryPage lists directory entries for the admin pages, secrets
// masked, with the total count of the filter. Returns Forbidden.
func (a *App) DirectoryPage(ctx context.Context, actor ill.Actor, f store.DirectoryFilter) ([]directory.Entry, int, error) {
	if err := requireDirectory(actor); err != nil {
		return nil, 0, err
	}
	var out []directory.Entry
	var total int
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		if out, err = tx.Network().DirectoryEntries(f); err != nil {
			return err
		}
		total, err = tx.Network().CountDirectoryEntries(f)
		return err
	})
	for i := range out {
		out[i] = out[i].Masked()
	}
	return out, total, err
}

// DirectoryEntry returns one entry for the admin pages, secrets masked.
// Returns NotFound or Forbidden.
func (a *App) DirectoryEntry(ctx context.Context, actor ill.Actor, id ill.AgencyID) (directory.Entry, error) {
	if err := requireDirectory(actor); err != nil {
		return directory.Entry{}, err
	}
	var e directory.Entry
	err := a.read(ctx, func(tx *store.Tx) (err error) { e, err = tx.Network().DirectoryEntry(id); return })
	return e.Masked(), err
}

// PutDirectoryEntry creates or replaces a library's entry. Credentials
// given without a secret keep the stored secret of the same direction and
// method; inbound secrets are hashed. Returns Invalid (with fields),
// Conflict (a symbol of another library) or Forbidden.
func (a *App) PutDirectoryEntry(ctx context.Context, actor ill.Actor, e directory.Entry) (directory.Entry, error) {
	if err := requireDirectory(actor); err != nil {
		return directory.Entry{}, err
	}
	e.Normalise()
	var stored directory.Entry
	err := a.write(ctx, func(tx *store.Tx) error {
		var err error
		stored, err = a.putEntry(tx, actor, e, "directory.put")
		return err
	})
	return stored.Masked(), err
}

// putEntry merges credentials with the stored entry, validates, seals
// and stores e, and writes an audit record.
func (a *App) putEntry(tx *store.Tx, actor ill.Actor, e directory.Entry, action string) (directory.Entry, error) {
	prev, err := tx.Network().DirectoryEntry(e.ID)
	if err != nil && !ill.Is(err, ill.NotFound) {
		return directory.Entry{}, err
	}
	if err == nil && e.Credentials == nil {
		e.Credentials = prev.Credentials
	} else {
		e.Credentials = directory.MergeCredentials(prev.Credentials, e.Credentials)
	}
	if err := e.Validate(); err != nil {
		return directory.Entry{}, err
	}
	for i := range e.Credentials {
		e.Credentials[i] = e.Credentials[i].Seal()
	}
	created, err := tx.Network().PutDirectoryEntry(e, actor.UserID)
	if err != nil {
		return directory.Entry{}, err
	}
	// A library that now has an endpoint gets the messages held for it.
	if err := a.endpointSaved(tx, e); err != nil {
		return directory.Entry{}, err
	}
	before := ""
	if !created {
		before = auditJSON(prev)
	}
	if err := tx.System().SystemAudit(store.AuditRecord{Agency: actor.Agency, Actor: actor.UserID, Action: action, Target: string(e.ID), Before: before, After: auditJSON(e)}); err != nil {
		return directory.Entry{}, err
	}
	return tx.Network().DirectoryEntry(e.ID)
}

// auditJSON is an entry as the audit log keeps it: without secrets.
func auditJSON(e directory.Entry) string {
	m := e.Masked()
	b, _ := json.Marshal(struct {
		directory.Entry
		Credentials []string `json:"credentials,omitempty"`
	}{Entry: m.Public(), Credentials: credentialNames(m.Credentials)})
	return string(b)
}

func credentialNames(cs []directory.Credential) []string {
	var out []string
	for _, c := range cs {
		out = append(out, string(c.Direction)+" "+string(c.Method)+" "+c.Username)
	}
	return out
}

// DeleteDirectoryEntry removes a partner's entry. A hosted library's
// entry stays (it describes us to partners). Returns NotFound, Conflict
// or Forbidden.
func (a *App) DeleteDirectoryEntry(ctx context.Context, actor ill.Actor, id ill.AgencyID) error {
	if err := requireDirectory(actor); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		e, err := tx.Network().DirectoryEntry(id)
		if err != nil {
			return err
		}
		if e.Hosted {
			return ill.Errorf(ill.Conflict, "%s is a library of this deployment: its entry can be edited but not deleted", e.ID)
		}
		if err := tx.Network().DeleteDirectoryEntry(e.ID); err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: actor.Agency, Actor: actor.UserID, Action: "directory.delete", Target: string(e.ID), Before: auditJSON(e)})
	})
}

// SetCredential sets one credential of a library (replacing the one of
// the same direction and method). An inbound credential given without a
// secret gets a new random one, returned once; nothing else returns a
// secret. Returns Invalid, NotFound or Forbidden.
func (a *App) SetCredential(ctx context.Context, actor ill.Actor, id ill.AgencyID, c directory.Credential) (string, error) {
	if err := requireDirectory(actor); err != nil {
		return "", err
	}
	generated := ""
	if c.Direction == directory.Inbound && c.Secret == "" && c.SecretHash == "" {
		generated = directory.NewSecret()
		c.Secret = generated
	}
	if c.Secret == "" && c.SecretHash == "" {
		return "", ill.E(ill.Invalid, "give the secret we present to the partner", map[string]string{"secret": "required"})
	}
	err := a.write(ctx, func(tx *store.Tx) error {
		e, err := tx.Network().DirectoryEntry(id)
		if err != nil {
			return err
		}
		e.Credentials = slices.DeleteFunc(e.Credentials, func(x directory.Credential) bool {
			return x.Direction == c.Direction && x.Method == c.Method
		})
		e.Credentials = append(e.Credentials, c)
		e.Normalise()
		_, err = a.putEntry(tx, actor, e, "directory.credential")
		return err
	})
	return generated, err
}

// RemoveCredential deletes one credential of a library. Returns NotFound
// or Forbidden.
func (a *App) RemoveCredential(ctx context.Context, actor ill.Actor, id ill.AgencyID, d directory.Direction, m directory.AuthMethod) error {
	if err := requireDirectory(actor); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		e, err := tx.Network().DirectoryEntry(id)
		if err != nil {
			return err
		}
		n := len(e.Credentials)
		e.Credentials = slices.DeleteFunc(e.Credentials, func(x directory.Credential) bool { return x.Direction == d && x.Method == m })
		if len(e.Credentials) == n {
			return ill.Errorf(ill.NotFound, "%s has no %s %s credential", e.ID, d, m)
		}
		if e.Credentials == nil {
			e.Credentials = []directory.Credential{} // not nil: "no credentials", not "keep the stored ones"
		}
		_, err = a.putEntry(tx, actor, e, "directory.credential")
		return err
	})
}

// AuthenticatePartner checks the credentials an incoming ISO 18626 message
// presented for the library it claims to come from (any of its symbols).
// It returns the library's entry, or Unauthenticated (unknown library,
// no profile, or a failed check: the message says which).
func (a *App) AuthenticatePartner(ctx context.Context, symbol string, p directory.Presented) (directory.Entry, error) {
	e, err := a.Library(ctx, symbol)
	if ill.Is(err, ill.NotFound) || ill.Is(err, ill.Conflict) {
		return directory.Entry{}, ill.Errorf(ill.Unauthenticated, "%s is not a partner in the directory", symbol)
	}
	if err != nil {
		return directory.Entry{}, err
	}
	if err := e.Authenticate(p); err != nil {
		return directory.Entry{}, err
	}
	return e, nil
}

// EnsureHostedEntries gives every hosted agency without a directory
// entry a minimal one (its ISIL and name), so that partners' messages can
// name it and routing can see it. It returns the ids it added.
func (a *App) EnsureHostedEntries(ctx context.Context) ([]ill.AgencyID, error) {
	var added []ill.AgencyID
	err := a.write(ctx, func(tx *store.Tx) error {
		ags, err := tx.System().Agencies()
		if err != nil {
			return err
		}
		for _, ag := range ags {
			if _, err := tx.Network().DirectoryEntry(ag.ID); err == nil {
				continue
			} else if !ill.Is(err, ill.NotFound) {
				return err
			}
			e := directory.Entry{ID: ag.ID, Name: ag.Name}
			e.Normalise()
			if _, err := a.putEntry(tx, ill.SystemActor(), e, "directory.put"); err != nil {
				return err
			}
			added = append(added, ag.ID)
		}
		return nil
	})
	return added, err
}

// DirectoryFormat is a directory file format.
type DirectoryFormat string

// Directory file formats.
const (
	DirectoryJSON DirectoryFormat = "json"
	DirectoryCSV  DirectoryFormat = "csv"
)

// ParseDirectoryFormat reads "json" or "csv", or guesses from a file name.
func ParseDirectoryFormat(format, name string) (DirectoryFormat, error) {
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "json":
		return DirectoryJSON, nil
	case "csv":
		return DirectoryCSV, nil
	case "":
		if strings.HasSuffix(strings.ToLower(name), ".csv") {
			return DirectoryCSV, nil
		}
		return DirectoryJSON, nil
	}
	return "", ill.Errorf(ill.Invalid, "unknown directory format %q: want json or csv", format)
}

// DirectoryImport configures ImportDirectory.
type DirectoryImport struct {
	Format DirectoryFormat
	// Prune deletes partners that the file does not list (a consortium's
	// full directory); hosted libraries are never deleted.
	Prune bool
	// DryRun checks the file and reports what would change, writing
	// nothing.
	DryRun bool
}

// DirectoryImportReport says what an import did (or would do).
type DirectoryImportReport struct {
	Publisher string
	Created   []ill.AgencyID
	Updated   []ill.AgencyID
	Deleted   []ill.AgencyID
}

// ImportDirectory reads a directory file (JSON: complete entries, which
// replace the stored ones but keep stored secrets the file does not give;
// CSV: the columns given change, the rest is kept) and stores every entry
// in one transaction: when any entry is invalid, nothing is written and
// the error lists every problem by position. Returns Invalid, Conflict or
// Forbidden.
func (a *App) ImportDirectory(ctx context.Context, actor ill.Actor, r io.Reader, o DirectoryImport) (DirectoryImportReport, error) {
	var rep DirectoryImportReport
	if err := requireDirectory(actor); err != nil {
		return rep, err
	}
	var rows []directory.Positioned
	var err error
	switch o.Format {
	case DirectoryCSV:
		rows, err = directory.ReadCSV(r)
	default:
		var meta directory.File
		meta, rows, err = directory.ReadJSON(r)
		rep.Publisher = meta.Publisher
	}
	if err != nil {
		return rep, ill.E(ill.Invalid, err.Error(), err)
	}
	errDryRun := fmt.Errorf("dry run")
	err = a.write(ctx, func(tx *store.Tx) error {
		rep = DirectoryImportReport{Publisher: rep.Publisher}
		problems := map[string]string{}
		seen := map[string]string{}
		var ids []ill.AgencyID
		for _, row := range rows {
			e := row.Entry
			where := row.Where()
			if e.ID != "" {
				where += " (" + string(e.ID) + ")"
			}
			key := strings.ToUpper(strings.TrimSpace(string(e.ID)))
			if first, dup := seen[key]; dup && key != "" {
				problems[where] = "the same library as " + first
				continue
			}
			seen[key] = row.Where()
			prev, err := tx.Network().DirectoryEntry(e.ID)
			exists := err == nil
			if err != nil && !ill.Is(err, ill.NotFound) {
				return err
			}
			if row.Cells != nil {
				base := prev
				if !exists {
					base = directory.Entry{}
				}
				if e, err = directory.ApplyCSV(base, row); err != nil {
					problems[where] = err.Error()
					continue
				}
			}
			e.Normalise()
			stored, err := a.putEntry(tx, actor, e, "directory.import")
			if err != nil {
				if ill.Is(err, ill.Invalid) || ill.Is(err, ill.Conflict) {
					problems[where] = fieldText(err)
					continue
				}
				return err
			}
			ids = append(ids, stored.ID)
			if exists {
				rep.Updated = append(rep.Updated, stored.ID)
			} else {
				rep.Created = append(rep.Created, stored.ID)
			}
		}
		if len(problems) > 0 {
			return ill.E(ill.Invalid, fmt.Sprintf("the directory file has %d problem(s); nothing was imported", len(problems)), problems)
		}
		if o.Prune {
			all, err := tx.Network().DirectoryEntries(store.DirectoryFilter{})
			if err != nil {
				return err
			}
			for _, e := range all {
				if e.Hosted || slices.Contains(ids, e.ID) {
					continue
				}
				if err := tx.Network().DeleteDirectoryEntry(e.ID); err != nil {
					return err
				}
				rep.Deleted = append(rep.Deleted, e.ID)
			}
		}
		if err := tx.System().SystemAudit(store.AuditRecord{Agency: actor.Agency, Actor: actor.UserID, Action: "directory.import",
			After: fmt.Sprintf("created %d, updated %d, deleted %d (publisher %q)", len(rep.Created), len(rep.Updated), len(rep.Deleted), rep.Publisher)}); err != nil {
			return err
		}
		if o.DryRun {
			return errDryRun
		}
		return nil
	})
	if err == errDryRun {
		err = nil
	}
	return rep, err
}

// fieldText is an error's message with its field messages.
func fieldText(err error) string {
	msg := ill.UserMessage(err)
	fields := ill.FieldErrors(err)
	if len(fields) == 0 {
		return msg
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + fields[k]
	}
	return msg + ": " + strings.Join(parts, "; ")
}

// ExportDirectory writes the whole directory. Without withCredentials the
// file can be published (no secrets, no user names); with them it holds
// inbound secret hashes and outbound secrets in clear, for moving a
// deployment. Returns Forbidden.
func (a *App) ExportDirectory(ctx context.Context, actor ill.Actor, w io.Writer, f DirectoryFormat, publisher string, withCredentials bool) error {
	if err := requireDirectory(actor); err != nil {
		return err
	}
	es, err := a.Libraries(ctx)
	if err != nil {
		return err
	}
	for i := range es {
		if !withCredentials {
			es[i] = es[i].Public()
		}
	}
	if f == DirectoryCSV {
		return directory.WriteCSV(w, es)
	}
	return directory.WriteJSON(w, directory.File{Publisher: publisher, Generated: a.Clock.Now(), Libraries: es})
}

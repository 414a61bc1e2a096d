package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
)

// ImportLibrary reads an export (ExportLibrary) into agency, which must
// have no requests and no patrons yet. Requests get new ids here; every
// reference inside the export (patron ids, message ids, request ids in
// charges, the ledger and import keys) is carried over to the new ones.
// Requests, events, messages and charges keep their dates. Everything is
// written in one transaction: a failure leaves nothing behind. Returns
// Forbidden, or Invalid (not an export, or the agency is not empty).
func (a *App) ImportLibrary(ctx context.Context, actor ill.Actor, agency ill.AgencyID, dir string) (LibraryManifest, error) {
	var m LibraryManifest
	if err := actor.Require(agency, ill.PermSettings); err != nil {
		return m, err
	}
	b, err := os.ReadFile(filepath.Join(dir, libManifest))
	if err != nil {
		return m, ill.E(ill.Invalid, dir+" is not a library export: "+err.Error(), map[string]string{"dir": "no manifest.json"})
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Format != LibraryFormat {
		return m, ill.E(ill.Invalid, dir+": manifest.json is not an Interlend library export", map[string]string{"dir": "not an export"})
	}
	if m.Version > LibraryFormatVersion {
		return m, ill.E(ill.Invalid, fmt.Sprintf("the export is version %d; this Interlend reads up to %d", m.Version, LibraryFormatVersion))
	}
	in := &libraryImport{a: a, actor: actor, agency: agency, dir: dir, patrons: map[int64]int64{}, requests: map[string]*ill.Request{}}
	err = a.write(ctx, func(tx *store.Tx) error {
		in.tx = tx
		if _, n, err := tx.Agency().ListRequests(agency, store.RequestFilter{Limit: 1}); err != nil {
			return err
		} else if n > 0 {
			return ill.E(ill.Invalid, fmt.Sprintf("%s has %d requests already: import a library into a new, empty agency", agency, n))
		}
		if n, err := tx.Agency().CountPatrons(agency); err != nil {
			return err
		} else if n > 0 {
			return ill.E(ill.Invalid, fmt.Sprintf("%s has %d patrons already: import a library into a new, empty agency", agency, n))
		}
		for _, step := range []struct {
			file string
			fn   func([]byte) error
		}{{libSettings, in.setting}, {libPatrons, in.patron}, {libRequests, in.request}, {libCharges, in.charge},
			{libCopyright, in.copyrightEntry}, {libCopyrightCounts, in.priorCount}, {libImportKeys, in.importKey}} {
			if err := in.each(step.file, step.fn); err != nil {
				return err
			}
		}
		return tx.Agency().Audit(agency, store.AuditRecord{Actor: actor.UserID, Action: "library.import", Target: dir, After: m.Summary()})
	})
	return m, err
}

type libraryImport struct {
	a        *App
	actor    ill.Actor
	agency   ill.AgencyID
	dir      string
	tx       *store.Tx
	patrons  map[int64]int64         // old patron id -> new
	requests map[string]*ill.Request // old public id -> the new request
}

// each calls fn with every line of a JSON lines file (a missing file has none).
func (in *libraryImport) each(name string, fn func([]byte) error) error {
	f, err := os.Open(filepath.Join(in.dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		if err := fn(sc.Bytes()); err != nil {
			if ill.KindOf(err) != ill.Internal {
				return err
			}
			return fmt.Errorf("%s: line %d: %w", name, line, err)
		}
	}
	return sc.Err()
}

func (in *libraryImport) setting(b []byte) error {
	var s LibrarySetting
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	return in.tx.Agency().PutSetting(in.agency, s.Key, s.Value, in.actor.UserID)
}

func (in *libraryImport) patron(b []byte) error {
	var lp LibraryPatron
	if err := json.Unmarshal(b, &lp); err != nil {
		return err
	}
	p := store.Patron{Record: patron.Record{Barcode: lp.Barcode, ILSID: lp.ILSID, FirstName: lp.FirstName, LastName: lp.LastName, Name: lp.Name,
		Email: lp.Email, Category: lp.Category, HomeLibrary: lp.HomeLibrary, PickupLocation: lp.PickupLocation, Expires: lp.Expires, Notes: lp.Notes},
		Source: lp.Source, CreatedAt: lp.CreatedAt, UpdatedAt: lp.UpdatedAt}
	var blocks []store.PatronBlock
	for _, bl := range lp.Blocks {
		blocks = append(blocks, store.PatronBlock{Source: bl.Source, Reason: bl.Reason, CreatedAt: bl.CreatedAt})
	}
	got, err := in.tx.Agency().ImportPatron(in.agency, p, blocks)
	if err != nil {
		return err
	}
	in.patrons[lp.ID] = got.ID
	return nil
}

func (in *libraryImport) request(b []byte) error {
	var lr LibraryRequest
	if err := json.Unmarshal(b, &lr); err != nil {
		return err
	}
	r := lr.Request
	if r == nil {
		return errors.New("a line without a request")
	}
	old := r.PublicID
	if r.PatronID != 0 {
		r.PatronID = in.patrons[r.PatronID]
	}
	r.OwnerUserID = 0 // logins are not part of the export
	ag := in.tx.Agency()
	events := lr.Events
	err := ag.ImportRequest(in.agency, r, nil, nil)
	if err != nil {
		return err
	}
	msgs := map[int64]int64{}
	for _, msg := range lr.Messages {
		oldID := msg.ID
		msg.RequestID, msg.JobID = r.ID, 0
		if err := ag.ImportMessage(in.agency, &msg); err != nil {
			return err
		}
		msgs[oldID] = msg.ID
	}
	for i := range events {
		events[i].MessageID = msgs[events[i].MessageID]
		events[i].Data = remapSent(events[i].Data, msgs)
	}
	// The events go in after the messages they refer to.
	if err := in.appendEvents(r, events); err != nil {
		return err
	}
	for _, e := range lr.Rota {
		if err := ag.AddRotaEntry(in.agency, r.ID, e); err != nil {
			return err
		}
		if err := ag.UpdateRotaEntry(in.agency, r.ID, e); err != nil {
			return err
		}
	}
	if lr.Desk != nil {
		lr.Desk.RequestID = r.ID
		if err := ag.PutLendingMark(in.agency, *lr.Desk); err != nil {
			return err
		}
	}
	in.requests[old] = r
	return nil
}

// remapSent carries the message ids an event's data lists under "sent"
// (the messages the change sent) over to the new ids.
func remapSent(data json.RawMessage, msgs map[int64]int64) json.RawMessage {
	if !bytes.Contains(data, []byte(`"sent"`)) {
		return data
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return data
	}
	ids, ok := m["sent"].([]any)
	if !ok {
		return data
	}
	for i, v := range ids {
		if f, ok := v.(float64); ok {
			if n, ok := msgs[int64(f)]; ok {
				ids[i] = n
			}
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return data
	}
	return b
}

// appendEvents writes a request's log with its own dates.
func (in *libraryImport) appendEvents(r *ill.Request, events []ill.Event) error {
	return in.tx.Agency().ImportEvents(in.agency, r.ID, events)
}

func (in *libraryImport) charge(b []byte) error {
	var c store.Charge
	if err := json.Unmarshal(b, &c); err != nil {
		return err
	}
	if c.Request != "" {
		r, ok := in.requests[c.Request]
		if !ok {
			return fmt.Errorf("charge %d: request %s is not in the export", c.ID, c.Request)
		}
		c.RequestID, c.Request = r.ID, r.PublicID
	}
	c.CreatedBy = 0
	return in.tx.Agency().ImportCharge(in.agency, &c)
}

func (in *libraryImport) copyrightEntry(b []byte) error {
	var e store.CopyrightEntry
	if err := json.Unmarshal(b, &e); err != nil {
		return err
	}
	if r, ok := in.requests[e.RequestID]; ok {
		e.RequestDBID, e.RequestID = r.ID, r.PublicID
	}
	return in.tx.Agency().ImportCopyrightEntry(in.agency, &e)
}

func (in *libraryImport) priorCount(b []byte) error {
	var c copyright.PriorCount
	if err := json.Unmarshal(b, &c); err != nil {
		return err
	}
	return in.tx.Agency().PutCopyrightPriorCounts(in.agency, []copyright.PriorCount{c}, "library import")
}

func (in *libraryImport) importKey(b []byte) error {
	var k store.ImportKey
	if err := json.Unmarshal(b, &k); err != nil {
		return err
	}
	if r, ok := in.requests[k.Ref]; ok {
		k.Ref = r.PublicID
	}
	return in.tx.Agency().PutImportKey(in.agency, k.Kind, k.External, k.Ref)
}

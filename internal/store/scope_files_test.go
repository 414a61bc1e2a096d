package store_test

import (
	"context"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func init() {
	addScope(filesCases, seedFiles)
}

// seedFileSHA is the blob key every seeded agency uses: the same content
// in two agencies must still be two separate blobs.
const seedFileSHA = "5eed000000000000000000000000000000000000000000000000000000000000"

// ownStoredFile finds the agency's seeded file (cases only know the agency).
func ownStoredFile(a store.AgencyData, ag ill.AgencyID) (store.File, error) {
	fs, err := a.Files(ag, store.FileFilter{Purpose: "scan", IncludeDeleted: true})
	if err != nil || len(fs) == 0 {
		return store.File{}, err
	}
	return fs[len(fs)-1], nil
}

func ownDownloadLink(a store.AgencyData, ag ill.AgencyID) (store.DownloadLink, error) {
	f, err := ownStoredFile(a, ag)
	if err != nil {
		return store.DownloadLink{}, err
	}
	ls, err := a.DownloadLinks(ag, f.ID)
	if err != nil || len(ls) == 0 {
		return store.DownloadLink{}, err
	}
	return ls[0], nil
}

var filesCases = map[string]agencyCase{
	"CreateFile": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.CreateFile(ag, store.File{PublicID: "new-" + string(ag), Name: "new.pdf", ContentType: "application/pdf", SHA256: seedFileSHA, Backend: "database", Purpose: "scan"})
	},
	"FileByPublicID": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		f, err := ownStoredFile(a, ag)
		if err != nil {
			return nil, err
		}
		return a.FileByPublicID(ag, f.PublicID)
	},
	"FileByID": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		f, err := ownStoredFile(a, ag)
		if err != nil {
			return nil, err
		}
		return a.FileByID(ag, f.ID)
	},
	"Files": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.Files(ag, store.FileFilter{IncludeDeleted: true})
	},
	"MarkFileDeleted": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		f, err := ownStoredFile(a, ag)
		if err != nil {
			return nil, err
		}
		return a.MarkFileDeleted(ag, f.ID)
	},
	"LiveFileRefs": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.LiveFileRefs(ag, "database", seedFileSHA)
	},
	"PutBlobChunk": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, a.PutBlobChunk(ag, "upload-new", 0, []byte("chunk"))
	},
	"CommitBlob": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		// The same key as B's blob: A's commit must neither see nor touch it.
		if err := a.PutBlobChunk(ag, "upload-dup", 0, []byte("dup")); err != nil {
			return nil, err
		}
		o, _, err := a.CommitBlob(ag, store.BlobObject{SHA256: seedFileSHA, Upload: "upload-dup", Size: 3, Chunks: 1})
		return o, err
	},
	"BlobObject": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.BlobObject(ag, seedFileSHA) },
	"BlobChunk": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		o, err := a.BlobObject(ag, seedFileSHA)
		if err != nil {
			return nil, err
		}
		b, err := a.BlobChunk(ag, o.Upload, 0, nil)
		return string(b), err
	},
	"DeleteBlobIfIdle": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.DeleteBlobIfIdle(ag, seedFileSHA, time.Time{})
	},
	"DeleteBlobUpload": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, a.DeleteBlobUpload(ag, "upload-new")
	},
	"CreateDownloadLink": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		f, err := ownStoredFile(a, ag)
		if err != nil {
			return nil, err
		}
		return a.CreateDownloadLink(ag, store.DownloadLink{TokenHash: "new-" + string(ag), FileID: f.ID, Partner: "US-ZZZ", ExpiresAt: time.Now().Add(time.Hour), MaxDownloads: 1})
	},
	"DownloadLinks": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		f, err := ownStoredFile(a, ag)
		if err != nil {
			return nil, err
		}
		return a.DownloadLinks(ag, f.ID)
	},
	"CountDownload": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		l, err := ownDownloadLink(a, ag)
		if err != nil {
			return nil, err
		}
		return a.CountDownload(ag, l.ID)
	},
	"RefundDownload": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		l, err := ownDownloadLink(a, ag)
		if err != nil {
			return nil, err
		}
		return nil, a.RefundDownload(ag, l.ID)
	},
	"RevokeDownloadLink": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		l, err := ownDownloadLink(a, ag)
		if err != nil {
			return nil, err
		}
		return nil, a.RevokeDownloadLink(ag, l.ID)
	},
	"LogDownload": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		l, err := ownDownloadLink(a, ag)
		if err != nil {
			return nil, err
		}
		return a.LogDownload(ag, store.DownloadLogEntry{LinkID: l.ID, Partner: "US-ZZZ", Outcome: "started"})
	},
	"FinishDownloadLog": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		l, err := ownDownloadLink(a, ag)
		if err != nil {
			return nil, err
		}
		log, err := a.DownloadLog(ag, l.ID)
		if err != nil || len(log) == 0 {
			return nil, err
		}
		return nil, a.FinishDownloadLog(ag, log[0].ID, 99, "done")
	},
	"DownloadLog": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		l, err := ownDownloadLink(a, ag)
		if err != nil {
			return nil, err
		}
		return a.DownloadLog(ag, l.ID)
	},
	"PurgeDownloadLog": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.PurgeDownloadLog(ag, time.Now().Add(24*time.Hour))
	},
}

// seedFiles gives the agency a stored file with its database blob, a
// partner download link and one download log entry, each carrying the
// marker.
func seedFiles(tx *store.Tx, ag ill.AgencyID, marker string) error {
	a := tx.Agency()
	if err := a.PutBlobChunk(ag, "upload-"+marker, 0, []byte("content of "+marker)); err != nil {
		return err
	}
	if _, _, err := a.CommitBlob(ag, store.BlobObject{SHA256: seedFileSHA, Upload: "upload-" + marker, Size: int64(len("content of " + marker)), Chunks: 1}); err != nil {
		return err
	}
	f, err := a.CreateFile(ag, store.File{PublicID: "pub-" + marker, Name: "scan " + marker + ".pdf", ContentType: "application/pdf",
		Size: 20, SHA256: seedFileSHA, Backend: "database", Purpose: "scan", RequestRef: "REQ-" + marker})
	if err != nil {
		return err
	}
	l, err := a.CreateDownloadLink(ag, store.DownloadLink{TokenHash: "hash-" + marker, FileID: f.ID, Partner: "US-ZZZ",
		ExpiresAt: tx.Now().Add(time.Hour), MaxDownloads: 3})
	if err != nil {
		return err
	}
	_, err = a.LogDownload(ag, store.DownloadLogEntry{LinkID: l.ID, Partner: "US-ZZZ", ClientAddr: "192.0.2.1", Outcome: "seed " + marker})
	return err
}

// TestFilesForeignIDs calls every id-taking method as agency A with B's
// ids: each must act as if the record did not exist.
func TestFilesForeignIDs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const a, b = ill.AgencyID("US-AAA"), ill.AgencyID("US-BBB")
		seedAgency(t, db, a, "MARK-AAA")
		seedAgency(t, db, b, "MARK-BBB")
		var bf store.File
		var bl store.DownloadLink
		var bo store.BlobObject
		mustRead(t, db, func(tx *store.Tx) error {
			var err error
			if bf, err = ownStoredFile(tx.Agency(), b); err != nil {
				return err
			}
			if bl, err = ownDownloadLink(tx.Agency(), b); err != nil {
				return err
			}
			bo, err = tx.Agency().BlobObject(b, seedFileSHA)
			return err
		})
		before, err := store.SnapshotAgency(ctx, db, string(b))
		if err != nil {
			t.Fatal(err)
		}
		calls := []struct {
			name string
			call func(x store.AgencyData) error
		}{
			{"FileByID", func(x store.AgencyData) error { _, err := x.FileByID(a, bf.ID); return err }},
			{"FileByPublicID", func(x store.AgencyData) error { _, err := x.FileByPublicID(a, bf.PublicID); return err }},
			{"MarkFileDeleted", func(x store.AgencyData) error { _, err := x.MarkFileDeleted(a, bf.ID); return err }},
			{"CreateDownloadLink", func(x store.AgencyData) error {
				_, err := x.CreateDownloadLink(a, store.DownloadLink{TokenHash: "x", FileID: bf.ID, Partner: "US-ZZZ", ExpiresAt: time.Now().Add(time.Hour), MaxDownloads: 1})
				return err
			}},
			{"RevokeDownloadLink", func(x store.AgencyData) error { return x.RevokeDownloadLink(a, bl.ID) }},
			{"LogDownload", func(x store.AgencyData) error {
				_, err := x.LogDownload(a, store.DownloadLogEntry{LinkID: bl.ID, Outcome: "x"})
				return err
			}},
			{"BlobChunk", func(x store.AgencyData) error { _, err := x.BlobChunk(a, bo.Upload, 0, nil); return err }},
		}
		for _, c := range calls {
			err := db.Transact(ctx, func(tx *store.Tx) error { return c.call(tx.Agency()) })
			if !ill.Is(err, ill.NotFound) {
				t.Errorf("%s as A with B's id: err = %v, want NotFound", c.name, err)
			}
		}
		// Calls that report rather than fail must report nothing done.
		mustWrite(t, db, func(tx *store.Tx) error {
			x := tx.Agency()
			if ok, err := x.CountDownload(a, bl.ID); err != nil || ok {
				t.Errorf("CountDownload as A on B's link = %v, %v; want false", ok, err)
			}
			if err := x.RefundDownload(a, bl.ID); err != nil {
				t.Errorf("RefundDownload: %v", err)
			}
			if err := x.DeleteBlobUpload(a, bo.Upload); err != nil {
				t.Errorf("DeleteBlobUpload: %v", err)
			}
			if ls, err := x.DownloadLog(a, bl.ID); err != nil || len(ls) != 0 {
				t.Errorf("DownloadLog as A on B's link = %v, %v; want nothing", ls, err)
			}
			if ls, err := x.DownloadLinks(a, bf.ID); err != nil || len(ls) != 0 {
				t.Errorf("DownloadLinks as A on B's file = %v, %v; want nothing", ls, err)
			}
			return nil
		})
		after, err := store.SnapshotAgency(ctx, db, string(b))
		if err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Errorf("A's calls with B's ids changed B's rows:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/blob"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// backend is one store under test, with what a test needs to look behind it.
type backend struct {
	name  string
	store blob.Store
	clock *ill.FakeClock
	db    *store.DB // database backend only
	root  string    // local backend only
}

// smallChunks makes chunk boundaries easy to cross in the database backend.
const smallChunks = 1000

// eachBackend runs fn for the local backend and for the database backend
// on every engine, each with a fresh store.
func eachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Helper()
	t.Run("local", func(t *testing.T) {
		t.Parallel()
		clock := ill.NewFakeClock(start)
		root := filepath.Join(t.TempDir(), "files")
		fn(t, backend{name: "local", store: blob.NewLocal(root, clock), clock: clock, root: root})
	})
	for _, e := range storetest.Engines(t) {
		t.Run("database-"+string(e), func(t *testing.T) {
			t.Parallel()
			clock := ill.NewFakeClock(start)
			db := storetest.Open(t, e, clock)
			fn(t, backend{name: "database-" + string(e), store: blob.NewDatabase(db, smallChunks), clock: clock, db: db})
		})
	}
}

// leftovers lists what a backend holds besides published content: files
// anywhere under the local root (published ones excepted), or chunk rows
// of unpublished uploads.
func (b backend) leftovers(t *testing.T) []string {
	t.Helper()
	var out []string
	if b.db != nil {
		rows, err := b.db.SQL().Query(`SELECT agency, upload, seq FROM blob_chunks c WHERE NOT EXISTS
			(SELECT 1 FROM blob_objects o WHERE o.agency = c.agency AND o.upload = c.upload)`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var ag, up string
			var seq int
			if err := rows.Scan(&ag, &up, &seq); err != nil {
				t.Fatal(err)
			}
			out = append(out, ag+"/"+up+"/"+strconv.Itoa(seq))
		}
		return out
	}
	_ = filepath.WalkDir(b.root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(p, blob.IncomingDir) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// objects counts published content pieces.
func (b backend) objects(t *testing.T) int {
	t.Helper()
	if b.db != nil {
		var n int
		if err := b.db.SQL().QueryRow(`SELECT count(*) FROM blob_objects`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := 0
	_ = filepath.WalkDir(b.root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, blob.IncomingDir) {
			n++
		}
		return nil
	})
	return n
}

func randomBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8(seedOf(seed)).Read(b)
	return b
}

func seedOf(n uint64) [32]byte {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(n >> (8 * i))
	}
	return s
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func readAll(t *testing.T, s blob.Store, ag ill.AgencyID, key string) []byte {
	t.Helper()
	r, err := s.Open(context.Background(), ag, key)
	if err != nil {
		t.Fatalf("Open %s: %v", key, err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	if r.Size() != int64(len(got)) {
		t.Errorf("Size() = %d, read %d bytes", r.Size(), len(got))
	}
	return got
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		sizes := []int{0, 1, smallChunks - 1, smallChunks, smallChunks + 1, 3*smallChunks + 500, 300 << 10}
		for i, n := range sizes {
			data := randomBytes(uint64(i), n)
			obj, err := b.store.Put(ctx, "US-AAA", bytes.NewReader(data), int64(n)+1)
			if err != nil {
				t.Fatalf("Put %d bytes: %v", n, err)
			}
			if obj.Key != sum(data) || obj.Size != int64(n) || !obj.WrittenAt.Equal(start) {
				t.Errorf("Put %d bytes = %+v, want key %s size %d written %s", n, obj, sum(data), n, start)
			}
			if got := readAll(t, b.store, "US-AAA", obj.Key); !bytes.Equal(got, data) {
				t.Errorf("%d bytes: read back %d bytes that differ", n, len(got))
			}
			// io.Copy takes the WriterTo path when the reader has one.
			r, err := b.store.Open(ctx, "US-AAA", obj.Key)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := io.Copy(&buf, r); err != nil || !bytes.Equal(buf.Bytes(), data) {
				t.Errorf("%d bytes through io.Copy: err %v, equal %v", n, err, bytes.Equal(buf.Bytes(), data))
			}
			r.Close()
			st, err := b.store.Stat(ctx, "US-AAA", obj.Key)
			if err != nil || st.Size != int64(n) || st.Key != obj.Key {
				t.Errorf("Stat = %+v, %v", st, err)
			}
			if ok, err := b.store.Exists(ctx, "US-AAA", obj.Key); !ok || err != nil {
				t.Errorf("Exists = %v, %v; want true", ok, err)
			}
		}
		if got := b.leftovers(t); len(got) != 0 {
			t.Errorf("leftovers after successful Puts: %v", got)
		}
	})
}

func TestSameContentStoredOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		data := randomBytes(7, 2500)
		first, err := b.store.Put(ctx, "US-AAA", bytes.NewReader(data), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		b.clock.Advance(time.Hour)
		// Concurrent Puts of the same content all succeed with one key.
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				o, err := b.store.Put(ctx, "US-AAA", bytes.NewReader(data), 1<<20)
				if err == nil && o.Key != first.Key {
					err = errors.New("different key " + o.Key)
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("Put %d: %v", i, err)
			}
		}
		if n := b.objects(t); n != 1 {
			t.Errorf("%d stored objects, want 1", n)
		}
		if got := b.leftovers(t); len(got) != 0 {
			t.Errorf("duplicate uploads left behind: %v", got)
		}
		st, err := b.store.Stat(ctx, "US-AAA", first.Key)
		if err != nil || !st.WrittenAt.Equal(start.Add(time.Hour)) {
			t.Errorf("WrittenAt after a second Put = %v (%v), want it renewed to %v", st.WrittenAt, err, start.Add(time.Hour))
		}
		// Another agency's copy is separate.
		if _, err := b.store.Put(ctx, "US-BBB", bytes.NewReader(data), 1<<20); err != nil {
			t.Fatal(err)
		}
		if n := b.objects(t); n != 2 {
			t.Errorf("%d stored objects after another agency's Put, want 2", n)
		}
	})
}

// failingReader returns n bytes of data, then fails.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestFailedPutLeavesNothing(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		data := randomBytes(3, 5*smallChunks+17)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		cases := []struct {
			name string
			ctx  context.Context
			r    io.Reader
			max  int64
			kind ill.Kind
		}{
			{"over the limit", ctx, bytes.NewReader(data), int64(len(data)) - 1, ill.TooLarge},
			{"over the limit by far", ctx, bytes.NewReader(data), 10, ill.TooLarge},
			{"broken upload", ctx, &failingReader{data: data[:3*smallChunks+5], err: errors.New("connection reset")}, 1 << 20, ill.Invalid},
			{"cancelled", cancelled, bytes.NewReader(data), 1 << 20, ill.Unavailable},
		}
		for _, c := range cases {
			obj, err := b.store.Put(c.ctx, "US-AAA", c.r, c.max)
			if ill.KindOf(err) != c.kind {
				t.Errorf("%s: Put = %+v, %v; want a %s error", c.name, obj, err, c.kind)
			}
			if got := b.leftovers(t); len(got) != 0 {
				t.Errorf("%s: left behind %v", c.name, got)
			}
			if n := b.objects(t); n != 0 {
				t.Errorf("%s: %d objects stored, want none", c.name, n)
			}
		}
		if _, err := b.store.Put(ctx, "US-AAA", bytes.NewReader(data), 0); err == nil {
			t.Error("Put with no limit: want an error")
		}
		// Exactly at the limit is fine.
		if _, err := b.store.Put(ctx, "US-AAA", bytes.NewReader(data), int64(len(data))); err != nil {
			t.Errorf("Put at exactly the limit: %v", err)
		}
	})
}

func TestDelete(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		data := randomBytes(11, 2*smallChunks+1)
		obj, err := b.store.Put(ctx, "US-AAA", bytes.NewReader(data), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		keep, err := b.store.Put(ctx, "US-AAA", strings.NewReader("other content"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		// Idle means written strictly before the cutoff.
		if ok, err := b.store.DeleteIfIdle(ctx, "US-AAA", obj.Key, start); ok || err != nil {
			t.Errorf("DeleteIfIdle at the write time = %v, %v; want kept", ok, err)
		}
		b.clock.Advance(time.Minute)
		if _, err := b.store.Put(ctx, "US-AAA", bytes.NewReader(data), 1<<20); err != nil {
			t.Fatal(err)
		}
		if ok, err := b.store.DeleteIfIdle(ctx, "US-AAA", obj.Key, start.Add(time.Second)); ok || err != nil {
			t.Errorf("DeleteIfIdle after a renewed Put = %v, %v; want kept", ok, err)
		}
		if ok, err := b.store.DeleteIfIdle(ctx, "US-AAA", obj.Key, start.Add(2*time.Minute)); !ok || err != nil {
			t.Errorf("DeleteIfIdle after the cutoff = %v, %v; want deleted", ok, err)
		}
		if ok, _ := b.store.Exists(ctx, "US-AAA", obj.Key); ok {
			t.Error("content still exists after delete")
		}
		if _, err := b.store.Open(ctx, "US-AAA", obj.Key); !ill.Is(err, ill.NotFound) {
			t.Errorf("Open after delete: %v, want NotFound", err)
		}
		if err := b.store.Delete(ctx, "US-AAA", obj.Key); err != nil {
			t.Errorf("deleting again: %v, want no error", err)
		}
		if err := b.store.Delete(ctx, "US-AAA", keep.Key); err != nil {
			t.Fatal(err)
		}
		if n := b.objects(t); n != 0 {
			t.Errorf("%d objects left after deleting all", n)
		}
		if b.db != nil {
			var n int
			if err := b.db.SQL().QueryRow(`SELECT count(*) FROM blob_chunks`).Scan(&n); err != nil || n != 0 {
				t.Errorf("%d chunk rows left after deleting all (%v)", n, err)
			}
		}
	})
}

func TestAgenciesAndKeysAreSeparate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		obj, err := b.store.Put(ctx, "US-AAA", strings.NewReader("A's scan"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			agency ill.AgencyID
			key    string
		}{
			{"US-BBB", obj.Key},
			{"us-aaa", obj.Key},
			{"US-AAA", "../" + blob.AgencyFolder("US-AAA") + "/" + obj.Key[:2] + "/" + obj.Key},
			{"US-AAA", strings.ToUpper(obj.Key)},
			{"US-AAA", ""},
		} {
			if _, err := b.store.Open(ctx, c.agency, c.key); !ill.Is(err, ill.NotFound) {
				t.Errorf("Open(%s, %q): %v, want NotFound", c.agency, c.key, err)
			}
			if ok, err := b.store.Exists(ctx, c.agency, c.key); ok || err != nil {
				t.Errorf("Exists(%s, %q) = %v, %v; want false", c.agency, c.key, ok, err)
			}
			if err := b.store.Delete(ctx, c.agency, c.key); err != nil {
				t.Errorf("Delete(%s, %q): %v", c.agency, c.key, err)
			}
		}
		if got := readAll(t, b.store, "US-AAA", obj.Key); string(got) != "A's scan" {
			t.Errorf("A's content after B's attempts: %q", got)
		}
	})
}

func TestSweep(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		kept, err := b.store.Put(ctx, "US-AAA", strings.NewReader("published"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		// Simulate a crash in the middle of a Put.
		if b.db != nil {
			if err := b.db.Transact(ctx, func(tx *store.Tx) error {
				return tx.Agency().PutBlobChunk("US-AAA", "crashed-upload", 0, []byte("half"))
			}); err != nil {
				t.Fatal(err)
			}
			if n, err := b.store.Sweep(ctx, 24*time.Hour); n != 0 || err != nil {
				t.Errorf("Sweep of fresh leftovers = %d, %v; want 0 (the Put may still run)", n, err)
			}
			b.clock.Advance(25 * time.Hour)
		} else {
			// Temporary files have real modification times.
			p := filepath.Join(b.root, blob.IncomingDir, "put-crashed")
			if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
				t.Fatal(err)
			}
			old := time.Now().Add(-48 * time.Hour)
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
			// A Put in progress (fresh temporary file) is not swept.
			if err := os.WriteFile(filepath.Join(b.root, blob.IncomingDir, "put-running"), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := b.store.Sweep(ctx, 24*time.Hour); n != 1 || err != nil {
			t.Errorf("Sweep = %d, %v; want 1", n, err)
		}
		if b.db == nil {
			if _, err := os.Stat(filepath.Join(b.root, blob.IncomingDir, "put-running")); err != nil {
				t.Errorf("a fresh temporary file was swept: %v", err)
			}
		}
		if got := readAll(t, b.store, "US-AAA", kept.Key); string(got) != "published" {
			t.Errorf("published content after Sweep: %q", got)
		}
	})
}

func TestReadAfterDeleteFails(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		if b.db == nil {
			return // an open local file stays readable after unlink (POSIX)
		}
		ctx := context.Background()
		data := randomBytes(5, 4*smallChunks)
		obj, err := b.store.Put(ctx, "US-AAA", bytes.NewReader(data), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		r, err := b.store.Open(ctx, "US-AAA", obj.Key)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if _, err := io.ReadFull(r, make([]byte, smallChunks+1)); err != nil {
			t.Fatal(err)
		}
		if err := b.store.Delete(ctx, "US-AAA", obj.Key); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(r); !ill.Is(err, ill.NotFound) {
			t.Errorf("reading on after delete: %v, want NotFound", err)
		}
	})
}

func TestFormatSize(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0 bytes"}, {1023, "1023 bytes"}, {1024, "1.0 KiB"}, {100 << 20, "100.0 MiB"}, {3 << 30, "3.0 GiB"}} {
		if got := blob.FormatSize(c.n); got != c.want {
			t.Errorf("FormatSize(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

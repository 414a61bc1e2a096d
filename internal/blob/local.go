package blob

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"interlend/internal/ill"
)

// IncomingDir is the folder, under the local root, where Puts write before
// they publish. What is left there after a crash is swept.
const IncomingDir = ".incoming"

// LocalStore keeps content as files under a root folder:
// <root>/<agency folder>/<first two hex digits>/<sha256>. A Put writes a
// temporary file, syncs it, and renames it into place, then syncs the
// folder: a crash leaves either the whole file or none. It serves one node
// only (several nodes need the database backend).
type LocalStore struct {
	root  string
	clock ill.Clock
	// mu orders the publishing step of Put against DeleteIfIdle, so that
	// content put again is never deleted as idle. One process owns the
	// folder, so an in-process lock is enough.
	mu sync.Mutex
}

var _ Store = (*LocalStore)(nil)

// NewLocal returns a store under root (created on first Put). clock stamps
// WrittenAt (the files' modification time).
func NewLocal(root string, clock ill.Clock) *LocalStore {
	if clock == nil {
		clock = ill.SystemClock{}
	}
	return &LocalStore{root: root, clock: clock}
}

// Backend is Local.
func (l *LocalStore) Backend() Backend { return Local }

// Root is the folder the store keeps its files in.
func (l *LocalStore) Root() string { return l.root }

// AgencyFolder is the folder name of an agency: its id with anything but
// letters, digits and hyphens replaced, plus a short hash of the exact id,
// so that ids differing only in case stay apart on case-insensitive disks.
func AgencyFolder(agency ill.AgencyID) string {
	var b strings.Builder
	for _, c := range string(agency) {
		if c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	sum := sha256.Sum256([]byte(agency))
	return b.String() + "." + hexSum(sum[:4])
}

func (l *LocalStore) path(agency ill.AgencyID, key string) string {
	return filepath.Join(l.root, AgencyFolder(agency), key[:2], key)
}

// Put writes r to a temporary file while hashing it, then publishes it
// under its hash.
func (l *LocalStore) Put(ctx context.Context, agency ill.AgencyID, r io.Reader, limit int64) (Object, error) {
	if limit <= 0 {
		return Object{}, fmt.Errorf("blob: Put needs a positive limit")
	}
	incoming := filepath.Join(l.root, IncomingDir)
	if err := os.MkdirAll(incoming, 0o750); err != nil {
		return Object{}, diskError(err)
	}
	f, err := os.CreateTemp(incoming, "put-*")
	if err != nil {
		return Object{}, diskError(err)
	}
	tmp := f.Name()
	published := false
	defer func() {
		if !published {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	w := &errWriter{w: f}
	buf := make([]byte, 256<<10)
	n, err := io.CopyBuffer(io.MultiWriter(w, h), io.LimitReader(ctxReader{ctx, r}, limit+1), buf)
	if err != nil {
		if w.err != nil {
			return Object{}, diskError(w.err)
		}
		return Object{}, readError(ctx, err)
	}
	if n > limit {
		return Object{}, tooLarge(limit)
	}
	if err := f.Sync(); err != nil {
		return Object{}, diskError(err)
	}
	if err := f.Close(); err != nil {
		return Object{}, diskError(err)
	}
	key := hexSum(h.Sum(nil))
	final := l.path(agency, key)
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Object{}, diskError(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := os.Stat(final); err == nil {
		os.Remove(tmp) // the same content is already there: keep that copy
	} else if err := os.Rename(tmp, final); err != nil {
		return Object{}, diskError(err)
	}
	published = true
	now := l.clock.Now()
	if err := os.Chtimes(final, now, now); err != nil {
		return Object{}, diskError(err)
	}
	if err := syncDir(dir); err != nil {
		return Object{}, diskError(err)
	}
	return Object{Key: key, Size: n, WrittenAt: now}, nil
}

// Open opens the content's file.
func (l *LocalStore) Open(ctx context.Context, agency ill.AgencyID, key string) (Reader, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	f, err := os.Open(l.path(agency, key))
	if err != nil {
		return nil, notFoundOr(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, diskError(err)
	}
	return &fileReader{File: f, size: st.Size()}, nil
}

type fileReader struct {
	*os.File
	size int64
}

func (r *fileReader) Size() int64 { return r.size }

// Stat describes the content's file.
func (l *LocalStore) Stat(ctx context.Context, agency ill.AgencyID, key string) (Object, error) {
	if err := checkKey(key); err != nil {
		return Object{}, err
	}
	st, err := os.Stat(l.path(agency, key))
	if err != nil {
		return Object{}, notFoundOr(err)
	}
	return Object{Key: key, Size: st.Size(), WrittenAt: st.ModTime().UTC()}, nil
}

// Exists reports whether the content's file is there.
func (l *LocalStore) Exists(ctx context.Context, agency ill.AgencyID, key string) (bool, error) {
	_, err := l.Stat(ctx, agency, key)
	if ill.Is(err, ill.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// Delete removes the content's file.
func (l *LocalStore) Delete(ctx context.Context, agency ill.AgencyID, key string) error {
	_, err := l.DeleteIfIdle(ctx, agency, key, time.Time{})
	return err
}

// DeleteIfIdle removes the content's file if it was last written before
// cutoff (the zero time: whatever its age).
func (l *LocalStore) DeleteIfIdle(ctx context.Context, agency ill.AgencyID, key string, cutoff time.Time) (bool, error) {
	if !ValidKey(key) {
		return false, nil
	}
	p := l.path(agency, key)
	l.mu.Lock()
	defer l.mu.Unlock()
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, diskError(err)
	}
	if !cutoff.IsZero() && !st.ModTime().Before(cutoff) {
		return false, nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, diskError(err)
	}
	dir := filepath.Dir(p)
	_ = os.Remove(dir) // only succeeds when empty
	if err := syncDir(filepath.Dir(dir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return true, diskError(err)
	}
	return true, nil
}

// Sweep removes temporary files of interrupted Puts older than age (by the
// wall clock: they are real files with real modification times).
func (l *LocalStore) Sweep(ctx context.Context, age time.Duration) (int, error) {
	incoming := filepath.Join(l.root, IncomingDir)
	entries, err := os.ReadDir(incoming)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, diskError(err)
	}
	cutoff := time.Now().Add(-age)
	n := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "put-") {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(incoming, e.Name())); err == nil {
			n++
		}
	}
	return n, nil
}

// errWriter remembers a write error, so that Put can tell a failing disk
// from a failing upload.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func diskError(err error) error {
	return ill.E(ill.Unavailable, "the file store is not available", err)
}

func notFoundOr(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return ill.E(ill.NotFound, "the file's content is not stored", err)
	}
	return diskError(err)
}

// readError classifies a failure of the reader given to Put: the caller's
// context ended, a limit imposed by the caller (kept as it is), or an
// upload that broke off.
func readError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ill.E(ill.Unavailable, "the upload was cancelled", ctx.Err())
	}
	var ie *ill.Error
	if errors.As(err, &ie) {
		return err
	}
	return ill.E(ill.Invalid, "the upload did not complete; please try again", err)
}

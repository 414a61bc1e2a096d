// Package blob keeps the content of stored files (scans, generated PDFs)
// by its SHA-256, separately for each agency, in one of two backends: a
// local folder (one node; the data folder that `interlend backup` copies)
// or the database (shared by every node on one PostgreSQL). Content is
// streamed in and out in constant memory, a size cap is enforced while
// streaming, and a Put that fails leaves nothing behind.
//
// The package knows nothing of file names or permissions: the app keeps
// those in the files table and decides when content may be deleted.
package blob

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"interlend/internal/ill"
)

// Backend names where content is kept.
type Backend string

// The backends.
const (
	Local    Backend = "local"
	Database Backend = "database"
)

// Object describes stored content.
type Object struct {
	Key       string // SHA-256 of the content, lower-case hex
	Size      int64
	WrittenAt time.Time // last Put of this content
}

// Reader streams stored content. Size is known before reading.
type Reader interface {
	io.ReadCloser
	Size() int64
}

// Store keeps content by its SHA-256, separately per agency. Putting the
// same content twice keeps one copy (and renews its WrittenAt). Every
// method is safe for concurrent use.
type Store interface {
	// Backend names the backend.
	Backend() Backend
	// Put reads r to the end and stores it. Returns TooLarge as soon as r
	// holds more than limit bytes, and Unavailable when the disk or the
	// database fails; on any error nothing is left behind.
	Put(ctx context.Context, agency ill.AgencyID, r io.Reader, limit int64) (Object, error)
	// Open streams content. Returns NotFound.
	Open(ctx context.Context, agency ill.AgencyID, key string) (Reader, error)
	// Stat describes content. Returns NotFound.
	Stat(ctx context.Context, agency ill.AgencyID, key string) (Object, error)
	// Exists reports whether content is stored.
	Exists(ctx context.Context, agency ill.AgencyID, key string) (bool, error)
	// Delete removes content; content that is not there is not an error.
	Delete(ctx context.Context, agency ill.AgencyID, key string) error
	// DeleteIfIdle removes content only if its last Put was before cutoff,
	// atomically with respect to Put, and reports whether it did. Retention
	// uses it so that content put again meanwhile (a new identical file) is
	// not lost.
	DeleteIfIdle(ctx context.Context, agency ill.AgencyID, key string, cutoff time.Time) (bool, error)
	// Sweep removes what Puts interrupted by a crash left behind, if older
	// than age, and returns how many pieces it removed.
	Sweep(ctx context.Context, age time.Duration) (int, error)
}

// ValidKey reports whether key looks like a SHA-256 in lower-case hex (keys
// become file names: nothing else may reach the file system).
func ValidKey(key string) bool {
	if len(key) != 64 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func checkKey(key string) error {
	if !ValidKey(key) {
		return ill.E(ill.NotFound, "no such content", fmt.Errorf("blob: malformed key %q", key))
	}
	return nil
}

// ErrTooLarge is the cause of TooLarge errors from Put.
var ErrTooLarge = errors.New("blob: over the size limit")

func tooLarge(limit int64) error {
	return ill.E(ill.TooLarge, fmt.Sprintf("the file is larger than the limit of %s", FormatSize(limit)), ErrTooLarge)
}

// FormatSize writes a byte count for people: 512 bytes, 3.0 MiB, 1.2 GiB.
func FormatSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// ctxReader stops a long copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func hexSum(b []byte) string { return hex.EncodeToString(b) }

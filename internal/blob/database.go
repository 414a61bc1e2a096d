package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// DefaultChunkSize is the size of one row of content in the database
// backend: large enough that a 100 MB scan is a hundred rows, small enough
// that a row is cheap to hold.
const DefaultChunkSize = 1 << 20

// DatabaseStore keeps content in the database as rows of chunks, so that
// every node on one PostgreSQL sees every file. A Put writes its chunks
// under a random upload id, one short transaction each (a 100 MB scan
// never holds the database's writer or a big buffer), then publishes the
// upload under its SHA-256 in one last transaction. Until then the chunks
// are invisible; a failed Put deletes them, and Sweep removes those of a
// Put interrupted by a crash.
type DatabaseStore struct {
	db    *store.DB
	chunk int
}

var _ Store = (*DatabaseStore)(nil)

// NewDatabase returns a store in db. chunkSize 0 means DefaultChunkSize.
func NewDatabase(db *store.DB, chunkSize int) *DatabaseStore {
	if chunkSize <= 0 {
		chunkSize = DefaultChunkSize
	}
	return &DatabaseStore{db: db, chunk: chunkSize}
}

// Backend is Database.
func (d *DatabaseStore) Backend() Backend { return Database }

// Put streams r into chunks while hashing it, then publishes it.
func (d *DatabaseStore) Put(ctx context.Context, agency ill.AgencyID, r io.Reader, limit int64) (obj Object, err error) {
	if limit <= 0 {
		return Object{}, fmt.Errorf("blob: Put needs a positive limit")
	}
	upload := newUploadID()
	published := false
	wrote := false
	defer func() {
		if published || !wrote {
			return
		}
		// Remove what was written, even if ctx has ended; if this fails
		// too, Sweep removes it later.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_ = d.db.Transact(cctx, func(tx *store.Tx) error { return tx.Agency().DeleteBlobUpload(agency, upload) })
	}()
	h := sha256.New()
	buf := make([]byte, d.chunk)
	src := ctxReader{ctx, r}
	var size int64
	seq := 0
	for {
		n, rerr := io.ReadFull(src, buf)
		last := errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF)
		if rerr != nil && !last {
			return Object{}, readError(ctx, rerr)
		}
		if n > 0 {
			if size+int64(n) > limit {
				return Object{}, tooLarge(limit)
			}
			size += int64(n)
			h.Write(buf[:n])
			data := buf[:n]
			wrote = true
			if err := d.db.Transact(ctx, func(tx *store.Tx) error {
				return tx.Agency().PutBlobChunk(agency, upload, seq, data)
			}); err != nil {
				return Object{}, dbError(err)
			}
			seq++
		}
		if last {
			break
		}
	}
	key := hexSum(h.Sum(nil))
	var stored store.BlobObject
	err = d.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		stored, _, err = tx.Agency().CommitBlob(agency, store.BlobObject{SHA256: key, Upload: upload, Size: size, Chunks: seq})
		return err
	})
	if err != nil {
		return Object{}, dbError(err)
	}
	published = true
	return Object{Key: key, Size: stored.Size, WrittenAt: stored.WrittenAt}, nil
}

// Open returns a reader that fetches one chunk at a time, each in its own
// short read transaction.
func (d *DatabaseStore) Open(ctx context.Context, agency ill.AgencyID, key string) (Reader, error) {
	o, err := d.object(ctx, agency, key)
	if err != nil {
		return nil, err
	}
	return &chunkReader{ctx: ctx, d: d, agency: agency, obj: o, buf: make([]byte, 0, d.chunk)}, nil
}

func (d *DatabaseStore) object(ctx context.Context, agency ill.AgencyID, key string) (store.BlobObject, error) {
	if err := checkKey(key); err != nil {
		return store.BlobObject{}, err
	}
	var o store.BlobObject
	err := d.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		o, err = tx.Agency().BlobObject(agency, key)
		return err
	})
	if err != nil && !ill.Is(err, ill.NotFound) {
		return o, dbError(err)
	}
	return o, err
}

// Stat reads the content's object row.
func (d *DatabaseStore) Stat(ctx context.Context, agency ill.AgencyID, key string) (Object, error) {
	o, err := d.object(ctx, agency, key)
	if err != nil {
		return Object{}, err
	}
	return Object{Key: key, Size: o.Size, WrittenAt: o.WrittenAt}, nil
}

// Exists reports whether the content's object row is there.
func (d *DatabaseStore) Exists(ctx context.Context, agency ill.AgencyID, key string) (bool, error) {
	_, err := d.object(ctx, agency, key)
	if ill.Is(err, ill.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// Delete removes the content and its chunks in one transaction.
func (d *DatabaseStore) Delete(ctx context.Context, agency ill.AgencyID, key string) error {
	_, err := d.DeleteIfIdle(ctx, agency, key, time.Time{})
	return err
}

// DeleteIfIdle removes the content if its last Put was before cutoff. The
// check and the delete are one statement on the object's row, which a Put
// of the same content renews under the same row lock.
func (d *DatabaseStore) DeleteIfIdle(ctx context.Context, agency ill.AgencyID, key string, cutoff time.Time) (bool, error) {
	if !ValidKey(key) {
		return false, nil
	}
	var deleted bool
	err := d.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		deleted, err = tx.Agency().DeleteBlobIfIdle(agency, key, cutoff)
		return err
	})
	if err != nil {
		return false, dbError(err)
	}
	return deleted, nil
}

// Sweep removes chunks of unpublished uploads older than age (by the
// store's clock, which stamped them).
func (d *DatabaseStore) Sweep(ctx context.Context, age time.Duration) (int, error) {
	var n int64
	err := d.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.System().SweepBlobUploads(tx.Now().Add(-age))
		return err
	})
	if err != nil {
		return 0, dbError(err)
	}
	return int(n), nil
}

// chunkReader reads a blob chunk by chunk into one reused buffer.
type chunkReader struct {
	ctx    context.Context
	d      *DatabaseStore
	agency ill.AgencyID
	obj    store.BlobObject
	next   int    // next chunk to fetch
	buf    []byte // current chunk
	off    int    // read position in buf
	read   int64
	closed bool
}

func (c *chunkReader) Size() int64 { return c.obj.Size }

func (c *chunkReader) Read(p []byte) (int, error) {
	if err := c.fill(); err != nil {
		return 0, err
	}
	n := copy(p, c.buf[c.off:])
	c.off += n
	c.read += int64(n)
	return n, nil
}

// WriteTo hands each chunk to w without copying it (io.Copy uses it).
func (c *chunkReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if err := c.fill(); errors.Is(err, io.EOF) {
			return total, nil
		} else if err != nil {
			return total, err
		}
		n, err := w.Write(c.buf[c.off:])
		c.off += n
		c.read += int64(n)
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
}

// fill makes sure unread bytes are in buf, fetching the next chunk when
// the current one is used up; io.EOF after the last.
func (c *chunkReader) fill() error {
	if c.closed {
		return errors.New("blob: read after close")
	}
	for c.off >= len(c.buf) {
		if c.next >= c.obj.Chunks {
			if c.read != c.obj.Size {
				return fmt.Errorf("blob: %s has %d bytes, want %d", c.obj.SHA256, c.read, c.obj.Size)
			}
			return io.EOF
		}
		err := c.d.db.Read(c.ctx, func(tx *store.Tx) error {
			var err error
			c.buf, err = tx.Agency().BlobChunk(c.agency, c.obj.Upload, c.next, c.buf[:0])
			return err
		})
		if err != nil {
			if ill.Is(err, ill.NotFound) {
				return err // deleted while being read
			}
			return dbError(err)
		}
		c.next++
		c.off = 0
	}
	return nil
}

func (c *chunkReader) Close() error {
	c.closed = true
	c.buf = nil
	return nil
}

func newUploadID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func dbError(err error) error {
	var ie *ill.Error
	if errors.As(err, &ie) {
		return err
	}
	return ill.E(ill.Unavailable, "the file store (database) is not available", err)
}

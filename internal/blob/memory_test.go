package blob_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"interlend/internal/blob"
	"interlend/internal/ill"
	"interlend/internal/store/storetest"
)

// generated is a reader of n pseudo-random bytes that never holds them.
func generated(seed uint64, n int64) io.Reader {
	return io.LimitReader(rand.NewChaCha8(seedOf(seed)), n)
}

// heapPeak runs fn and returns the largest growth of the Go heap (bytes
// in allocated objects, garbage included) over its value before fn,
// sampled with runtime.MemStats every few milliseconds.
func heapPeak(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(3 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc)
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	runtime.ReadMemStats(&ms)
	peak = max(peak, ms.HeapAlloc)
	if peak < base {
		return 0
	}
	return peak - base
}

// memoryBackends are the stores the memory test and the benchmarks use:
// real chunk sizes, fresh databases.
func memoryBackends(tb testing.TB) []backend {
	out := []backend{{name: "local", store: blob.NewLocal(filepath.Join(tb.TempDir(), "files"), nil)}}
	for _, e := range storetest.Engines(tb) {
		db := storetest.Open(tb, e, ill.SystemClock{})
		out = append(out, backend{name: "database-" + string(e), store: blob.NewDatabase(db, 0), db: db})
	}
	return out
}

// TestLargeFileConstantMemory puts and reads back a 30 MB file on every
// backend and checks that the heap never grows by anything near the file's
// size. Not parallel: the heap is measured for the whole process.
func TestLargeFileConstantMemory(t *testing.T) {
	const size = 30 << 20
	// Chunk buffers, driver buffers and garbage between collections: flat
	// in the file size (10, 30 and 90 MB files all peak at about 13 MiB on
	// PostgreSQL, the most wasteful driver), and well under the file.
	const bound = 20 << 20
	ctx := context.Background()
	for _, b := range memoryBackends(t) {
		var obj blob.Object
		var err error
		put := heapPeak(func() { obj, err = b.store.Put(ctx, "US-AAA", generated(1, size), size) })
		if err != nil {
			t.Fatalf("%s: Put: %v", b.name, err)
		}
		h := sha256.New()
		if _, err := io.Copy(h, generated(1, size)); err != nil {
			t.Fatal(err)
		}
		if want := hex.EncodeToString(h.Sum(nil)); obj.Key != want || obj.Size != size {
			t.Fatalf("%s: Put = %s %d bytes, want %s %d", b.name, obj.Key, obj.Size, want, size)
		}
		var got string
		var n int64
		open := heapPeak(func() {
			r, err := b.store.Open(ctx, "US-AAA", obj.Key)
			if err != nil {
				t.Errorf("%s: Open: %v", b.name, err)
				return
			}
			defer r.Close()
			h := sha256.New()
			n, err = io.Copy(h, r)
			if err != nil {
				t.Errorf("%s: read: %v", b.name, err)
			}
			got = hex.EncodeToString(h.Sum(nil))
		})
		if got != obj.Key || n != size {
			t.Errorf("%s: read back %d bytes hashing to %s, want %d and %s", b.name, n, got, size, obj.Key)
		}
		t.Logf("%s: 30 MB file: heap growth at most %.1f MiB during Put, %.1f MiB during Open+read", b.name, float64(put)/(1<<20), float64(open)/(1<<20))
		if put > bound || open > bound {
			t.Errorf("%s: heap grew by %d bytes (Put) and %d bytes (read) for a %d-byte file; want under %d: content is being held in memory",
				b.name, put, open, size, bound)
		}
	}
}

// BenchmarkPut measures Put throughput (MB/s) of 16 MiB files, each new
// content (generating and hashing it included), on every backend, at full
// durability (fsync, synchronous commits). Run with
//
//	INTERLEND_TEST_POSTGRES=... go test ./internal/blob -run '^$' -bench . -benchtime 10x
func BenchmarkPut(b *testing.B) {
	const size = 16 << 20
	ctx := context.Background()
	for _, be := range memoryBackends(b) {
		b.Run(be.name, func(b *testing.B) {
			b.SetBytes(size)
			seed := uint64(1000)
			for b.Loop() {
				seed++
				if _, err := be.store.Put(ctx, "US-AAA", generated(seed, size), size); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpen measures read throughput (MB/s) of a 16 MiB file.
func BenchmarkOpen(b *testing.B) {
	const size = 16 << 20
	ctx := context.Background()
	for _, be := range memoryBackends(b) {
		b.Run(be.name, func(b *testing.B) {
			obj, err := be.store.Put(ctx, "US-AAA", generated(2, size), size)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			for b.Loop() {
				r, err := be.store.Open(ctx, "US-AAA", obj.Key)
				if err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(io.Discard, r); err != nil || n != size {
					b.Fatalf("read %d bytes: %v", n, err)
				}
				r.Close()
			}
		})
	}
}

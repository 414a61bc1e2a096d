package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
)

// TestLargeUploadAndDownloadStream sends a 40 MB scan through the upload
// form and back through a download link, over real HTTP, and checks that
// the heap of the process (client and server both) never grows by
// anything near the file: the body is streamed from the request into the
// store and from the store into the response. Not parallel: the heap is
// the whole process's.
func TestLargeUploadAndDownloadStream(t *testing.T) {
	const size = 40 << 20
	const bound = 16 << 20
	s := newFileSite(t, apptest.Options{})
	gen := func() io.Reader { return io.LimitReader(rand.NewChaCha8([32]byte{42}), size) }
	h := sha256.New()
	_, _ = io.Copy(h, gen())
	want := hex.EncodeToString(h.Sum(nil))

	up := webHeapPeak(func() {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			_ = mw.WriteField("purpose", "scan")
			fw, err := mw.CreateFormFile("file", "big.pdf")
			if err == nil {
				_, err = io.Copy(fw, gen())
			}
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		req, _ := http.NewRequest(http.MethodPost, s.w.URL+"/stored-files/upload", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("X-CSRF-Token", s.staff.CSRF)
		resp, err := s.staff.HTTP.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		resp.Body.Close()
	})
	f := s.only(t)
	if f.SHA256 != want || f.Size != size {
		t.Fatalf("stored %d bytes hashing to %s, want %d and %s", f.Size, f.SHA256, size, want)
	}
	l := s.linkFor(t, f, app.LinkRequest{UserID: s.patronA.ID})
	var got string
	down := webHeapPeak(func() {
		resp, err := s.ann.HTTP.Get(l.URL)
		if err != nil {
			t.Error(err)
			return
		}
		defer resp.Body.Close()
		h := sha256.New()
		_, _ = io.Copy(h, resp.Body)
		got = hex.EncodeToString(h.Sum(nil))
	})
	if got != want {
		t.Errorf("downloaded content hashes to %s, want %s", got, want)
	}
	t.Logf("40 MB over HTTP: heap growth at most %.1f MiB (upload), %.1f MiB (download)", float64(up)/(1<<20), float64(down)/(1<<20))
	if up > bound || down > bound {
		t.Errorf("heap grew by %d (upload) and %d (download) bytes for a %d-byte file; want under %d", up, down, size, bound)
	}
}

// webHeapPeak runs fn and returns the largest growth of the Go heap over
// its value before fn, sampled every few milliseconds.
func webHeapPeak(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, ms.HeapAlloc
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(3 * time.Millisecond)
		defer tk.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc)
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return peak - base
}

package pdf

import (
	"bytes"
	"sync"
	"testing"
)

// Documents share the parsed fonts; building them at once must neither
// race (go test -race) nor let one document's glyphs leak into another's,
// and the same input must give the same bytes.
func TestConcurrentDocumentsAreIdentical(t *testing.T) {
	t.Parallel()
	batch := PullSlipBatch{Slips: []PullSlip{sampleSlip(0), sampleSlip(1), sampleSlip(2)}}
	want, err := PullSlips(batch)
	if err != nil {
		t.Fatal(err)
	}
	other := PullSlipBatch{Slips: []PullSlip{{RequestID: "B9", Title: "図書館 한국 Ωμέγα"}}}
	var (
		wg   sync.WaitGroup
		outs = make([][]byte, 8)
		errs = make([]error, 8)
	)
	for i := range outs {
		wg.Go(func() {
			if i%2 == 1 { // interleave a document with other glyphs
				_, errs[i] = PullSlips(other)
				return
			}
			outs[i], errs[i] = PullSlips(batch)
		})
	}
	wg.Wait()
	for i := range outs {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if i%2 == 0 && !bytes.Equal(outs[i], want) {
			t.Errorf("goroutine %d: %d bytes differ from the %d made alone", i, len(outs[i]), len(want))
		}
	}
}

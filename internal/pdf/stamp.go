package pdf

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// StampFooter prints a line of text over the foot of every page of doc
// from page from on (1-based), centred, small, on top of the page's
// content: a copyright legend on each page of a scan, as an overlay. The
// pages keep their content, fonts and text layer. Errors wrap
// [ErrNotPDF] or [ErrInvalidPDF].
func StampFooter(doc []byte, text string, from int) ([]byte, error) {
	if text == "" {
		return nil, fmt.Errorf("pdf: stamp: no text")
	}
	n, err := PageCount(doc)
	if err != nil {
		return nil, err
	}
	if from < 1 || from > n {
		return nil, fmt.Errorf("pdf: stamp: page %d of %d", from, n)
	}
	wm, err := api.TextWatermark(text, "font:Helvetica, points:7, pos:bc, off:0 12, scale:1 abs, rot:0, fillcol:#202020, op:1", true, false, types.POINTS)
	if err != nil {
		return nil, fmt.Errorf("pdf: stamp: %w", err)
	}
	var out bytes.Buffer
	if err := api.AddWatermarks(bytes.NewReader(doc), &out, []string{strconv.Itoa(from) + "-"}, wm, pdfcpuConfig()); err != nil {
		return nil, fmt.Errorf("pdf: stamp: %w: %w", ErrInvalidPDF, err)
	}
	return out.Bytes(), nil
}

package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Errors about PDF files from outside (uploads, scanners). Both are
// matched with errors.Is; the message says what was wrong.
var (
	ErrNotPDF     = errors.New("not a PDF file")
	ErrInvalidPDF = errors.New("damaged or unsupported PDF")
)

// pdfcpuConfig is pdfcpu's default configuration, built here rather than
// with model.NewDefaultConfiguration, which creates a configuration
// folder in the user's home on first use (a server may have none).
func pdfcpuConfig() *model.Configuration {
	return &model.Configuration{
		Reader15:                  true,
		ValidationMode:            model.ValidationRelaxed,
		UnsupportedResourcePolicy: model.UnsupportedResourceSkip,
		Eol:                       types.EolLF,
		WriteObjectStream:         true,
		WriteXRefStream:           true,
		EncryptUsingAES:           true,
		EncryptKeyLength:          256,
		Permissions:               model.PermissionsPrint,
		TimestampFormat:           "2006-01-02 15:04",
		DateFormat:                "2006-01-02",
		Optimize:                  true,
		OptimizeBeforeWriting:     true,
		OptimizeResourceDicts:     true,
		MergeBookmarkMode:         model.MergeBookmarkModeWrap,
		Offline:                   true,
		Timeout:                   5,
		TimeoutCRL:                10,
		TimeoutOCSP:               10,
		Limits:                    model.DefaultResourceLimits(),
	}
}

// pdfHeader is how every PDF file starts; readers accept up to 1 KiB of
// junk before it, and so does this package.
var pdfHeader = []byte("%PDF-")

func checkHeader(doc []byte) error {
	head := doc[:min(len(doc), 1024)]
	if !bytes.Contains(head, pdfHeader) {
		return fmt.Errorf("pdf: %w (no %%PDF- header)", ErrNotPDF)
	}
	return nil
}

// PageCount reads and validates a PDF (relaxed, as viewers are) and
// returns its page count. It is the check for an uploaded file: errors
// wrap [ErrNotPDF] or [ErrInvalidPDF].
func PageCount(doc []byte) (int, error) {
	if err := checkHeader(doc); err != nil {
		return 0, err
	}
	conf := pdfcpuConfig()
	conf.Cmd = model.VALIDATE
	ctx, err := api.ReadAndValidate(bytes.NewReader(doc), conf)
	if err != nil {
		return 0, fmt.Errorf("pdf: %w: %w", ErrInvalidPDF, err)
	}
	if ctx.PageCount == 0 {
		return 0, fmt.Errorf("pdf: %w: no pages", ErrInvalidPDF)
	}
	return ctx.PageCount, nil
}

// Validate reports whether doc is a readable PDF with at least one page;
// see [PageCount].
func Validate(doc []byte) error {
	_, err := PageCount(doc)
	return err
}

// PrependPages returns doc with the pages of notice in front of it (a
// copyright notice before a scanned article). The original's pages keep
// their content streams, fonts and images, so a scanner's invisible text
// layer still searches and copies. Errors wrap [ErrNotPDF] or
// [ErrInvalidPDF] and say which input was at fault.
func PrependPages(notice, doc []byte) ([]byte, error) {
	if err := checkHeader(notice); err != nil {
		return nil, fmt.Errorf("notice: %w", err)
	}
	if err := checkHeader(doc); err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	if _, err := PageCount(notice); err != nil {
		return nil, fmt.Errorf("notice: %w", err)
	}
	if _, err := PageCount(doc); err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	var out bytes.Buffer
	rs := []io.ReadSeeker{bytes.NewReader(notice), bytes.NewReader(doc)}
	if err := api.MergeRaw(rs, &out, false, pdfcpuConfig()); err != nil {
		return nil, fmt.Errorf("pdf: prepend pages: %w: %w", ErrInvalidPDF, err)
	}
	return out.Bytes(), nil
}

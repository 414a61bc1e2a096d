package app_test

import "interlend/internal/pdf"

// pdfWithText makes a small PDF whose text layer holds text, as a
// scanner with OCR makes.
func pdfWithText(text string) ([]byte, error) {
	return pdf.NoticePDF(pdf.Notice{Title: text, Paragraphs: []string{text}})
}

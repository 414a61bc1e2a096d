package pdf

import (
	"strings"
	"testing"

	"interlend/internal/testenv"
)

func TestNotice(t *testing.T) {
	t.Parallel()
	doc, err := NoticePDF(Notice{
		Title:      "Copyright notice",
		Paragraphs: []string{"This copy was supplied for research or private study only.", titleRussian + " — " + titleChinese},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := testenv.PDFPageCount(t, doc); got != 1 {
		t.Errorf("pages = %d, want 1", got)
	}
	wantText(t, testenv.PDFText(t, doc), "Copyright notice", "This copy was supplied for research or private study only.", titleRussian, titleChinese)
}

func TestNoticeFlowsOntoMorePages(t *testing.T) {
	t.Parallel()
	para := strings.Repeat("Sentence of the notice that goes on. ", 40)
	var paras []string
	for range 12 {
		paras = append(paras, para)
	}
	paras = append(paras, "The last paragraph.")
	doc, err := NoticePDF(Notice{Title: "Long notice", Paragraphs: paras})
	if err != nil {
		t.Fatal(err)
	}
	if got := testenv.PDFPageCount(t, doc); got < 2 {
		t.Errorf("pages = %d, want the text to continue on a second page", got)
	}
	wantText(t, testenv.PDFText(t, doc), "Long notice", "The last paragraph.")
	if _, err := NoticePDF(Notice{}); err == nil {
		t.Error("empty notice: no error")
	}
}

package app

import (
	"strconv"
	"strings"

	"interlend/internal/copyright"
	"interlend/internal/pdf"
)

// The yearly copyright report as PDF (issue 11 item 6), beside the HTML
// page and the CSV: the same table per title with the year's totals, for
// an auditor's file. Captions come from the caller's catalog (tr) so the
// PDF speaks the reader's language.

// CopyrightReportText translates a catalog key for the report.
type CopyrightReportText func(key string, args ...any) string

// PDF prints the report: one row per title (titles at the limit marked),
// then a row of totals, and the royalties per currency. money formats an
// amount in minor units. Letter paper for a US library, else A4.
func (rep CopyrightReport) PDF(tr CopyrightReportText, money func(minor int64, currency string) string, generated string) ([]byte, error) {
	cols := []pdf.Column{
		{Title: tr("copyright.report.col.title"), Width: 4},
		{Title: tr("copyright.report.col.issn"), Width: 1.6},
	}
	for _, k := range []string{"counted", "imported", "total", "royalty", "purchased", "notcounted", "withdrawn", "awaiting"} {
		cols = append(cols, pdf.Column{Title: tr("copyright.report.col." + k), Width: 1.1, Align: pdf.AlignRight})
	}
	cols = append(cols, pdf.Column{Title: tr("copyright.report.col.fees"), Width: 1.8, Align: pdf.AlignRight})
	fees := func(fs []copyright.Fee) string {
		var out []string
		for _, f := range fs {
			out = append(out, money(f.AmountMinor, f.Currency))
		}
		return strings.Join(out, "; ")
	}
	figures := func(r copyright.ReportRow) []string {
		var out []string
		for _, n := range []int{r.Counted, r.Imported, r.Total, r.RoyaltyPaid, r.Purchased, r.NotCounted, r.Withdrawn, r.Awaiting} {
			out = append(out, strconv.Itoa(n))
		}
		return out
	}
	var rows [][]string
	for _, r := range rep.Rows {
		title := r.Title
		if r.AtLimit {
			title += " (" + tr("copyright.report.atlimit") + ")"
		}
		rows = append(rows, append(append([]string{title, r.ISSN}, figures(r)...), fees(r.Fees)))
	}
	rows = append(rows, append(append([]string{tr("copyright.report.totals"), ""}, figures(rep.Totals)...), fees(rep.Fees)))
	paper := pdf.A4
	if rep.Regime == copyright.RegimeUS {
		paper = pdf.Letter
	}
	labels := pdf.DefaultLabels()
	labels.Page, labels.Continued = tr("copyright.reportpdf.page"), tr("copyright.reportpdf.continued")
	return pdf.ReportPDF(pdf.Report{
		Title:     tr("copyright.report.title", rep.Year),
		Subtitle:  tr("copyright.reportpdf.subtitle", string(rep.Agency), rep.Limit, string(rep.Regime), generated),
		Columns:   cols,
		Rows:      rows,
		Paper:     paper,
		Landscape: true,
		Labels:    labels,
	})
}

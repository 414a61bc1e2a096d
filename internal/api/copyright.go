package api

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	"interlend/internal/app"
	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// KBARTResult is what an e-holdings import did.
type KBARTResult = app.KBARTImport

// CountsImportResult is what an import of prior counts did.
type CountsImportResult = copyright.ImportResult

// LicenceTermsResult is what an import of licence terms did.
type LicenceTermsResult struct {
	Terms    int                   `json:"terms"`
	Problems []copyright.LineError `json:"problems,omitempty"`
}

// maxImport is the largest file the import endpoints read.
const maxImport = 64 << 20

func readBody(r *http.Request) (io.Reader, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxImport+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxImport {
		return nil, ill.E(ill.Invalid, "the file is larger than 64 MiB", map[string]string{"file": "at most 64 MiB"})
	}
	return bytes.NewReader(b), nil
}

// Copyright: the clearance queue and decisions, a request's ledger row,
// the yearly report per title (JSON; CSV through the web page), the
// ledger of a year, and imports of e-holdings (KBART), licence terms and
// prior counts.
func init() {
	addRoutes(func(h *Handler) []route {
		year := queryParam{"year", "calendar year (default: this year)", "integer"}
		return []route{
			{Method: "GET", Path: "/api/v1/copyright/clearance", Summary: "Copy requests awaiting copyright clearance, oldest first, with the rules' assessment and the title's count now",
				Tag: "copyright", Response: typeOf[[]app.ClearanceItem](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					return h.app.ClearanceQueue(r.Context(), actorFrom(r.Context()))
				}},
			{Method: "POST", Path: "/api/v1/requests/{id}/copyright/clearance", Summary: "Decide a held copy request: pay-royalty (amount in minor units, currency, payee, reference; written to the charges ledger, then sent), purchase, licence-exception, approve, defer, recheck or deny (the patron is told why)",
				Tag: "copyright", Body: typeOf[app.ClearanceInput](), Response: typeOf[ill.Request](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					var in app.ClearanceInput
					if err := decode(r, &in); err != nil {
						return nil, err
					}
					return h.app.ClearCopyright(r.Context(), actorFrom(r.Context()), r.PathValue("id"), in)
				}},
			{Method: "GET", Path: "/api/v1/requests/{id}/copyright", Summary: "A copy request's copyright ledger row: category, counting state, year, fee and the assessment",
				Tag: "copyright", Response: typeOf[store.CopyrightEntry](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					return h.app.CopyrightEntry(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
				}},
			{Method: "GET", Path: "/api/v1/copyright/report", Summary: "Yearly copyright report: counts per title (free copies, brought over, royalties, purchases, not counted, withdrawn, held)",
				Tag: "copyright", Response: typeOf[app.CopyrightReport](), Query: []queryParam{year},
				Handle: func(h *Handler, r *http.Request) (any, error) {
					y, _ := strconv.Atoi(r.URL.Query().Get("year"))
					return h.app.CopyrightYearReport(r.Context(), actorFrom(r.Context()), y)
				}},
			{Method: "GET", Path: "/api/v1/copyright/ledger", Summary: "Copyright ledger rows of a year (no patron data), of one title when key is given",
				Tag: "copyright", Response: typeOf[[]store.CopyrightEntry](), Query: []queryParam{year, {"key", "counting key, e.g. issn:1072-303X", "string"}},
				Handle: func(h *Handler, r *http.Request) (any, error) {
					y, _ := strconv.Atoi(r.URL.Query().Get("year"))
					return h.app.CopyrightLedger(r.Context(), actorFrom(r.Context()), y, copyright.Key(r.URL.Query().Get("key")))
				}},
			{Method: "POST", Path: "/api/v1/copyright/kbart", Summary: "Import a KBART file (tab-separated, as the body) as the e-holdings of a package, replacing the package",
				Tag: "copyright", Response: typeOf[KBARTResult](), Query: []queryParam{{"package", "package id (required)", "string"}},
				Handle: func(h *Handler, r *http.Request) (any, error) {
					body, err := readBody(r)
					if err != nil {
						return nil, err
					}
					a := actorFrom(r.Context())
					return h.app.ImportKBART(r.Context(), a, a.Agency, r.URL.Query().Get("package"), body)
				}},
			{Method: "POST", Path: "/api/v1/copyright/licence-terms", Summary: "Import licence terms (CSV as the body: package_id, title_id, issn, ill, domestic_only, corporate_ok, coverage_start, coverage_end, notes), replacing the terms on record",
				Tag: "copyright", Response: typeOf[LicenceTermsResult](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					body, err := readBody(r)
					if err != nil {
						return nil, err
					}
					a := actorFrom(r.Context())
					n, problems, err := h.app.ImportLicenceTerms(r.Context(), a, a.Agency, body)
					return LicenceTermsResult{Terms: n, Problems: problems}, err
				}},
			{Method: "POST", Path: "/api/v1/copyright/counts", Summary: "Import counts kept elsewhere (CSV journal_title, issn, year, count; or an ILLiad export with format=illiad)",
				Tag: "copyright", Response: typeOf[CountsImportResult](), Query: []queryParam{{"format", "csv (default) or illiad", "string"}},
				Handle: func(h *Handler, r *http.Request) (any, error) {
					body, err := readBody(r)
					if err != nil {
						return nil, err
					}
					a := actorFrom(r.Context())
					return h.app.ImportPriorCounts(r.Context(), a, a.Agency, r.URL.Query().Get("format"), body)
				}},
		}
	})
}

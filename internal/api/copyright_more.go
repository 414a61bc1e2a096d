package api

import (
	"net/http"
	"strconv"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// More copyright routes: the UK copyright declaration of a request (read,
// or recorded for a request already made: the patron signing late, or
// staff entering a signed paper form), and the Canadian copy records of a
// year for the auditor (docs/copyright.md).
func init() {
	addRoutes(func(h *Handler) []route {
		return []route{
			{Method: "GET", Path: "/api/v1/requests/{id}/copyright/declaration", Summary: "A copy request's UK copyright declaration: wording version and fingerprint, the typed signature (until retention removes it) and when it was signed",
				Tag: "copyright", Response: typeOf[store.CopyrightDeclaration](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					return h.app.CopyrightDeclarationOf(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
				}},
			{Method: "POST", Path: "/api/v1/requests/{id}/copyright/declaration", Summary: "Record the UK copyright declaration for a copy request (accepted, and the patron's name as signature); a request held for want of it is assessed again and sent when the rules allow",
				Tag: "copyright", Body: typeOf[app.DeclarationInput](), Response: typeOf[ill.Request](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					var in app.DeclarationInput
					if err := decode(r, &in); err != nil {
						return nil, err
					}
					return h.app.SignCopyrightDeclaration(r.Context(), actorFrom(r.Context()), r.PathValue("id"), in)
				}},
			{Method: "GET", Path: "/api/v1/copyright/copy-records", Summary: "Canadian copy records (SOR/99-325 s.4) of a calendar year: requester (a pseudonym or the requesting library), dates, citation and pages",
				Tag: "copyright", Response: typeOf[[]store.CopyRecord](), Query: []queryParam{{"year", "calendar year (required)", "integer"}},
				Handle: func(h *Handler, r *http.Request) (any, error) {
					y, _ := strconv.Atoi(r.URL.Query().Get("year"))
					return h.app.CopyRecords(r.Context(), actorFrom(r.Context()), y)
				}},
		}
	})
}

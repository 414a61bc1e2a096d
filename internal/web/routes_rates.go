package web

import (
	"net/http"
	"strings"

	"interlend/internal/ill"
	"interlend/internal/routing"
)

// The network's exchange rates (routing converts lenders' charges with
// them, at the rate of the day): the stored rates, newest first within
// each pair, and a CSV upload read by the same code as
// `interlend rates import` (a bad line stores nothing). For directory
// administrators, from the directory page.
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /directory/rates", h.requirePerm(ill.PermDirectory, h.ratesPage))
		handle("POST /directory/rates/import", h.requirePerm(ill.PermDirectory, h.ratesImport))
	})
}

// maxRatesUpload bounds an uploaded rates file.
const maxRatesUpload = 1 << 20

type ratesPageData struct {
	Rates []routing.Rate
}

func (h *Handler) ratesPage(w http.ResponseWriter, r *http.Request) error {
	rs, err := h.app.ExchangeRates(r.Context(), actor(r))
	if err != nil {
		return err
	}
	p := h.page(r, "rates.title")
	p.Data = ratesPageData{Rates: rs}
	h.render(w, r, http.StatusOK, "rates", p)
	return nil
}

func (h *Handler) ratesImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxRatesUpload)
	file, _, err := r.FormFile("file")
	if err != nil {
		flash(r, "bad", h.t(r, "rates.import.nofile"))
		http.Redirect(w, r, "/directory/rates", http.StatusSeeOther)
		return nil
	}
	defer file.Close()
	rs, err := h.app.ImportExchangeRates(r.Context(), actor(r), file)
	switch {
	case ill.Is(err, ill.Invalid):
		flash(r, "bad", h.t(r, "rates.import.failed"))
		// The reader's errors name their lines (in English, as the CLI's).
		for i, line := range strings.Split(ill.UserMessage(err), "\n") {
			if i > 0 && i <= 20 && strings.TrimSpace(line) != "" {
				flash(r, "bad", line)
			} else if i == 0 && !strings.HasPrefix(line, "rates: nothing stored") {
				flash(r, "bad", line)
			}
		}
	case err != nil:
		return err
	default:
		flash(r, "ok", h.catalog.Plural(h.locale(r), "rates.import.done", len(rs)))
	}
	http.Redirect(w, r, "/directory/rates", http.StatusSeeOther)
	return nil
}

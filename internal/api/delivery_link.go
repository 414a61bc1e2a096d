package api

import (
	"net/http"
	"time"

	"interlend/internal/app"
)

// DeliveryLinkView is a download link of our own to the file a lender
// delivered for a borrowing request (fetched from the lender's registered
// host into our store): bound to the caller's login, expiring.
type DeliveryLinkView struct {
	URL          string    `json:"url"`
	ExpiresAt    time.Time `json:"expiresAt"`
	MaxDownloads int       `json:"maxDownloads,omitempty"`
}

// The delivered copy of a borrowing request, re-served through our own
// expiring link (the lender never sees who downloads it).
func init() {
	addRoutes(func(h *Handler) []route {
		return []route{
			{Method: "POST", Path: "/api/v1/requests/{id}/delivery-link", Summary: "A download link of our own, bound to the caller and expiring, to the file delivered for a borrowing request (404 until the lender's file has been fetched)",
				Tag: "requests", Created: true, Response: typeOf[DeliveryLinkView](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					l, err := h.app.DeliveryLink(r.Context(), actorFrom(r.Context()), r.PathValue("id"), app.DefaultLinkTTL)
					if err != nil {
						return nil, err
					}
					return DeliveryLinkView{URL: l.URL, ExpiresAt: l.ExpiresAt, MaxDownloads: l.MaxDownloads}, nil
				}},
		}
	})
}

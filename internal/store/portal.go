package store

import "interlend/internal/ill"

// PatronByEmail finds the patron record with an email address (case
// folded; the oldest record when several share it), for single sign-on.
// Returns NotFound.
func (a AgencyData) PatronByEmail(agency ill.AgencyID, email string) (Patron, error) {
	return a.onePatron(agency, "by email", `lower(email) = lower($2) AND email <> '' ORDER BY id LIMIT 1`, email)
}

package ils

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/ncip"
)

// NCIP is the driver that speaks NCIP to the ILS.
type NCIP struct {
	s      Settings
	client *ncip.Client
	clock  ill.Clock
}

var _ Driver = (*NCIP)(nil)

// NewNCIP builds the driver for agency from its settings (whatever their
// Driver says). hc is the HTTP client (nil: http.DefaultClient); clock
// judges expiry dates. Returns a Misconfigured *Error when the settings
// are incomplete (no endpoint, an authentication without its secret).
func NewNCIP(agency ill.AgencyID, s Settings, hc *http.Client, clock ill.Clock) (*NCIP, error) {
	s.Driver = DriverNCIP
	if err := s.Validate(); err != nil {
		return nil, misconfigured(LookupUser, describeInvalid(err), err)
	}
	var auth ncip.Auth
	switch s.Auth {
	case "basic":
		auth = ncip.BasicAuth(s.User, s.Secret)
	case "bearer":
		auth = ncip.BearerAuth(s.Secret)
	case "agency":
		auth = ncip.AgencyAuth(s.Secret)
	}
	version := ncip.V2_02
	if s.Version == "2.0" {
		version = ncip.V2_0
	}
	if clock == nil {
		clock = ill.SystemClock{}
	}
	c := &ncip.Client{
		Endpoint:           strings.TrimSpace(s.Endpoint),
		FromAgency:         or(s.FromAgency, string(agency)),
		ToAgency:           s.ToAgency,
		Auth:               auth,
		ApplicationProfile: s.ApplicationProfile,
		HTTP:               hc,
		Timeout:            s.timeout(),
		Version:            version,
	}
	return &NCIP{s: s, client: c, clock: clock}, nil
}

// Name is "ncip".
func (*NCIP) Name() string { return DriverNCIP }

// Supports reports whether the service is switched on.
func (d *NCIP) Supports(s Service) bool { return d.s.enabled(s) }

// Settings are the driver's settings.
func (d *NCIP) Settings() Settings { return d.s }

func (d *NCIP) check(s Service, required ...string) *Error {
	if !d.s.enabled(s) {
		return notConfigured(s)
	}
	for i := 0; i+1 < len(required); i += 2 {
		if strings.TrimSpace(required[i+1]) == "" {
			return misconfigured(s, "no "+required[i]+" given", nil)
		}
	}
	return nil
}

func (d *NCIP) userID(patron string) *ncip.UserID {
	return &ncip.UserID{Type: ncip.NewUserIdentifierType(or(d.s.UserIDType, ncip.IDTypeBarcode)), Value: strings.TrimSpace(patron)}
}

func (d *NCIP) itemID(id string) *ncip.ItemID {
	return &ncip.ItemID{Type: ncip.NewItemIdentifierType(or(d.s.ItemIDType, ncip.IDTypeBarcode)), Value: strings.TrimSpace(id)}
}

// requestID is Interlend's request id, issued by our agency.
func (d *NCIP) requestID(id string) *ncip.RequestID {
	return ncip.NewRequestID(d.client.FromAgency, strings.TrimSpace(id))
}

func (d *NCIP) pickup(given string) ncip.SchemeValuePair {
	return ncip.Value(or(given, d.s.PickupLocation))
}

// itemElements are what the lending steps ask to know about an item.
var itemElements = ncip.ItemElementTypes(ncip.ItemElementBibliographicDescription, ncip.ItemElementCirculationStatus,
	ncip.ItemElementItemDescription, ncip.ItemElementLocation)

// itemOf reads an item from the fields an ILS returned.
func itemOf(id *ncip.ItemID, f *ncip.ItemOptionalFields) Item {
	it := Item{Title: f.Title(), CallNumber: f.CallNumber(), Location: f.LocationString(), Status: f.Status()}
	if id != nil {
		it.ID = id.Value
	}
	if f != nil {
		if b := f.BibliographicDescription; b != nil {
			it.Author = b.Author
			if b.BibliographicItemID != nil && b.BibliographicItemID.Code.Is(ncip.BibCodeISBN) {
				it.ISBN = b.BibliographicItemID.Identifier
			}
		}
		it.Due = f.DateDue.Time
		if f.HoldQueueLength != nil {
			it.HoldQueue = *f.HoldQueueLength
		}
	}
	it.Available = strings.EqualFold(it.Status, ncip.StatusAvailableOnShelf)
	return it
}

// userOf reads a patron from a LookupUser answer.
func userOf(resp *ncip.LookupUserResponse, asked string, now time.Time) User {
	u := User{ID: asked}
	if resp.UserID != nil && resp.UserID.Value != "" {
		u.ID = resp.UserID.Value
	}
	f := resp.UserOptionalFields
	u.Name, u.Email, u.Category, u.Blocks = f.Name(), f.Email(), f.PatronGroup(), f.Blocks(now)
	if f != nil && len(f.UserPrivilege) > 0 {
		p := f.UserPrivilege[0]
		u.Expires = p.ValidToDate.Time
		// Some responders (FOLIO) say blocked or expired in the privilege
		// status rather than with BlockOrTrap.
		if st := p.UserPrivilegeStatus; st != nil {
			switch {
			case st.Type.Is("Expired"):
				u.Expired = true
			case st.Type.Is("Blocked"), st.Type.Is("Barred"), st.Type.Is("Inactive"):
				if len(u.Blocks) == 0 {
					u.Blocks = []string{st.Type.Value}
				}
			}
		}
	}
	return u
}

// describeInvalid lists the field problems of a settings error.
func describeInvalid(err error) string {
	fields := ill.FieldErrors(err)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + fields[k]
	}
	return "the ILS settings are incomplete (" + strings.Join(parts, "; ") + ")"
}

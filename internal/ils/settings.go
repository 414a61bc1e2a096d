package ils

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/ncip"
)

// SettingKey is the agency setting holding Settings as JSON.
const SettingKey = "ils"

// Driver names.
const (
	DriverNone = "none"
	DriverNCIP = "ncip"
)

// What intake does when LookupUser finds the ILS unavailable (the lead's
// intake reads WhenDown).
const (
	WhenDownLocal  = "local"  // check the local patron record instead (default)
	WhenDownAccept = "accept" // take the request and flag it for staff review
	WhenDownRefuse = "refuse" // ask the patron to try again later
)

// Settings is an agency's ILS configuration: the driver, what intake does
// when the ILS is down, and (used by the ncip driver only) the NCIP
// settings, all at the top level of one JSON object so that the admin
// area shows them as one form.
type Settings struct {
	Driver   string `json:"driver"`
	WhenDown string `json:"whenDown"`
	NCIPSettings
}

// DefaultSettings is the none driver, falling back to local records.
func DefaultSettings() Settings { return Settings{Driver: DriverNone, WhenDown: WhenDownLocal} }

// String describes the settings without the secret.
func (s Settings) String() string {
	if s.Driver != DriverNCIP {
		return "ils(" + s.Driver + ")"
	}
	return fmt.Sprintf("ils(ncip %s to %s, auth %s)", s.Endpoint, s.ToAgency, or(s.Auth, "none"))
}

// GoString is String, so that %#v does not print the secret either.
func (s Settings) GoString() string { return s.String() }

// NCIPSettings configure the ncip driver. docs/ils.md explains each for
// Alma, Koha, FOLIO and Sierra.
type NCIPSettings struct {
	// Endpoint is the responder's URL (https://...); credentials go in
	// Auth, never in the URL.
	Endpoint string `json:"endpoint"`
	// Version is "2.02" (default) or "2.0".
	Version string `json:"version"`
	// FromAgency is Interlend's agency id as the ILS knows it; "" sends
	// the agency's own symbol.
	FromAgency string `json:"fromAgency"`
	// ToAgency is the ILS's agency id (required).
	ToAgency string `json:"toAgency"`
	// ApplicationProfile is sent as ApplicationProfileType when set.
	ApplicationProfile string `json:"applicationProfile"`
	// Auth is none, basic (User and the secret), bearer (the secret as a
	// token) or agency (the secret as FromAgencyAuthentication).
	Auth string `json:"auth"`
	User string `json:"user"`
	// Secret is the password or token for Auth. It is write-only in the
	// admin area and never printed.
	Secret string `json:"secret"`
	// TimeoutSeconds bounds each call; 0 means 20.
	TimeoutSeconds int `json:"timeoutSeconds"`
	// Services lists the services switched on; empty means all.
	Services []Service `json:"services,omitempty"`
	// UserIDType is the UserIdentifierType of patron ids: "Barcode"
	// (default) or what the ILS expects ("Institution Id Number", ...).
	UserIDType string `json:"userIdType"`
	// ItemIDType is the ItemIdentifierType of item ids; "" is "Barcode".
	ItemIDType string `json:"itemIdType"`
	// PickupLocation is the pickup location code sent with AcceptItem and
	// RequestItem when the request gives none.
	PickupLocation string `json:"pickupLocation"`
	// ItemLocation, if set, is the location code given to temporary items.
	ItemLocation string `json:"itemLocation"`
	// AcceptAction is AcceptItem's RequestedActionType; "" is "Hold For
	// Pickup And Notify".
	AcceptAction string `json:"acceptAction"`
	// RequestType is RequestItem's and CancelRequestItem's RequestType;
	// "" is "Loan" (some ILSs want "Page" or "Hold").
	RequestType string `json:"requestType"`
	// RequestScope is RequestItem's RequestScopeType; "" is "Item" for a
	// request naming a copy and "Bibliographic Item" otherwise.
	RequestScope string `json:"requestScope"`
	// InstitutionalUser is the patron id of a borrowing library's account
	// in this ILS (lending side: RequestItem, CheckOutItem); "{agency}"
	// stands for the borrower's symbol. "" is "{agency}".
	InstitutionalUser string `json:"institutionalUser"`
	// InstitutionalUsers name the account of particular borrowing
	// libraries (an ILS whose accounts have numeric barcodes); they win
	// over InstitutionalUser.
	InstitutionalUsers []InstitutionalUser `json:"institutionalUsers,omitempty"`
}

// InstitutionalUser is the ILS account of one borrowing library.
type InstitutionalUser struct {
	Agency string `json:"agency"` // the library's symbol, e.g. US-EXB
	Patron string `json:"patron"` // its patron id in this ILS
}

// Defaults used when a setting is empty.
const (
	DefaultTimeout      = 20 * time.Second
	DefaultAcceptAction = ncip.ActionHoldForPickupAndNotify
	DefaultRequestType  = ncip.RequestTypeLoan
)

// ParseSettings reads Settings from JSON over the defaults and validates
// them. An empty value is the defaults. Returns Invalid.
func ParseSettings(data []byte) (Settings, error) {
	s := DefaultSettings()
	if strings.TrimSpace(string(data)) == "" {
		return s, nil
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Settings{}, ill.E(ill.Invalid, "the ILS settings are not valid JSON: "+err.Error())
	}
	if s.Driver == "" {
		s.Driver = DriverNone
	}
	return s, s.Validate()
}

// JSON is the stored form.
func (s Settings) JSON() string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// NeedsSecret reports whether the settings authenticate with a secret.
func (s Settings) NeedsSecret() bool {
	return s.Driver == DriverNCIP && s.Auth != "" && s.Auth != "none"
}

// Validate checks the settings. Returns Invalid with a field per problem.
func (s Settings) Validate() error {
	f := map[string]string{}
	switch s.Driver {
	case DriverNone, "":
	case DriverNCIP:
		s.NCIPSettings.validate(f)
		if s.NeedsSecret() && s.Secret == "" {
			f["secret"] = "this authentication needs a password or token"
		}
	default:
		f["driver"] = fmt.Sprintf("%q is not a driver: use none or ncip", s.Driver)
	}
	switch s.WhenDown {
	case "", WhenDownLocal, WhenDownAccept, WhenDownRefuse:
	default:
		f["whenDown"] = "use local, accept or refuse"
	}
	if len(f) > 0 {
		return ill.E(ill.Invalid, "the ILS settings need correcting", f)
	}
	return nil
}

func (n *NCIPSettings) validate(f map[string]string) {
	u, err := url.Parse(strings.TrimSpace(n.Endpoint))
	switch {
	case n.Endpoint == "":
		f["endpoint"] = "give the NCIP responder's URL"
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		f["endpoint"] = "give an http:// or https:// URL"
	case u.User != nil:
		f["endpoint"] = "put credentials in auth and user, not in the URL"
	}
	switch n.Version {
	case "", "2.02", "2.0":
	default:
		f["version"] = "use 2.02 or 2.0"
	}
	if strings.TrimSpace(n.ToAgency) == "" {
		f["toAgency"] = "give the ILS's agency id"
	}
	switch n.Auth {
	case "", "none", "bearer", "agency":
	case "basic":
		if n.User == "" {
			f["user"] = "basic authentication needs a user"
		}
	default:
		f["auth"] = "use none, basic, bearer or agency"
	}
	if n.TimeoutSeconds < 0 || n.TimeoutSeconds > 300 {
		f["timeoutSeconds"] = "give 1 to 300 seconds (0 for the default)"
	}
	for _, sv := range n.Services {
		if !slices.Contains(Services, sv) {
			f["services"] = fmt.Sprintf("%q is not a service; use %s", sv, serviceList())
		}
	}
	switch n.RequestScope {
	case "", ncip.ScopeItem, ncip.ScopeBibliographicItem:
	default:
		f["requestScope"] = "use Item or Bibliographic Item"
	}
	for i, u := range n.InstitutionalUsers {
		if strings.TrimSpace(u.Agency) == "" || strings.TrimSpace(u.Patron) == "" {
			f[fmt.Sprintf("institutionalUsers.%d.agency", i)] = "give the library's symbol and its patron id"
		}
	}
	if n.AcceptAction != "" && !slices.Contains([]string{ncip.ActionCirculate, ncip.ActionCirculateAndNotify, ncip.ActionHoldForPickup, ncip.ActionHoldForPickupAndNotify}, n.AcceptAction) {
		f["acceptAction"] = "use Hold For Pickup And Notify, Hold For Pickup, Circulate And Notify or Circulate"
	}
}

func serviceList() string {
	var names []string
	for _, s := range Services {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

// enabled reports whether service s is switched on.
func (n *NCIPSettings) enabled(s Service) bool {
	return len(n.Services) == 0 || slices.Contains(n.Services, s)
}

func (n *NCIPSettings) timeout() time.Duration {
	if n.TimeoutSeconds > 0 {
		return time.Duration(n.TimeoutSeconds) * time.Second
	}
	return DefaultTimeout
}

// InstitutionalUserFor is the patron id of the borrowing library's
// account in this ILS.
func (n NCIPSettings) InstitutionalUserFor(borrower ill.AgencyID) string {
	for _, u := range n.InstitutionalUsers {
		if strings.EqualFold(strings.TrimSpace(u.Agency), string(borrower)) && strings.TrimSpace(u.Patron) != "" {
			return strings.TrimSpace(u.Patron)
		}
	}
	pattern := n.InstitutionalUser
	if pattern == "" {
		pattern = "{agency}"
	}
	return strings.ReplaceAll(pattern, "{agency}", string(borrower))
}

func or(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

package app

import (
	"context"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// ILSSetting is the agency's ILS settings group (admin area: "Library
// system (ILS)"). Changing it needs settings.manage; the secret is
// write-only there and masked in the settings history.
var ILSSetting = settings.Register(settings.Spec[ils.Settings]{
	Key: ils.SettingKey, Title: "patrons.ils.title", Help: "patrons.ils.help", Order: 35,
	Defaults: ils.DefaultSettings,
	Validate: func(s ils.Settings) settings.Errors { return settingErrors(s.Validate()) },
	Fields: []settings.Field{
		{Name: "driver", Kind: settings.Select, Label: "patrons.ils.driver", Help: "patrons.ils.driverhelp", Options: []settings.Option{
			{Value: ils.DriverNone, Label: "patrons.ils.driver.none"}, {Value: ils.DriverNCIP, Label: "patrons.ils.driver.ncip"}}},
		{Name: "whenDown", Kind: settings.Select, Label: "patrons.ils.whendown", Help: "patrons.ils.whendownhelp", Options: []settings.Option{
			{Value: ils.WhenDownLocal, Label: "patrons.ils.whendown.local"}, {Value: ils.WhenDownAccept, Label: "patrons.ils.whendown.accept"},
			{Value: ils.WhenDownRefuse, Label: "patrons.ils.whendown.refuse"}}},
		{Name: "endpoint", Kind: settings.URL, Label: "patrons.ils.endpoint", Help: "patrons.ils.endpointhelp"},
		{Name: "version", Kind: settings.Select, Label: "patrons.ils.version", Options: []settings.Option{
			{Value: "", Label: "patrons.ils.version.default"}, {Value: "2.02", Label: "patrons.ils.version.202"}, {Value: "2.0", Label: "patrons.ils.version.20"}}},
		{Name: "toAgency", Kind: settings.Text, Label: "patrons.ils.toagency", Help: "patrons.ils.toagencyhelp"},
		{Name: "fromAgency", Kind: settings.Text, Label: "patrons.ils.fromagency", Help: "patrons.ils.fromagencyhelp"},
		{Name: "applicationProfile", Kind: settings.Text, Label: "patrons.ils.profile", Help: "patrons.ils.profilehelp"},
		{Name: "auth", Kind: settings.Select, Label: "patrons.ils.auth", Options: []settings.Option{
			{Value: "", Label: "patrons.ils.auth.none"}, {Value: "basic", Label: "patrons.ils.auth.basic"},
			{Value: "bearer", Label: "patrons.ils.auth.bearer"}, {Value: "agency", Label: "patrons.ils.auth.agency"}}},
		{Name: "user", Kind: settings.Text, Label: "patrons.ils.user"},
		{Name: "secret", Kind: settings.Secret, Label: "patrons.ils.secret", Help: "patrons.ils.secrethelp"},
		{Name: "timeoutSeconds", Kind: settings.Number, Label: "patrons.ils.timeout", Help: "patrons.ils.timeouthelp", Min: 0, Max: 300},
		{Name: "services", Kind: settings.List, Label: "patrons.ils.services", Help: "patrons.ils.serviceshelp"},
		{Name: "userIdType", Kind: settings.Text, Label: "patrons.ils.useridtype", Help: "patrons.ils.useridtypehelp"},
		{Name: "itemIdType", Kind: settings.Text, Label: "patrons.ils.itemidtype", Help: "patrons.ils.itemidtypehelp"},
		{Name: "pickupLocation", Kind: settings.Text, Label: "patrons.ils.pickup", Help: "patrons.ils.pickuphelp"},
		{Name: "itemLocation", Kind: settings.Text, Label: "patrons.ils.itemlocation", Help: "patrons.ils.itemlocationhelp"},
		{Name: "acceptAction", Kind: settings.Select, Label: "patrons.ils.acceptaction", Options: []settings.Option{
			{Value: "", Label: "patrons.ils.acceptaction.default"}, {Value: "Hold For Pickup And Notify", Label: "patrons.ils.acceptaction.holdnotify"},
			{Value: "Hold For Pickup", Label: "patrons.ils.acceptaction.hold"}, {Value: "Circulate And Notify", Label: "patrons.ils.acceptaction.circnotify"},
			{Value: "Circulate", Label: "patrons.ils.acceptaction.circ"}}},
		{Name: "requestType", Kind: settings.Text, Label: "patrons.ils.requesttype", Help: "patrons.ils.requesttypehelp"},
		{Name: "requestScope", Kind: settings.Select, Label: "patrons.ils.requestscope", Options: []settings.Option{
			{Value: "", Label: "patrons.ils.requestscope.default"}, {Value: "Item", Label: "patrons.ils.requestscope.item"},
			{Value: "Bibliographic Item", Label: "patrons.ils.requestscope.title"}}},
		{Name: "institutionalUser", Kind: settings.Text, Label: "patrons.ils.institutional", Help: "patrons.ils.institutionalhelp"},
		{Name: "institutionalUsers", Kind: settings.Records, Label: "patrons.ils.institutionals", Help: "patrons.ils.institutionalshelp", Columns: []settings.Field{
			{Name: "agency", Kind: settings.Text, Label: "patrons.ils.institutionals.agency", Required: true},
			{Name: "patron", Kind: settings.Text, Label: "patrons.ils.institutionals.patron", Required: true},
		}},
	},
})

// settingErrors turns a domain validation error (English field messages)
// into the settings registry's form errors.
func settingErrors(err error) settings.Errors {
	if err == nil {
		return nil
	}
	out := settings.Errors{}
	for k, msg := range ill.FieldErrors(err) {
		out[k] = settings.M("patrons.settings.problem", msg)
	}
	if len(out) == 0 {
		out[""] = settings.M("patrons.settings.problem", ill.UserMessage(err))
	}
	return out
}

// ILSSettings reads the agency's ILS settings, with the secret blanked
// (SecretSet tells whether one is stored). Returns Forbidden
// (settings.manage).
func (a *App) ILSSettings(ctx context.Context, actor ill.Actor, agency ill.AgencyID) (s ils.Settings, secretSet bool, err error) {
	if err := requireAgency(actor, agency, ill.PermSettings); err != nil {
		return s, false, err
	}
	s, err = ILSSetting.Get(ctx, a.DB, agency)
	secretSet, s.Secret = s.Secret != "", ""
	return s, secretSet, err
}

// SetILSSettings validates and stores the agency's ILS settings; an empty
// Secret keeps the stored one. Returns Invalid or Forbidden
// (settings.manage).
func (a *App) SetILSSettings(ctx context.Context, actor ill.Actor, agency ill.AgencyID, s ils.Settings) error {
	if err := requireAgency(actor, agency, ill.PermSettings); err != nil {
		return err
	}
	if s.Secret == "" {
		cur, err := ILSSetting.Get(ctx, a.DB, agency)
		if err != nil {
			return err
		}
		s.Secret = cur.Secret
	}
	if s.Driver == "" {
		s.Driver = ils.DriverNone
	}
	return a.PutSetting(ctx, actor, agency, ils.SettingKey, s)
}

// ILSFor returns the agency's ILS driver: the none driver, backed by the
// agency's patron records, unless NCIP is configured. Jobs call it for
// every step (settings changes apply at once). The error is an *ils.Error
// of class Misconfigured when the NCIP settings are incomplete, or a
// database error.
func (a *App) ILSFor(ctx context.Context, agency ill.AgencyID) (ils.Driver, error) {
	s, err := ILSSetting.Get(ctx, a.DB, agency)
	if err != nil {
		return nil, err
	}
	if s.Driver != ils.DriverNCIP {
		return &ils.None{Patrons: patronSource{a: a, agency: agency}, Clock: a.Clock}, nil
	}
	d, err := ils.NewNCIP(agency, s, a.HTTP, a.Clock)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// ILSWhenDown is what intake does when the ILS cannot answer LookupUser
// (ils.WhenDownLocal, WhenDownAccept or WhenDownRefuse).
func (a *App) ILSWhenDown(tx *store.Tx, agency ill.AgencyID) (string, error) {
	s, err := ILSSetting.GetTx(tx, agency)
	if err != nil || s.WhenDown == "" {
		return ils.WhenDownLocal, err
	}
	return s.WhenDown, nil
}

// patronSource gives the none driver the agency's patron records.
type patronSource struct {
	a      *App
	agency ill.AgencyID
}

func (s patronSource) FindPatron(ctx context.Context, ident string) (ils.User, error) {
	var p store.Patron
	err := s.a.read(ctx, func(tx *store.Tx) error {
		var err error
		p, err = tx.Agency().FindPatron(s.agency, ident)
		return err
	})
	if err != nil {
		return ils.User{}, err
	}
	u := ils.User{ID: p.Barcode, Name: p.Name, Email: p.Email, Category: p.Category, Expires: p.Expires}
	for _, b := range p.Blocks {
		u.Blocks = append(u.Blocks, b.Reason)
	}
	return u, nil
}

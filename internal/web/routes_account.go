package web

import (
	"bytes"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"time"

	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/server"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
)

// One's own account: profile, password, second factor, API tokens.
func init() {
	addNav(navEntry{order: 90, key: "nav.account", href: "/account"})
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /account", h.requireLogin(h.accountPage))
		handle("POST /account/password", h.requireLogin(h.accountPassword))
		handle("GET /account/totp", h.requireLogin(h.accountTOTP))
		handle("POST /account/totp", h.requireLogin(h.accountTOTPConfirm))
		handle("POST /account/totp/off", h.requireLogin(h.accountTOTPOff))
		handle("GET /account/totp/qr.png", h.requireLogin(h.accountTOTPQR))
		handle("GET /account/tokens", h.requirePerm(ill.PermAPITokens, h.accountTokens))
		handle("POST /account/tokens", h.requirePerm(ill.PermAPITokens, h.accountTokenCreate))
		handle("POST /account/tokens/{id}/revoke", h.requirePerm(ill.PermAPITokens, h.accountTokenRevoke))
	})
}

type accountData struct {
	Name, Email  string
	Roles        []string // "Role · Library"
	Staff        bool
	SecondFactor bool
	Tokens       bool
	Errors       map[string]string
	MinPassword  int
}

func (h *Handler) accountData(p *Page, r *http.Request) accountData {
	s := sessionFrom(r.Context())
	u := s.user
	d := accountData{Name: u.Name, Email: u.Email, SecondFactor: u.TOTPSecret != "", Tokens: actor(r).Can(ill.PermAPITokens),
		MinPassword: auth.MinPasswordLength}
	names := map[ill.AgencyID]string{}
	for _, a := range s.agencies {
		names[a.ID] = a.Name
	}
	for _, g := range u.Grants {
		role := p.T("role." + string(g.Role))
		if g.Agency != "" {
			role = p.T("platform.account.rolein", role, names[g.Agency])
		}
		d.Roles = append(d.Roles, role)
		d.Staff = d.Staff || g.Role.IsStaff()
	}
	return d
}

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.account.title")
	p.Data = h.accountData(p, r)
	h.render(w, r, http.StatusOK, "account_index", p)
	return nil
}

func (h *Handler) accountPassword(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.account.title")
	s := sessionFrom(r.Context())
	current, pw := r.PostFormValue("current"), r.PostFormValue("password")
	var err error
	if pw != r.PostFormValue("confirm") {
		err = ill.E(ill.Invalid, "the passwords differ", map[string]string{"confirm": "differs"})
	} else {
		err = h.app.ChangeOwnPassword(r.Context(), actor(r), current, pw, auth.HashToken(s.token))
	}
	if err != nil {
		if !ill.Is(err, ill.Invalid) {
			return err
		}
		d := h.accountData(p, r)
		d.Errors = linkErrors(p, err)
		p.Data = d
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: p.T("platform.account.password.notchanged")})
		h.render(w, r, http.StatusBadRequest, "account_index", p)
		return nil
	}
	flash(r, "ok", p.T("platform.account.password.changed"))
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

type totpData struct {
	On     bool
	Secret string // grouped in fours for typing
	Error  string
}

func (h *Handler) accountTOTP(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.totp.title")
	return h.showTOTP(w, r, p, http.StatusOK, "")
}

func (h *Handler) showTOTP(w http.ResponseWriter, r *http.Request, p *Page, status int, problem string) error {
	d := totpData{On: sessionFrom(r.Context()).user.TOTPSecret != "", Error: problem}
	if !d.On {
		setup, err := h.app.BeginTOTP(r.Context(), actor(r))
		if err != nil {
			return err
		}
		d.Secret = groupsOf(setup.Secret, 4)
	}
	p.Data = d
	h.render(w, r, status, "account_totp", p)
	return nil
}

// groupsOf splits s into space-separated groups of n characters.
func groupsOf(s string, n int) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%n == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (h *Handler) accountTOTPConfirm(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.totp.title")
	if err := h.app.ConfirmTOTP(r.Context(), actor(r), r.PostFormValue("code")); err != nil {
		if ill.Is(err, ill.Invalid) {
			return h.showTOTP(w, r, p, http.StatusBadRequest, p.T("platform.err.code"))
		}
		return err
	}
	flash(r, "ok", p.T("platform.totp.on"))
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

func (h *Handler) accountTOTPOff(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.totp.title")
	if err := h.app.DisableTOTP(r.Context(), actor(r), r.PostFormValue("code")); err != nil {
		if ill.Is(err, ill.Invalid) {
			return h.showTOTP(w, r, p, http.StatusBadRequest, p.T("platform.err.code"))
		}
		return err
	}
	flash(r, "ok", p.T("platform.totp.off"))
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

// accountTOTPQR draws the pending set-up's otpauth URL as a QR code.
func (h *Handler) accountTOTPQR(w http.ResponseWriter, r *http.Request) error {
	setup, err := h.app.PendingTOTP(r.Context(), actor(r))
	if err != nil {
		return err
	}
	code, err := qr.Encode(setup.URL, qr.M, qr.Auto)
	if err != nil {
		return err
	}
	scaled, err := barcode.Scale(code, 240, 240)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, scaled); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
	return nil
}

type tokenRow struct {
	ID                         int64
	Name, Role, Prefix         string
	Created, Expires, LastUsed string
	Status, StatusCSS          string
	Live                       bool
}

type tokensData struct {
	Tokens  []tokenRow
	Roles   []roleChoice
	New     string // the secret just made, shown once
	NewName string
	Errors  map[string]string
	Form    struct{ Name, Days string }
}

func (h *Handler) tokensData(p *Page, r *http.Request) (tokensData, error) {
	var d tokensData
	d.Form.Days = "90"
	tks, err := h.app.APITokens(r.Context(), actor(r))
	if err != nil {
		return d, err
	}
	now := h.app.Clock.Now()
	for _, tk := range tks {
		row := tokenRow{ID: tk.ID, Name: tk.Name, Role: p.T("role." + string(tk.Role)), Prefix: tk.Prefix,
			Created: p.DateTime(tk.CreatedAt), Expires: p.DateTime(tk.ExpiresAt), LastUsed: p.DateTime(tk.LastUsedAt)}
		switch {
		case !tk.RevokedAt.IsZero():
			row.Status, row.StatusCSS = p.T("platform.tokens.revoked"), "neutral"
		case !tk.ExpiresAt.After(now):
			row.Status, row.StatusCSS = p.T("platform.tokens.expired"), "neutral"
		default:
			row.Status, row.StatusCSS, row.Live = p.T("platform.tokens.live"), "ok", true
		}
		d.Tokens = append(d.Tokens, row)
	}
	for _, role := range actor(r).Grants.RolesIn(p.Agency) {
		if role != ill.RoleOperator {
			d.Roles = append(d.Roles, roleChoice{Value: string(role), Label: p.T("role." + string(role))})
		}
	}
	return d, nil
}

func (h *Handler) accountTokens(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.tokens.title")
	d, err := h.tokensData(p, r)
	if err != nil {
		return err
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "account_tokens", p)
	return nil
}

// accountTokenCreate makes a token and shows its secret once, on the
// response to the POST itself (never stored, never in a redirect).
func (h *Handler) accountTokenCreate(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.tokens.title")
	name := r.PostFormValue("name")
	days, derr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	ttl := time.Duration(days) * 24 * time.Hour
	if derr != nil {
		ttl = 0
	}
	secret, _, err := h.app.CreateAPIToken(r.Context(), actor(r), name, ill.Role(r.PostFormValue("role")), ttl)
	d, lerr := h.tokensData(p, r)
	if lerr != nil {
		return lerr
	}
	status := http.StatusOK
	if err != nil {
		if !ill.Is(err, ill.Invalid) && !ill.Is(err, ill.Forbidden) {
			return err
		}
		status = server.StatusFor(err)
		d.Errors = formErrors(p, err)
		d.Form.Name, d.Form.Days = name, r.PostFormValue("days")
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: problem(p, err)})
	} else {
		d.New, d.NewName = secret, strings.TrimSpace(name)
	}
	p.Data = d
	h.render(w, r, status, "account_tokens", p)
	return nil
}

func (h *Handler) accountTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.app.RevokeAPIToken(r.Context(), actor(r), id); err != nil {
		return err
	}
	flash(r, "ok", h.t(r, "platform.tokens.revokedflash"))
	http.Redirect(w, r, "/account/tokens", http.StatusSeeOther)
	return nil
}

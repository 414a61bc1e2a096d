package web

import (
	"net/http"
	"strconv"
	"strings"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Staff accounts of the agency: invite, roles, disable, password reset
// links, second factor resets.
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /admin/staff", h.requirePerm(ill.PermUsers, h.staffList))
		handle("GET /admin/staff/invite", h.requirePerm(ill.PermUsers, h.staffInviteForm))
		handle("POST /admin/staff/invite", h.requirePerm(ill.PermUsers, h.staffInvite))
		handle("GET /admin/staff/{id}", h.requirePerm(ill.PermUsers, h.staffMember))
		handle("POST /admin/staff/{id}/{action}", h.requirePerm(ill.PermUsers, h.staffAction))
	})
}

// staffRow is one person in the staff list.
type staffRow struct {
	ID                int64
	Name, Email       string
	Roles             []string
	Status, StatusCSS string
	SecondFactor      bool
	LastLogin         string
}

type staffListData struct {
	Nav         []subNav
	NoAgency    bool
	Staff       []staffRow
	Invitations []invitationRow
}

type invitationRow struct {
	UserID                    int64
	Email, Name, Sent, Expire string
}

func roleNames(p *Page, gs ill.Grants, agency ill.AgencyID) []string {
	var out []string
	for _, g := range gs {
		if g.Agency == agency {
			out = append(out, p.T("role."+string(g.Role)))
		}
	}
	return out
}

func accountStatus(p *Page, u store.User) (text, css string) {
	switch {
	case u.Disabled:
		return p.T("platform.staff.status.disabled"), "bad"
	case u.PasswordHash == "":
		return p.T("platform.staff.status.invited"), "warn"
	}
	return p.T("platform.staff.status.active"), "ok"
}

func (h *Handler) staffList(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.staff.title")
	d := staffListData{Nav: adminNav(r)}
	if p.Agency == "" {
		d.NoAgency = true
		p.Data = d
		h.render(w, r, http.StatusOK, "admin_staff", p)
		return nil
	}
	us, ins, err := h.app.Staff(r.Context(), actor(r), p.Agency)
	if err != nil {
		return err
	}
	for _, u := range us {
		row := staffRow{ID: u.ID, Name: u.Name, Email: u.Email, Roles: roleNames(p, u.Grants, p.Agency), SecondFactor: u.TOTPSecret != ""}
		row.Status, row.StatusCSS = accountStatus(p, u)
		if !u.LastLoginAt.IsZero() {
			row.LastLogin = p.DateTime(u.LastLoginAt)
		}
		d.Staff = append(d.Staff, row)
	}
	for _, in := range ins {
		d.Invitations = append(d.Invitations, invitationRow{UserID: in.UserID, Email: in.Email, Name: in.Name,
			Sent: p.DateTime(in.CreatedAt), Expire: p.DateTime(in.ExpiresAt)})
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "admin_staff", p)
	return nil
}

type roleChoice struct {
	Value, Label string
	Checked      bool
}

type inviteData struct {
	Nav         []subNav
	Email, Name string
	Roles       []roleChoice
	Errors      map[string]string
}

func (h *Handler) inviteChoices(p *Page, r *http.Request, checked []string) []roleChoice {
	var out []roleChoice
	for _, role := range app.GrantableRoles(actor(r), p.Agency) {
		if role == ill.RolePatron {
			continue
		}
		c := roleChoice{Value: string(role), Label: p.T("role." + string(role))}
		for _, v := range checked {
			c.Checked = c.Checked || v == string(role)
		}
		out = append(out, c)
	}
	return out
}

func (h *Handler) staffInviteForm(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.staff.invite.title")
	if p.Agency == "" {
		http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
		return nil
	}
	p.Data = inviteData{Nav: adminNav(r), Roles: h.inviteChoices(p, r, nil)}
	h.render(w, r, http.StatusOK, "admin_staff_invite", p)
	return nil
}

func (h *Handler) staffInvite(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.staff.invite.title")
	if p.Agency == "" {
		return ill.E(ill.Forbidden)
	}
	if err := r.ParseForm(); err != nil {
		return ill.E(ill.Invalid, "the form could not be read", err)
	}
	in := app.Invite{Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name")}
	for _, v := range r.PostForm["role"] {
		in.Roles = append(in.Roles, ill.Role(v))
	}
	inv, err := h.app.InviteStaff(r.Context(), actor(r), p.Agency, in)
	if err != nil {
		if !ill.Is(err, ill.Invalid) && !ill.Is(err, ill.Conflict) && !ill.Is(err, ill.Forbidden) {
			return err
		}
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: problem(p, err)})
		p.Data = inviteData{Nav: adminNav(r), Email: in.Email, Name: in.Name, Roles: h.inviteChoices(p, r, r.PostForm["role"]), Errors: formErrors(p, err)}
		h.render(w, r, http.StatusBadRequest, "admin_staff_invite", p)
		return nil
	}
	if inv.Existing {
		flash(r, "ok", p.T("platform.staff.invite.granted", inv.User.Email))
	} else {
		flash(r, "ok", p.T("platform.staff.invite.sent", inv.User.Email))
	}
	http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
	return nil
}

type memberData struct {
	Nav          []subNav
	ID           int64
	Name, Email  string
	Status, CSS  string
	Disabled     bool
	Invited      bool
	Self         bool
	SecondFactor bool
	LastLogin    string
	Roles        []roleChoice // held here (Value: role)
	Grantable    []roleChoice // not yet held
	StaffChanges []staffChange
}

// staffChange is one account change in the audit trail.
type staffChange struct {
	When, Who, Action, Target, Detail string
}

func staffChanges(p *Page, es []store.AuditEntry) []staffChange {
	out := make([]staffChange, 0, len(es))
	for _, e := range es {
		c := staffChange{When: p.DateTime(e.At), Who: who(p, e.ActorName, e.ActorEmail), Target: e.Target,
			Action: p.T("platform.audit.action." + e.Action), Detail: strings.TrimSpace(e.Before + " " + e.After)}
		out = append(out, c)
	}
	return out
}

func (h *Handler) staffMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := h.page(r, "platform.staff.title")
	if p.Agency == "" {
		http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
		return nil
	}
	u, err := h.app.StaffMember(r.Context(), actor(r), p.Agency, id)
	if err != nil {
		return plain(err)
	}
	p.Title = u.Email
	if u.Name != "" {
		p.Title = u.Name
	}
	d := memberData{Nav: adminNav(r), ID: u.ID, Name: u.Name, Email: u.Email, Disabled: u.Disabled,
		Invited: u.PasswordHash == "" && !u.Disabled, Self: u.ID == actor(r).UserID, SecondFactor: u.TOTPSecret != ""}
	d.Status, d.CSS = accountStatus(p, u)
	if !u.LastLoginAt.IsZero() {
		d.LastLogin = p.DateTime(u.LastLoginAt)
	}
	held := map[ill.Role]bool{}
	for _, g := range u.Grants {
		if g.Agency == p.Agency {
			held[g.Role] = true
			d.Roles = append(d.Roles, roleChoice{Value: string(g.Role), Label: p.T("role." + string(g.Role))})
		}
	}
	for _, role := range app.GrantableRoles(actor(r), p.Agency) {
		if !held[role] {
			d.Grantable = append(d.Grantable, roleChoice{Value: string(role), Label: p.T("role." + string(role))})
		}
	}
	es, err := h.app.StaffAudit(r.Context(), actor(r), p.Agency, 500)
	if err != nil {
		return err
	}
	var mine []store.AuditEntry
	for _, e := range es {
		if e.Target == u.Email {
			mine = append(mine, e)
		}
	}
	d.StaffChanges = staffChanges(p, mine)
	p.Data = d
	h.render(w, r, http.StatusOK, "admin_staff_member", p)
	return nil
}

// staffAction runs one of the buttons of a staff member's page, then
// shows the page again with what happened.
func (h *Handler) staffAction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := h.page(r, "platform.staff.title")
	if p.Agency == "" {
		return ill.E(ill.Forbidden)
	}
	ctx, a, ag := r.Context(), actor(r), p.Agency
	role := ill.Role(r.PostFormValue("role"))
	var ok string
	switch r.PathValue("action") {
	case "grant":
		err, ok = h.app.GrantStaffRole(ctx, a, ag, id, role), p.T("platform.staff.granted", p.T("role."+string(role)))
	case "revoke":
		err, ok = h.app.RevokeStaffRole(ctx, a, ag, id, role), p.T("platform.staff.revoked", p.T("role."+string(role)))
	case "disable":
		err, ok = h.app.SetStaffDisabled(ctx, a, ag, id, true), p.T("platform.staff.disabled")
	case "enable":
		err, ok = h.app.SetStaffDisabled(ctx, a, ag, id, false), p.T("platform.staff.enabled")
	case "reset":
		_, err = h.app.SendPasswordReset(ctx, a, ag, id)
		ok = p.T("platform.staff.resetsent")
	case "totp-reset":
		err, ok = h.app.ResetSecondFactor(ctx, a, ag, id), p.T("platform.staff.totpreset")
	case "resend":
		_, err = h.app.ResendInvitation(ctx, a, ag, id)
		ok = p.T("platform.staff.resent")
	default:
		return ill.E(ill.NotFound)
	}
	if err != nil {
		if ill.Is(err, ill.NotFound) || ill.Is(err, ill.Internal) || ill.Is(err, ill.Unavailable) {
			return plain(err)
		}
		flash(r, "bad", problem(p, err))
	} else {
		flash(r, "ok", ok)
	}
	back := "/admin/staff/" + strconv.FormatInt(id, 10)
	if r.PostFormValue("back") == "list" {
		back = "/admin/staff"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

package demo

import (
	"context"
	"fmt"
	"strings"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// The demo consortium. US-EXSUP and US-EXREQ are the agencies of the
// shared ISO 18626 example messages: the demo hosts US-EXSUP (so the
// examples can be sent to it with curl) and knows US-EXREQ as a partner.
var hosted = []struct {
	id   ill.AgencyID
	name string
	slug string
}{
	{"US-EXSUP", "Example State University Library", "exsup"},
	{"US-EXCOL", "Example College Library", "excol"},
	{"US-EXPUB", "Example City Public Library", "expub"},
}

func init() {
	register(Step{Order: 10, Name: "agencies and accounts", Run: seedAccounts})
}

func seedAccounts(ctx context.Context, a *app.App, w *World) error {
	sys := ill.SystemActor()
	for _, h := range hosted {
		if err := a.CreateAgency(ctx, sys, h.id, h.name); err != nil {
			return err
		}
		w.Agencies = append(w.Agencies, h.id)
	}
	add := func(email, name string, gs ill.Grants) error {
		_, err := a.CreateUser(ctx, sys, app.NewUser{Email: email, Name: name, Password: Password, Grants: gs})
		if err != nil {
			return err
		}
		for _, g := range gs {
			w.Logins = append(w.Logins, Login{Email: email, Role: g.Role, Agency: g.Agency})
			break // print each account once, with its first role
		}
		return nil
	}
	if err := add("operator@demo.example", "Olga Operator", ill.Grants{{Role: ill.RoleOperator}}); err != nil {
		return err
	}
	var adminGrants ill.Grants
	for _, h := range hosted {
		adminGrants = append(adminGrants, ill.Grant{Agency: h.id, Role: ill.RoleConsortiumAdmin})
	}
	if err := add("admin@demo.example", "Chris Consortium", adminGrants); err != nil {
		return err
	}
	people := map[ill.Role]string{
		ill.RoleManager: "Morgan", ill.RoleBorrowing: "Bea", ill.RoleLending: "Lee",
		ill.RoleStudent: "Sam", ill.RoleReadOnly: "Rory", ill.RolePatron: "Pat",
	}
	surname := map[ill.Role]string{
		ill.RoleManager: "Manager", ill.RoleBorrowing: "Borrower", ill.RoleLending: "Lender",
		ill.RoleStudent: "Student", ill.RoleReadOnly: "Reader", ill.RolePatron: "Patron",
	}
	for _, h := range hosted {
		for _, r := range []ill.Role{ill.RoleManager, ill.RoleBorrowing, ill.RoleLending, ill.RoleStudent, ill.RoleReadOnly, ill.RolePatron} {
			email := fmt.Sprintf("%s@%s.example", strings.ReplaceAll(string(r), "_", "-"), h.slug)
			if err := add(email, people[r]+" "+surname[r], ill.Grants{{Agency: h.id, Role: r}}); err != nil {
				return err
			}
		}
	}
	return nil
}

package cli

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// withApp loads the configuration, opens the app and runs fn.
func withApp(e env, p parsed, fn func(a *app.App) error) error {
	cfg, err := loadConfig(e, p)
	if err != nil {
		return err
	}
	a, err := openApp(e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

// password reads a password from --password, --password-file or stdin.
func password(e env, p parsed) (string, error) {
	if v := p.flag("password"); v != "" {
		return v, nil
	}
	if f := p.flag("password-file"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	if p.boolFlag("password-stdin") {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("no password on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	return "", nil
}

var passwordFlags = []flagSpec{
	{name: "password", usage: "the password (visible in the process list: prefer --password-file or --password-stdin)"},
	{name: "password-file", usage: "read the password from this file"},
	{name: "password-stdin", boolean: true, usage: "read the password from standard input"},
}

func userCommand() *command {
	sys := ill.SystemActor()
	return &command{name: "user", usage: "manage accounts", sub: []*command{
		{name: "add", args: "EMAIL", usage: "create an account", config: true,
			flags: append([]flagSpec{{name: "name", usage: "display name"}, {name: "role", usage: "role to grant: " + roleList()}, {name: "agency", usage: "agency the role is in"}}, passwordFlags...),
			run: func(e env, p parsed) error {
				if len(p.args) != 1 {
					return usageError("user add needs one EMAIL")
				}
				pw, err := password(e, p)
				if err != nil {
					return err
				}
				var gs ill.Grants
				if r := p.flag("role"); r != "" {
					gs = ill.Grants{{Role: ill.Role(r), Agency: ill.AgencyID(p.flag("agency"))}}
				}
				return withApp(e, p, func(a *app.App) error {
					u, err := a.CreateUser(e.ctx, sys, app.NewUser{Email: p.args[0], Name: p.flag("name"), Password: pw, Grants: gs})
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "created user %d %s\n", u.ID, u.Email)
					return nil
				})
			}},
		{name: "list", usage: "list accounts", config: true, flags: []flagSpec{{name: "agency", usage: "only accounts with a role in this agency"}},
			run: func(e env, p parsed) error {
				return withApp(e, p, func(a *app.App) error {
					us, err := a.Users(e.ctx, sys, ill.AgencyID(p.flag("agency")))
					if err != nil {
						return err
					}
					tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tSTATE\tROLES")
					for _, u := range us {
						state := "active"
						if u.Disabled {
							state = "disabled"
						}
						var roles []string
						for _, g := range u.Grants {
							if g.Agency == "" {
								roles = append(roles, string(g.Role))
							} else {
								roles = append(roles, string(g.Role)+"@"+string(g.Agency))
							}
						}
						fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Name, state, strings.Join(roles, ", "))
					}
					return tw.Flush()
				})
			}},
		{name: "set-password", args: "EMAIL", usage: "set an account's password", config: true, flags: passwordFlags,
			run: func(e env, p parsed) error {
				if len(p.args) != 1 {
					return usageError("user set-password needs one EMAIL")
				}
				pw, err := password(e, p)
				if err != nil {
					return err
				}
				if pw == "" {
					return usageError("give the password with --password-file, --password-stdin or --password")
				}
				return withApp(e, p, func(a *app.App) error {
					if err := a.SetPassword(e.ctx, sys, p.args[0], pw, ""); err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "password set for %s; their sessions were ended\n", p.args[0])
					return nil
				})
			}},
		{name: "disable", args: "EMAIL", usage: "disable an account (ends its sessions, revokes its API tokens)", config: true,
			run: func(e env, p parsed) error { return setDisabled(e, p, true) }},
		{name: "enable", args: "EMAIL", usage: "enable a disabled account", config: true,
			run: func(e env, p parsed) error { return setDisabled(e, p, false) }},
		{name: "grant", args: "EMAIL ROLE", usage: "grant a role (" + roleList() + ")", config: true, flags: []flagSpec{{name: "agency", usage: "agency the role is in (not for operator)"}},
			run: func(e env, p parsed) error { return changeGrant(e, p, true) }},
		{name: "revoke", args: "EMAIL ROLE", usage: "remove a role", config: true, flags: []flagSpec{{name: "agency", usage: "agency the role is in"}},
			run: func(e env, p parsed) error { return changeGrant(e, p, false) }},
	}}
}

func roleList() string {
	var rs []string
	for _, r := range ill.Roles {
		rs = append(rs, string(r))
	}
	return strings.Join(rs, ", ")
}

func setDisabled(e env, p parsed, disabled bool) error {
	if len(p.args) != 1 {
		return usageError("needs one EMAIL")
	}
	return withApp(e, p, func(a *app.App) error {
		if err := a.SetDisabled(e.ctx, ill.SystemActor(), p.args[0], disabled); err != nil {
			return err
		}
		word := "enabled"
		if disabled {
			word = "disabled"
		}
		fmt.Fprintf(e.stdout, "%s %s\n", word, p.args[0])
		return nil
	})
}

func changeGrant(e env, p parsed, grant bool) error {
	if len(p.args) != 2 {
		return usageError("needs EMAIL and ROLE")
	}
	g := ill.Grant{Role: ill.Role(p.args[1]), Agency: ill.AgencyID(p.flag("agency"))}
	if !g.Role.Valid() {
		return usageError("unknown role %q; roles are %s", g.Role, roleList())
	}
	if g.Role != ill.RoleOperator && g.Agency == "" {
		return usageError("role %s needs --agency", g.Role)
	}
	return withApp(e, p, func(a *app.App) error {
		var err error
		if grant {
			err = a.GrantRole(e.ctx, ill.SystemActor(), p.args[0], g)
		} else {
			err = a.RevokeRole(e.ctx, ill.SystemActor(), p.args[0], g)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "ok: %s %s %s %s\n", map[bool]string{true: "granted", false: "revoked"}[grant], p.args[1], p.args[0], g.Agency)
		return nil
	})
}

func agencyCommand() *command {
	return &command{name: "agency", usage: "hosted agencies (libraries)", sub: []*command{
		{name: "add", args: "ID NAME", usage: "host a new agency, e.g. `agency add US-EXA \"Example Library\"`", config: true,
			run: func(e env, p parsed) error {
				if len(p.args) != 2 {
					return usageError("agency add needs ID and NAME")
				}
				return withApp(e, p, func(a *app.App) error {
					if err := a.CreateAgency(e.ctx, ill.SystemActor(), ill.AgencyID(p.args[0]), p.args[1]); err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "agency %s added\n", p.args[0])
					return nil
				})
			}},
		{name: "list", usage: "list hosted agencies", config: true, run: func(e env, p parsed) error {
			return withApp(e, p, func(a *app.App) error {
				as, err := a.Agencies(e.ctx)
				if err != nil {
					return err
				}
				for _, ag := range as {
					fmt.Fprintf(e.stdout, "%s\t%s\n", ag.ID, ag.Name)
				}
				return nil
			})
		}},
	}}
}

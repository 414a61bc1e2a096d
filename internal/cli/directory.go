package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"interlend/internal/app"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Directory commands: import and export directory files (JSON, CSV), list
// and show entries, set a partner's credentials.
func init() {
	formatFlag := flagSpec{name: "format", usage: "json or csv (default: from the file name; json)"}
	addCommand(&command{name: "directory", usage: "the network directory of libraries (docs/directory.md)", sub: []*command{
		{name: "import", args: "FILE", config: true,
			usage: "add or update libraries from a directory file (JSON: whole entries; CSV: the columns given); all or nothing",
			flags: []flagSpec{formatFlag,
				{name: "prune", boolean: true, usage: "the file is the whole directory: delete partners it does not list (hosted libraries stay)"},
				{name: "dry-run", boolean: true, usage: "check the file and say what would change; change nothing"}},
			run: runDirectoryImport},
		{name: "export", config: true, usage: "write the directory as JSON or CSV (without secrets unless --with-credentials)",
			flags: []flagSpec{formatFlag, {name: "out", usage: "file to write (default standard output)"},
				{name: "publisher", usage: "publisher named in a JSON file (e.g. the consortium)"},
				{name: "with-credentials", boolean: true, usage: "include credentials (inbound secret hashes, outbound secrets in clear): for moving a deployment, never for publishing"}},
			run: runDirectoryExport},
		{name: "list", config: true, usage: "list libraries", flags: []flagSpec{{name: "q", usage: "only libraries whose name or ids contain this"}},
			run: runDirectoryList},
		{name: "show", args: "ID", config: true, usage: "print one library's entry as JSON (secrets hidden); any of its ids will do",
			run: runDirectoryShow},
		{name: "credential", args: "ID", config: true,
			usage: "set a partner's credential: inbound (what they present to us; a random secret is made and printed once unless given) or outbound (what we present to them)",
			flags: []flagSpec{{name: "direction", usage: "inbound or outbound"}, {name: "method", usage: "basic, bearer or iso-header"},
				{name: "username", usage: "Basic user name or ISO 18626 accountId"},
				{name: "secret-file", usage: "read the secret from this file"}, {name: "secret-stdin", boolean: true, usage: "read the secret from standard input"}},
			run: runDirectoryCredential},
	}})
}

func runDirectoryImport(e env, p parsed) error {
	if len(p.args) != 1 {
		return usageError("directory import needs one FILE (or - for standard input)")
	}
	f, err := app.ParseDirectoryFormat(p.flag("format"), p.args[0])
	if err != nil {
		return usageError("%v", err)
	}
	var in io.Reader = e.stdin
	if p.args[0] != "-" {
		file, err := os.Open(p.args[0])
		if err != nil {
			return ill.E(ill.Invalid, fmt.Sprintf("cannot open %s", p.args[0]), err)
		}
		defer file.Close()
		in = file
	}
	return withApp(e, p, func(a *app.App) error {
		rep, err := a.ImportDirectory(e.ctx, ill.SystemActor(), in, app.DirectoryImport{Format: f, Prune: p.boolFlag("prune"), DryRun: p.boolFlag("dry-run")})
		if err != nil {
			if fs := ill.FieldErrors(err); len(fs) > 0 {
				for _, k := range sortedKeys(fs) {
					fmt.Fprintf(e.stderr, "%s: %s\n", k, fs[k])
				}
			}
			return err
		}
		verb := "imported"
		if p.boolFlag("dry-run") {
			verb = "would import (dry run, nothing changed)"
		}
		fmt.Fprintf(e.stdout, "directory %s: %d new, %d updated, %d deleted\n", verb, len(rep.Created), len(rep.Updated), len(rep.Deleted))
		for _, id := range rep.Deleted {
			fmt.Fprintf(e.stdout, "deleted %s\n", id)
		}
		return nil
	})
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Positions sort naturally when padded: "library 2" before "library 10".
	pad := func(s string) string {
		var b strings.Builder
		digits := ""
		for _, r := range s + "\x00" {
			if r >= '0' && r <= '9' {
				digits += string(r)
				continue
			}
			if digits != "" {
				b.WriteString(strings.Repeat("0", max(0, 9-len(digits))) + digits)
				digits = ""
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && pad(keys[j]) < pad(keys[j-1]); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

func runDirectoryExport(e env, p parsed) error {
	out := p.flag("out")
	f, err := app.ParseDirectoryFormat(p.flag("format"), out)
	if err != nil {
		return usageError("%v", err)
	}
	return withApp(e, p, func(a *app.App) error {
		w := e.stdout
		var file *os.File
		if out != "" && out != "-" {
			if file, err = os.OpenFile(out+".partial", os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600); err != nil {
				return err
			}
			w = file
		}
		bw := bufio.NewWriter(w)
		err := a.ExportDirectory(e.ctx, ill.SystemActor(), bw, f, p.flag("publisher"), p.boolFlag("with-credentials"))
		if err == nil {
			err = bw.Flush()
		}
		if file != nil {
			if cerr := file.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(out + ".partial")
				return err
			}
			return os.Rename(out+".partial", out)
		}
		return err
	})
}

func runDirectoryList(e env, p parsed) error {
	return withApp(e, p, func(a *app.App) error {
		es, total, err := a.DirectoryPage(e.ctx, ill.SystemActor(), store.DirectoryFilter{Text: p.flag("q")})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tSTATUS\tSYMBOLS\tENDPOINT\tHOSTED")
		for _, en := range es {
			var syms []string
			for _, s := range en.Symbols {
				syms = append(syms, s.String())
			}
			hosted := ""
			if en.Hosted {
				hosted = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", en.ID, en.Name, en.Status, strings.Join(syms, " "), en.Endpoint.URL, hosted)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d of %d libraries\n", len(es), total)
		return nil
	})
}

func runDirectoryShow(e env, p parsed) error {
	if len(p.args) != 1 {
		return usageError("directory show needs one ID")
	}
	return withApp(e, p, func(a *app.App) error {
		found, err := a.Library(e.ctx, p.args[0])
		if err != nil {
			return err
		}
		en, err := a.DirectoryEntry(e.ctx, ill.SystemActor(), found.ID)
		if err != nil {
			return err
		}
		shown := struct {
			directory.Entry
			Credentials []string `json:"credentials,omitempty"`
			Hosted      bool     `json:"hosted"`
		}{Entry: en.Public(), Hosted: en.Hosted}
		for _, c := range en.Credentials {
			s := fmt.Sprintf("%s %s user=%q", c.Direction, c.Method, c.Username)
			if c.Stored {
				s += " (secret stored)"
			}
			shown.Credentials = append(shown.Credentials, s)
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(shown)
	})
}

func runDirectoryCredential(e env, p parsed) error {
	if len(p.args) != 1 {
		return usageError("directory credential needs one ID")
	}
	c := directory.Credential{Direction: directory.Direction(p.flag("direction")), Method: directory.AuthMethod(p.flag("method")), Username: p.flag("username")}
	if c.Direction != directory.Inbound && c.Direction != directory.Outbound {
		return usageError("--direction is inbound or outbound")
	}
	switch {
	case p.flag("secret-file") != "":
		b, err := os.ReadFile(p.flag("secret-file"))
		if err != nil {
			return err
		}
		c.Secret = strings.TrimRight(string(b), "\r\n")
	case p.boolFlag("secret-stdin"):
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("no secret on standard input")
		}
		c.Secret = strings.TrimRight(line, "\r\n")
	}
	return withApp(e, p, func(a *app.App) error {
		found, err := a.Library(e.ctx, p.args[0])
		if err != nil {
			return err
		}
		generated, err := a.SetCredential(e.ctx, ill.SystemActor(), found.ID, c)
		if err != nil {
			return err
		}
		if generated != "" {
			fmt.Fprintf(e.stdout, "new %s secret for %s (shown once; give it to the partner): %s\n", c.Method, found.ID, generated)
			return nil
		}
		fmt.Fprintf(e.stdout, "%s %s credential of %s set\n", c.Direction, c.Method, found.ID)
		return nil
	})
}

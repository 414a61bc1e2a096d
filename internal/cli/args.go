package cli

import (
	"fmt"
	"strings"

	"interlend/internal/config"
)

// flagSpec declares one command-specific flag.
type flagSpec struct {
	name    string
	usage   string
	boolean bool
	def     string
}

// parsed is a command line split into positional arguments, command flags
// and configuration flags. Flags may come before, between or after
// positional arguments (`import marc FILE --agency X`).
type parsed struct {
	args   []string
	flags  map[string]string
	config map[string]string
}

func (p parsed) flag(name string) string { return p.flags[name] }

func (p parsed) has(name string) bool {
	_, ok := p.flags[name]
	return ok
}

func (p parsed) boolFlag(name string) bool {
	v, ok := p.flags[name]
	return ok && v != "false" && v != "0"
}

// parseArgs reads args against the command's flags and, when withConfig
// is set, every configuration option. "--" ends flags.
func parseArgs(args []string, specs []flagSpec, withConfig bool) (parsed, error) {
	p := parsed{flags: map[string]string{}, config: map[string]string{}}
	for _, s := range specs {
		if s.def != "" {
			p.flags[s.name] = s.def
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			p.args = append(p.args, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			p.args = append(p.args, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		value, hasValue := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, value, hasValue = k, v, true
		}
		var spec *flagSpec
		for j := range specs {
			if specs[j].name == name {
				spec = &specs[j]
			}
		}
		_, isConfig := config.Lookup(name)
		switch {
		case spec != nil && spec.boolean:
			if !hasValue {
				value = "true"
			}
			p.flags[name] = value
		case spec != nil || (withConfig && isConfig):
			if !hasValue {
				if i+1 >= len(args) {
					return p, fmt.Errorf("flag --%s needs a value", name)
				}
				i++
				value = args[i]
			}
			if spec != nil {
				p.flags[name] = value
			} else {
				p.config[name] = value
			}
		default:
			return p, fmt.Errorf("unknown flag --%s", name)
		}
	}
	return p, nil
}

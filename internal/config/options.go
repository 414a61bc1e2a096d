package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

func str(name, def, usage string, field func(*Config) *string) Option {
	return Option{Name: name, Default: def, Usage: usage,
		set: func(c *Config, v string) error { *field(c) = v; return nil },
		get: func(c *Config) string { return *field(c) }}
}

func secret(name, usage string, field func(*Config) *string) Option {
	o := str(name, "", usage, field)
	o.Secret = true
	return o
}

func integer(name, def, usage string, field func(*Config) *int) Option {
	return Option{Name: name, Default: def, Usage: usage,
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("not a whole number")
			}
			*field(c) = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(*field(c)) }}
}

func boolean(name, def, usage string, field func(*Config) *bool) Option {
	return Option{Name: name, Default: def, Usage: usage,
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("not true or false")
			}
			*field(c) = b
			return nil
		},
		get: func(c *Config) string { return strconv.FormatBool(*field(c)) }}
}

func duration(name, def, usage string, field func(*Config) *time.Duration) Option {
	return Option{Name: name, Default: def, Usage: usage,
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("not a duration such as 30s, 5m or 12h")
			}
			*field(c) = d
			return nil
		},
		get: func(c *Config) string { return field(c).String() }}
}

func bytes(name, def, usage string, field func(*Config) *int64) Option {
	return Option{Name: name, Default: def, Usage: usage,
		set: func(c *Config, v string) error {
			n, err := ParseBytes(v)
			if err != nil {
				return err
			}
			*field(c) = n
			return nil
		},
		get: func(c *Config) string { return strconv.FormatInt(*field(c), 10) }}
}

// ParseBytes reads a size such as 512, 64KiB, 2MiB, 100MB or 1GiB.
func ParseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("not a size such as 512KiB or 2MiB")
	}
	return n * mult, nil
}

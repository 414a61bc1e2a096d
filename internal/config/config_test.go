package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestPrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		env    map[string]string
		flags  map[string]string
		listen string
		poll   time.Duration
	}{
		{"defaults", nil, nil, "127.0.0.1:8080", time.Second},
		{"env over default", map[string]string{"INTERLEND_LISTEN": "0.0.0.0:9000", "INTERLEND_JOB_POLL": "250ms"}, nil, "0.0.0.0:9000", 250 * time.Millisecond},
		{"flag over env", map[string]string{"INTERLEND_LISTEN": "0.0.0.0:9000"}, map[string]string{"listen": "127.0.0.1:7000"}, "127.0.0.1:7000", time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.env), tc.flags)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			if c.Listen != tc.listen || c.JobPoll != tc.poll {
				t.Errorf("got listen %q poll %s, want %q %s", c.Listen, c.JobPoll, tc.listen, tc.poll)
			}
			if c.BaseURL != "http://"+tc.listen {
				t.Errorf("base URL %q not derived from listen %q", c.BaseURL, tc.listen)
			}
		})
	}
}

func TestSecretFromFile(t *testing.T) {
	t.Parallel()
	f := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(f, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"INTERLEND_SMTP_PASSWORD_FILE": f}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPPassword != "s3cret" {
		t.Errorf("got %q, want the file's content without the newline", c.SMTPPassword)
	}
	for _, line := range c.Dump() {
		if strings.Contains(line, "s3cret") {
			t.Errorf("dump leaks the secret: %s", line)
		}
	}
	if _, err := Load(env(map[string]string{"INTERLEND_SMTP_PASSWORD_FILE": "/nonexistent/pw"}), nil); err == nil {
		t.Error("a missing secret file should be an error")
	}
}

func TestBadValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		env   map[string]string
		flags map[string]string
		want  string // part of the message
	}{
		{"env not a number", map[string]string{"INTERLEND_WORKERS": "many"}, nil, "INTERLEND_WORKERS"},
		{"flag not a duration", nil, map[string]string{"job-poll": "soon"}, "--job-poll"},
		{"bad listen", nil, map[string]string{"listen": "8080"}, "--listen"},
		{"bad db", nil, map[string]string{"db": "mysql://x"}, "--db"},
		{"bad log level", map[string]string{"INTERLEND_LOG_LEVEL": "loud"}, nil, "--log-level"},
		{"bad base url", nil, map[string]string{"base-url": "example.org"}, "--base-url"},
		{"bad size", nil, map[string]string{"max-body": "lots"}, "--max-body"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(env(tc.env), tc.flags)
			if err == nil {
				err = c.Validate()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one naming %s", err, tc.want)
			}
		})
	}
}

func TestDumpRedactsDatabasePassword(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil), map[string]string{"db": "postgres://ill:hunter2@db:5432/ill"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if !c.IsPostgres() {
		t.Error("postgres URL not recognised")
	}
	for _, line := range c.Dump() {
		if strings.Contains(line, "hunter2") {
			t.Errorf("dump leaks the database password: %s", line)
		}
	}
}

func TestParseBytes(t *testing.T) {
	t.Parallel()
	tests := map[string]int64{"512": 512, "64KiB": 64 << 10, "2MiB": 2 << 20, "100MB": 100e6, "1GiB": 1 << 30}
	for in, want := range tests {
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "2XB", "MiB"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q) should fail", in)
		}
	}
}

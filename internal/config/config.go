// Package config is Interlend's one typed configuration: defaults, then
// INTERLEND_* environment variables, then command-line flags, validated once
// at start-up with messages that say what to fix. Secrets may be read from a
// file named by the variable with a _FILE suffix. There is no global: the
// Config value is passed to whatever needs it.
package config

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config holds every setting that is the operator's to choose at start-up.
// Per-library settings (policies, calendars, notices) live in the database
// and are edited in the admin area, not here.
type Config struct {
	Listen        string        // HTTP listen address
	DB            string        // database: empty for SQLite in DataDir, or a postgres:// URL
	DataDir       string        // SQLite file, blobs, generated files
	BaseURL       string        // public base URL, for links in mail and messages
	MetricsListen string        // separate listen address for /metrics (empty: on the main address, behind MetricsToken)
	MetricsToken  string        // bearer token for /metrics on the main address (secret)
	SecretKey     string        // signs download links and tokens (secret; generated into DataDir when empty)
	LogLevel      string        // debug, info, warn, error
	LogFormat     string        // text or json
	Workers       int           // job workers per process
	GCPercent     int           // the Go garbage collector's target (GOGC) for serve and demo
	JobPoll       time.Duration // longest wait between job queue checks when idle
	JobLease      time.Duration // how long a claimed job is reserved before another node may take it over
	MaxBody       int64         // largest request body accepted, bytes (uploads have their own limit)
	ShutdownGrace time.Duration // how long to wait for requests and jobs on shutdown
	SessionTTL    time.Duration // staff and patron session lifetime
	SMTPHost      string        // outgoing mail server (empty: mail is logged, not sent)
	SMTPPort      int
	SMTPUser      string
	SMTPPassword  string // secret
	SMTPFrom      string
	SMTPTLS       string // none, starttls, tls
	FileStore     string // where stored files live: local (data folder), database, or auto
	NodeName      string // names this process in job leases and logs
	TrustProxy    bool   // trust X-Forwarded-For / -Proto from a reverse proxy
	TLSCert       string // PEM certificate (chain) to serve HTTPS; also presented to partners that want mutual TLS
	TLSKey        string // PEM private key of TLSCert
	PeerCAFile    string // PEM certificate authorities trusted for partners' HTTPS endpoints, beside the system's
}

// Option describes one setting: its flag, environment variable, default and
// how to read it. The table is the single source for flags, environment
// handling, the redacted dump and docs/configuration.md.
type Option struct {
	Name    string // flag name; the environment variable is INTERLEND_ + upper snake case
	Default string
	Usage   string
	Secret  bool
	set     func(c *Config, v string) error
	get     func(c *Config) string
}

// Env is the environment variable of the option.
func (o Option) Env() string {
	return "INTERLEND_" + strings.ToUpper(strings.ReplaceAll(o.Name, "-", "_"))
}

// Options lists every setting.
var Options = []Option{
	str("listen", "127.0.0.1:8080", "HTTP listen address", func(c *Config) *string { return &c.Listen }),
	str("db", "", "database: empty for embedded SQLite in the data dir, or postgres://user@host:5432/dbname", func(c *Config) *string { return &c.DB }),
	str("data-dir", "./interlend-data", "folder for the SQLite database and stored files", func(c *Config) *string { return &c.DataDir }),
	str("base-url", "", "public base URL used in links (default: http:// + listen address)", func(c *Config) *string { return &c.BaseURL }),
	str("metrics-listen", "", "separate listen address for /metrics (default: served on the main address behind --metrics-token)", func(c *Config) *string { return &c.MetricsListen }),
	secret("metrics-token", "bearer token required for /metrics on the main address", func(c *Config) *string { return &c.MetricsToken }),
	secret("secret-key", "key that signs download links (default: generated once and kept in the database, shared by every node)", func(c *Config) *string { return &c.SecretKey }),
	str("log-level", "info", "debug, info, warn or error", func(c *Config) *string { return &c.LogLevel }),
	str("log-format", "text", "text or json", func(c *Config) *string { return &c.LogFormat }),
	integer("workers", "16", "job workers in this process (0 runs no jobs: a web-only node); most jobs wait on a partner or a mail server, not on the CPU", func(c *Config) *int { return &c.Workers }),
	integer("gc-percent", "400", "heap growth, in percent of the live heap, before the garbage collector runs (Go's GOGC; the GOGC variable wins when set): higher costs memory and saves CPU; the default spends about four times the live heap, tens of MB", func(c *Config) *int { return &c.GCPercent }),
	duration("job-poll", "1s", "longest wait between job queue checks when idle", func(c *Config) *time.Duration { return &c.JobPoll }),
	duration("job-lease", "30s", "how long a claimed job stays reserved for its worker (renewed while it runs); a crashed node's jobs are taken over after this", func(c *Config) *time.Duration { return &c.JobLease }),
	bytes("max-body", "2MiB", "largest request body accepted (uploads have their own per-agency limit)", func(c *Config) *int64 { return &c.MaxBody }),
	duration("shutdown-grace", "15s", "time allowed for requests and jobs to finish on shutdown", func(c *Config) *time.Duration { return &c.ShutdownGrace }),
	duration("session-ttl", "12h", "session lifetime", func(c *Config) *time.Duration { return &c.SessionTTL }),
	str("smtp-host", "", "SMTP server for outgoing mail (empty: mail is recorded but not sent)", func(c *Config) *string { return &c.SMTPHost }),
	integer("smtp-port", "587", "SMTP port", func(c *Config) *int { return &c.SMTPPort }),
	str("smtp-user", "", "SMTP user name", func(c *Config) *string { return &c.SMTPUser }),
	secret("smtp-password", "SMTP password", func(c *Config) *string { return &c.SMTPPassword }),
	str("smtp-from", "interlend@localhost", "sender address of outgoing mail", func(c *Config) *string { return &c.SMTPFrom }),
	str("smtp-tls", "starttls", "none, starttls or tls", func(c *Config) *string { return &c.SMTPTLS }),
	str("file-store", "auto", "where scans and generated files are kept: local (the data folder; one node), database (shared by several nodes), or auto (local on SQLite, database on PostgreSQL)", func(c *Config) *string { return &c.FileStore }),
	str("node-name", "", "name of this process in job leases and logs (default: host name and process id)", func(c *Config) *string { return &c.NodeName }),
	str("tls-cert", "", "PEM certificate file: serve HTTPS (clients may present certificates, checked per partner by fingerprint) and present it to partners that require mutual TLS", func(c *Config) *string { return &c.TLSCert }),
	str("tls-key", "", "PEM private key file of --tls-cert", func(c *Config) *string { return &c.TLSKey }),
	str("peer-ca-file", "", "PEM file of certificate authorities trusted for partners' HTTPS endpoints (ISO 18626 and delivery files), in addition to the system's: a consortium's own CA for mutual TLS", func(c *Config) *string { return &c.PeerCAFile }),
	boolean("trust-proxy", "false", "trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy", func(c *Config) *bool { return &c.TrustProxy }),
}

// Lookup finds an option by flag name.
func Lookup(name string) (Option, bool) {
	for _, o := range Options {
		if o.Name == name {
			return o, true
		}
	}
	return Option{}, false
}

// Defaults returns a Config with every default applied.
func Defaults() Config {
	var c Config
	for _, o := range Options {
		if err := o.set(&c, o.Default); err != nil {
			panic(fmt.Sprintf("config: bad default for %s: %v", o.Name, err))
		}
	}
	return c
}

// Load builds a Config from defaults, then the environment (getenv), then
// the flags given (name → value, already split from the command line). It
// does not validate; call Validate.
func Load(getenv func(string) string, flags map[string]string) (Config, error) {
	c := Defaults()
	var errs []string
	for _, o := range Options {
		if v := getenv(o.Env()); v != "" {
			if err := o.set(&c, v); err != nil {
				errs = append(errs, fmt.Sprintf("%s=%q: %v", o.Env(), v, err))
			}
		}
		if o.Secret {
			if path := getenv(o.Env() + "_FILE"); path != "" {
				b, err := os.ReadFile(path)
				if err != nil {
					errs = append(errs, fmt.Sprintf("%s_FILE: %v", o.Env(), err))
				} else if err := o.set(&c, strings.TrimRight(string(b), "\r\n")); err != nil {
					errs = append(errs, fmt.Sprintf("%s_FILE: %v", o.Env(), err))
				}
			}
		}
		if v, ok := flags[o.Name]; ok {
			if err := o.set(&c, v); err != nil {
				errs = append(errs, fmt.Sprintf("--%s=%q: %v", o.Name, v, err))
			}
		}
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// Validate checks the whole configuration and fills derived values (the
// base URL, the node name). Every problem is reported at once.
func (c *Config) Validate() error {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		bad("--listen %q is not host:port (%v)", c.Listen, err)
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			bad("--metrics-listen %q is not host:port", c.MetricsListen)
		}
	}
	if c.DB != "" && !c.IsPostgres() {
		bad("--db %q: use an empty value for SQLite or a postgres:// URL", redactURL(c.DB))
	}
	if c.DataDir == "" {
		bad("--data-dir must not be empty")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad("--tls-cert and --tls-key go together: give both or neither")
	} else if c.TLSCert != "" {
		if _, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey); err != nil {
			bad("--tls-cert/--tls-key: %v", err)
		}
	}
	if c.PeerCAFile != "" {
		if _, err := c.PeerCAs(); err != nil {
			bad("--peer-ca-file: %v", err)
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Listen
		if c.TLSCert != "" {
			c.BaseURL = "https://" + c.Listen
		}
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("--base-url %q must be an absolute http(s) URL", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("--log-level %q: use debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		bad("--log-format %q: use text or json", c.LogFormat)
	}
	if c.Workers < 0 || c.Workers > 256 {
		bad("--workers %d: use 0 to 256", c.Workers)
	}
	if c.GCPercent < 25 || c.GCPercent > 10000 {
		bad("--gc-percent %d: use 25 to 10000", c.GCPercent)
	}
	if c.JobPoll < 10*time.Millisecond || c.JobPoll > time.Minute {
		bad("--job-poll %s: use 10ms to 1m", c.JobPoll)
	}
	if c.JobLease < time.Second || c.JobLease > time.Hour {
		bad("--job-lease %s: use 1s to 1h", c.JobLease)
	}
	if c.MaxBody < 1024 {
		bad("--max-body %d: at least 1KiB", c.MaxBody)
	}
	if c.SessionTTL < time.Minute {
		bad("--session-ttl %s: at least 1m", c.SessionTTL)
	}
	switch c.SMTPTLS {
	case "none", "starttls", "tls":
	default:
		bad("--smtp-tls %q: use none, starttls or tls", c.SMTPTLS)
	}
	if c.SMTPPort <= 0 || c.SMTPPort > 65535 {
		bad("--smtp-port %d is not a port", c.SMTPPort)
	}
	switch c.FileStore {
	case "local", "database", "auto":
	default:
		bad("--file-store %q: use local, database or auto", c.FileStore)
	}
	if c.NodeName == "" {
		h, _ := os.Hostname()
		c.NodeName = fmt.Sprintf("%s-%d", h, os.Getpid())
	}
	if len(errs) > 0 {
		return fmt.Errorf("configuration is not valid:\n  - %s", strings.Join(errs, "\n  - "))
	}
	return nil
}

// IsPostgres reports whether the database is PostgreSQL.
func (c *Config) IsPostgres() bool {
	return strings.HasPrefix(c.DB, "postgres://") || strings.HasPrefix(c.DB, "postgresql://")
}

// SQLitePath is the SQLite database file.
func (c *Config) SQLitePath() string { return filepath.Join(c.DataDir, "interlend.db") }

// Dump lists the effective settings, secrets redacted, for `interlend config`.
func (c *Config) Dump() []string {
	var out []string
	for _, o := range Options {
		v := o.get(c)
		switch {
		case o.Secret && v != "":
			v = "(set)"
		case o.Name == "db":
			v = redactURL(v)
		}
		out = append(out, fmt.Sprintf("%s=%s", o.Env(), v))
	}
	return out
}

// redactURL hides a password inside a database URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Package app holds Interlend's use cases: the only layer that opens
// transactions and combines the store, the job queue, mail and audit
// records. Surfaces (web, API, protocol endpoint, CLI) call it with an
// ill.Actor and get domain values or *ill.Error back; it never imports
// net/http.
package app

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"interlend/internal/auth"
	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// App is a running Interlend: configuration, database, clock, jobs.
type App struct {
	Cfg      config.Config
	DB       *store.DB
	Clock    ill.Clock
	Log      *slog.Logger
	Jobs     *jobs.Runner
	Registry *prometheus.Registry
	// HTTP is the client for outbound calls made by jobs (diagnostics,
	// partners, delivery hosts); tests may replace it.
	HTTP           *http.Client
	PasswordParams auth.Params
	// Mail sends email through the job queue (see mail.go).
	Mail Mailer
	// Files keeps scans and generated files (see files.go).
	Files FileStore
	// Route builds a rota for a new request (the routing feature sets it).
	Route Router
	// NotifyPatron sends patron notices (the notifications feature sets it).
	NotifyPatron PatronNotifier
	// Wire turns a message into the XML it travels as and back, so that
	// agencies hosted here exchange real ISO 18626 (the peer feature sets it).
	Wire Wire
	// Transport sends protocol messages to partners not hosted here (the
	// ISO 18626 feature sets it).
	Transport Transport
	// PolicyFor gives an agency's lifecycle figures (loan period, pickup
	// time, ...); nil uses DefaultPolicy. Set by the settings feature.
	PolicyFor func(tx *store.Tx, agency ill.AgencyID) Policy
	// ResponseWindowFor gives how long a lender has to answer from now (its
	// business days on its calendar); nil or 0 uses the policy. Set by the
	// directory feature.
	ResponseWindowFor func(tx *store.Tx, lender ill.AgencyID, from time.Time) time.Duration

	secret []byte
}

// Options adjust Open for tests and special commands.
type Options struct {
	Clock     ill.Clock
	Logger    *slog.Logger
	NoMigrate bool // open an existing schema only (backup)
}

// Open connects to the database, migrates it, loads the deployment secret
// and prepares the job runner (not started: see Run).
func Open(ctx context.Context, cfg config.Config, o Options) (*App, error) {
	if o.Clock == nil {
		o.Clock = ill.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if !cfg.IsPostgres() {
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, ill.E(ill.Unavailable, fmt.Sprintf("cannot create the data folder %s", cfg.DataDir), err)
		}
	}
	db, err := store.Open(ctx, store.Options{DSN: cfg.DB, SQLitePath: cfg.SQLitePath(), Clock: o.Clock, Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	if o.NoMigrate {
		err = db.CheckVersion(ctx)
	} else {
		err = db.Migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a := &App{
		Cfg: cfg, DB: db, Clock: o.Clock, Log: o.Logger, Registry: reg,
		HTTP:           &http.Client{Timeout: 30 * time.Second},
		PasswordParams: auth.DefaultParams,
	}
	if err := a.loadSecret(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := a.setupMail(); err != nil {
		db.Close()
		return nil, err
	}
	if err := a.setupFiles(); err != nil {
		db.Close()
		return nil, err
	}
	a.Jobs = jobs.New(db, jobs.Options{
		Node: cfg.NodeName, Workers: cfg.Workers, Poll: cfg.JobPoll, Lease: cfg.JobLease,
		Clock: o.Clock, Logger: o.Logger, Metrics: jobs.NewMetrics(reg),
	})
	a.registerJobs()
	return a, nil
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// SecretKey signs download links and similar tokens. It is shared by every
// node: taken from the configuration, or generated once into the database.
func (a *App) SecretKey() []byte { return a.secret }

func (a *App) loadSecret(ctx context.Context) error {
	if a.Cfg.SecretKey != "" {
		a.secret = []byte(a.Cfg.SecretKey)
		return nil
	}
	var v string
	err := a.DB.Transact(ctx, func(tx *store.Tx) error {
		var err error
		v, err = tx.System().PutSystemSettingIfAbsent("secret_key", hex.EncodeToString([]byte(auth.NewToken(""))))
		return err
	})
	if err != nil {
		return fmt.Errorf("app: secret key: %w", err)
	}
	a.secret = []byte(v)
	return nil
}

// Run runs the job workers until ctx ends.
func (a *App) Run(ctx context.Context) error {
	a.warnWithoutMail()
	return a.Jobs.Run(ctx, a.Cfg.ShutdownGrace)
}

// Ready reports whether the app can serve: the database answers.
func (a *App) Ready(ctx context.Context) error { return a.DB.Ping(ctx) }

// registerJobs registers every job kind this binary runs.
func (a *App) registerJobs() {
	a.registerDiagJobs()
	a.registerMaintenanceJobs()
	for _, register := range jobRegistrars {
		register(a)
	}
}

// jobRegistrars are added by each feature's file with addJobs in an init
// function, so that features do not edit one shared list.
var jobRegistrars []func(a *App)

// addJobs registers a feature's job kinds (call from init).
func addJobs(f func(a *App)) { jobRegistrars = append(jobRegistrars, f) }

// write is DB.Transact with the caller's context.
func (a *App) write(ctx context.Context, fn func(*store.Tx) error) error {
	return a.DB.Transact(ctx, fn)
}

// read is DB.Read with the caller's context.
func (a *App) read(ctx context.Context, fn func(*store.Tx) error) error { return a.DB.Read(ctx, fn) }

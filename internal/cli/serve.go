package cli

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"

	"interlend/internal/api"
	"interlend/internal/app"
	"interlend/internal/config"
	"interlend/internal/peer"
	"interlend/internal/server"
	"interlend/internal/web"
)

func serveCommand() *command {
	return &command{name: "serve", usage: "run the server (web, API, ISO 18626 endpoint, jobs)", config: true,
		run: func(e env, p parsed) error {
			cfg, err := loadConfig(e, p)
			if err != nil {
				return err
			}
			return serve(e, cfg, nil)
		}}
}

// serve opens the app and serves until SIGINT or SIGTERM. ready, when
// given, runs once the listener is open and the app is ready (the demo
// prints its logins there).
func serve(e env, cfg config.Config, ready func(a *app.App) error) error {
	ctx, stop := signal.NotifyContext(e.ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if path := e.getenv("INTERLEND_CPU_PROFILE"); path != "" {
		stopProfile, err := startCPUProfile(fmt.Sprintf("%s.%d", path, os.Getpid()))
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	if e.getenv("GOGC") == "" {
		debug.SetGCPercent(cfg.GCPercent)
	}
	log := newLogger(cfg, e.stderr)
	a, err := app.Open(ctx, cfg, app.Options{Logger: log})
	if err != nil {
		return err
	}
	defer a.Close()
	srv, err := buildServer(a)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.Listen, err)
	}
	if err := a.EnsureSchedules(ctx); err != nil {
		return err
	}
	if ready != nil {
		if err := ready(a); err != nil {
			ln.Close()
			return err
		}
	}
	log.Info("interlend serving", "listen", ln.Addr().String(), "base_url", cfg.BaseURL, "db", dbKind(cfg), "workers", cfg.Workers, "node", cfg.NodeName)
	fmt.Fprintf(e.stdout, "Interlend is listening on %s\n", cfg.BaseURL)
	runErr := make(chan error, 1)
	go func() { runErr <- a.Run(ctx) }()
	err = srv.Serve(ctx, ln)
	stop()
	if jerr := <-runErr; err == nil {
		err = jerr
	}
	log.Info("interlend stopped")
	return err
}

// buildServer mounts every surface.
func buildServer(a *app.App) (*server.Server, error) {
	w, err := web.New(a)
	if err != nil {
		return nil, err
	}
	return server.New(a, w, api.New(a), peer.New(a)), nil
}

func dbKind(cfg config.Config) string {
	if cfg.IsPostgres() {
		return "postgres"
	}
	return "sqlite:" + cfg.SQLitePath()
}

// startCPUProfile writes a CPU profile of the whole run to path, for
// developers measuring the server (INTERLEND_CPU_PROFILE=prefix; the
// process id is appended so that several nodes can share the prefix).
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("INTERLEND_CPU_PROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("INTERLEND_CPU_PROFILE: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"interlend/internal/ill"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

func openPostgres(ctx context.Context, o Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(o.DSN)
	if err != nil {
		return nil, ill.E(ill.Invalid, "the PostgreSQL URL is not valid", err)
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	// Full durability is not negotiable (DESIGN principle 8).
	cfg.RuntimeParams["synchronous_commit"] = "on"
	cfg.RuntimeParams["application_name"] = "interlend"
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 5 * time.Second
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(24)
	db.SetMaxIdleConns(24)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, ill.E(ill.Unavailable, fmt.Sprintf("cannot reach PostgreSQL at %s:%d (database %q)", cfg.Host, cfg.Port, cfg.Database), err)
	}
	return &DB{engine: Postgres, write: db, read: db, clock: o.Clock, log: o.Logger}, nil
}

// retryable reports PostgreSQL errors after which the whole transaction may
// simply run again: serialization failures and deadlocks.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// isUniqueViolation reports a unique-constraint failure on either engine.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return err != nil && (containsAny(err.Error(), "UNIQUE constraint failed", "constraint failed: UNIQUE"))
}

// isForeignKeyViolation reports a foreign-key failure on either engine.
func isForeignKeyViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	return err != nil && containsAny(err.Error(), "FOREIGN KEY constraint failed")
}

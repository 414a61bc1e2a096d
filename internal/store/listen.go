package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// ListenJobs calls wake whenever another node commits new due jobs
// (PostgreSQL LISTEN/NOTIFY). It returns when ctx ends. On SQLite, where
// every writer is in this process, it just waits for ctx.
func (db *DB) ListenJobs(ctx context.Context, wake func()) {
	if db.engine != Postgres {
		<-ctx.Done()
		return
	}
	for ctx.Err() == nil {
		err := db.listenOnce(ctx, wake)
		if ctx.Err() != nil {
			return
		}
		db.log.Warn("job notifications interrupted; polling meanwhile", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
		}
	}
}

func (db *DB) listenOnce(ctx context.Context, wake func()) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		pc := c.Conn()
		if _, err := pc.Exec(ctx, "LISTEN interlend_jobs"); err != nil {
			return err
		}
		defer pc.Exec(context.Background(), "UNLISTEN *") //nolint:errcheck
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return driver.ErrBadConn
			}
			wake()
		}
	})
}

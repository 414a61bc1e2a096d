package cli

import (
	"fmt"

	"interlend/internal/store"
)

func migrateCommand() *command {
	open := func(e env, p parsed) (*store.DB, error) {
		cfg, err := loadConfig(e, p)
		if err != nil {
			return nil, err
		}
		return store.Open(e.ctx, store.Options{DSN: cfg.DB, SQLitePath: cfg.SQLitePath(), Logger: newLogger(cfg, e.stderr)})
	}
	return &command{name: "migrate", usage: "database schema migrations", sub: []*command{
		{name: "up", usage: "apply every pending migration", config: true, run: func(e env, p parsed) error {
			db, err := open(e, p)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.Migrate(e.ctx); err != nil {
				return err
			}
			v, _ := db.SchemaVersion(e.ctx)
			fmt.Fprintf(e.stdout, "database at schema version %d\n", v)
			return nil
		}},
		{name: "status", usage: "list migrations and whether each is applied", config: true, run: func(e env, p parsed) error {
			db, err := open(e, p)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.CheckVersion(e.ctx); err != nil {
				return err
			}
			st, err := db.MigrationStatuses(e.ctx)
			if err != nil {
				return err
			}
			for _, s := range st {
				mark := "pending"
				if s.Applied {
					mark = "applied"
				}
				fmt.Fprintf(e.stdout, "%05d  %-8s %s\n", s.Version, mark, s.Name)
			}
			return nil
		}},
		{name: "down", usage: "roll back the latest migration (development only: in production, restore a backup)", config: true,
			flags: []flagSpec{{name: "yes", boolean: true, usage: "confirm"}},
			run: func(e env, p parsed) error {
				if !p.boolFlag("yes") {
					return usageError("migrate down drops data; add --yes to confirm (production rollback is `interlend restore`)")
				}
				db, err := open(e, p)
				if err != nil {
					return err
				}
				defer db.Close()
				v, err := db.MigrateDown(e.ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "rolled back migration %d\n", v)
				return nil
			}},
	}}
}

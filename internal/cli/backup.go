package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"interlend/internal/app"
)

func backupCommand() *command {
	return &command{name: "backup", usage: "write an online, consistent backup of the database and stored files", config: true,
		flags: []flagSpec{{name: "out", usage: "backup file to write (default interlend-backup-<time>.tar.gz)"}},
		run: func(e env, p parsed) error {
			cfg, err := loadConfig(e, p)
			if err != nil {
				return err
			}
			out := p.flag("out")
			if out == "" {
				out = "interlend-backup-" + time.Now().UTC().Format("20060102T150405Z") + ".tar.gz"
			}
			a, err := app.Open(e.ctx, cfg, app.Options{Logger: newLogger(cfg, e.stderr), NoMigrate: true})
			if err != nil {
				return err
			}
			defer a.Close()
			tmp := out + ".partial"
			f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				return err
			}
			m, err := a.Backup(e.ctx, f)
			if err == nil {
				err = f.Sync()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(tmp)
				return err
			}
			if err := os.Rename(tmp, out); err != nil {
				return err
			}
			var rows int64
			for _, t := range m.Tables {
				rows += t.Rows
			}
			abs, _ := filepath.Abs(out)
			fmt.Fprintf(e.stdout, "backup written to %s: schema %d, %d tables, %d rows, %d files, %s\n", abs, m.SchemaVersion, len(m.Tables), rows, m.Files, m.Took.Round(time.Millisecond))
			return nil
		}}
}

func restoreCommand() *command {
	return &command{name: "restore", args: "BACKUP-FILE", usage: "restore a backup into an empty data folder or PostgreSQL database", config: true,
		run: func(e env, p parsed) error {
			if len(p.args) != 1 {
				return usageError("restore needs the BACKUP-FILE")
			}
			cfg, err := loadConfig(e, p)
			if err != nil {
				return err
			}
			f, err := os.Open(p.args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			m, err := app.Restore(e.ctx, cfg, f)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "restored backup of %s (schema %d, %d tables, %d files)\n", m.CreatedAt.Format(time.RFC3339), m.SchemaVersion, len(m.Tables), m.Files)
			return nil
		}}
}

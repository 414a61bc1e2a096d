package app

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"interlend/internal/blob"
	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// filesDir is where stored files live in the data folder (blob store).
const filesDir = "files"

// Backup writes a consistent backup of the database and the stored files
// to w (gzip-compressed tar). It runs while the server works.
func (a *App) Backup(ctx context.Context, w io.Writer) (store.Manifest, error) {
	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	m, err := a.DB.Backup(ctx, tw)
	if err != nil {
		return m, err
	}
	root := filepath.Join(a.Cfg.DataDir, filesDir)
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == blob.IncomingDir {
				return filepath.SkipDir // uploads in progress
			}
			return nil
		}
		rel, _ := filepath.Rel(a.Cfg.DataDir, p)
		f, err := os.Open(p)
		if err != nil {
			if os.IsNotExist(err) {
				return nil // removed meanwhile (retention)
			}
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o600, Size: st.Size(), ModTime: st.ModTime()}); err != nil {
			return err
		}
		_, err = io.Copy(tw, f)
		m.Files++
		return err
	})
	if err != nil {
		return m, fmt.Errorf("backup: files: %w", err)
	}
	if err := store.WriteManifest(tw, m); err != nil {
		return m, err
	}
	if err := tw.Close(); err != nil {
		return m, err
	}
	return m, zw.Close()
}

// Restore loads a backup into the database and data folder named by cfg,
// which must be empty. It is a function of the configuration, not of an
// open App: the target is created by the restore.
func Restore(ctx context.Context, cfg config.Config, r io.Reader) (store.Manifest, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return store.Manifest{}, ill.E(ill.Invalid, "not an Interlend backup (not gzip)", err)
	}
	if !cfg.IsPostgres() {
		if _, err := os.Stat(cfg.SQLitePath()); err == nil {
			return store.Manifest{}, ill.E(ill.Conflict, fmt.Sprintf("%s already exists: restore into a fresh --data-dir", cfg.SQLitePath()))
		}
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return store.Manifest{}, err
		}
	}
	db, err := store.Open(ctx, store.Options{DSN: cfg.DB, SQLitePath: cfg.SQLitePath()})
	if err != nil {
		return store.Manifest{}, err
	}
	defer db.Close()
	files := 0
	m, err := db.RestoreTables(ctx, tar.NewReader(zr), func(h *tar.Header, r io.Reader) error {
		name := filepath.FromSlash(h.Name)
		if !strings.HasPrefix(name, filesDir+string(filepath.Separator)) || strings.Contains(name, "..") {
			return ill.E(ill.Invalid, fmt.Sprintf("the backup holds an unexpected entry %q", h.Name))
		}
		dst := filepath.Join(cfg.DataDir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return err
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, r); err != nil {
			f.Close()
			return err
		}
		files++
		return f.Close()
	})
	if err != nil {
		return m, err
	}
	m.Files = files
	return m, nil
}

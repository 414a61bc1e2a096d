package app

// FileStore keeps stored files (scans, generated PDFs). The real one (blob
// store helper) replaces this file.
type FileStore interface{}

// setupFiles prepares a.Files from the configuration.
func (a *App) setupFiles() error { return nil }

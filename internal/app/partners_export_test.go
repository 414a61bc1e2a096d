package app

import (
	"interlend/internal/directory"
	"interlend/internal/store"
)

// EndpointSavedForTest runs the directory-save hook that releases held
// messages (the app's directory feature calls it from putEntry).
func EndpointSavedForTest(a *App, tx *store.Tx, e directory.Entry) error {
	return a.endpointSaved(tx, e)
}

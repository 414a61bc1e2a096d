// Package demo seeds a demonstration consortium: hosted libraries, staff
// and patron logins in every role, and (as features land) partners,
// catalogs, patrons and requests in every state. It is a registry of
// steps: each feature adds its own file with a step, run in order.
package demo

import (
	"context"
	"fmt"
	"sort"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// Password is every demo account's password.
const Password = "interlend-demo"

// Login is a demo account, printed when the demo starts.
type Login struct {
	Email  string
	Role   ill.Role
	Agency ill.AgencyID
}

// World is what the seed made, for later steps and for the printout.
type World struct {
	Logins   []Login
	Agencies []ill.AgencyID
}

// Step seeds one feature's data.
type Step struct {
	Order int // steps run by ascending order
	Name  string
	Run   func(ctx context.Context, a *app.App, w *World) error
}

var steps []Step

// register adds a step (called from this package's files).
func register(s Step) { steps = append(steps, s) }

// Steps lists the registered steps in run order.
func Steps() []Step {
	out := append([]Step(nil), steps...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

// Seed runs every step on a fresh database.
func Seed(ctx context.Context, a *app.App) (*World, error) {
	w := &World{}
	for _, s := range Steps() {
		if err := s.Run(ctx, a, w); err != nil {
			return w, fmt.Errorf("demo step %s: %w", s.Name, err)
		}
	}
	return w, nil
}

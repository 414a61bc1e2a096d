package store_test

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// agencyCase calls one AgencyData method as agency ag.
type agencyCase func(a store.AgencyData, ag ill.AgencyID) (any, error)

// agencyCases has a case for every method of store.AgencyData. A new
// agency-scoped method without a case fails TestAgencyScope. Each feature
// adds its cases (and its seed) from its own scope_<feature>_test.go with
// addScope in an init function.
var agencyCases = map[string]agencyCase{}

// agencySeeders give an agency one of everything agency-owned, with the
// marker in its values so that a leak shows in any result.
var agencySeeders []func(tx *store.Tx, ag ill.AgencyID, marker string) error

// addScope registers a feature's cases and seed.
func addScope(cases map[string]agencyCase, seed func(tx *store.Tx, ag ill.AgencyID, marker string) error) {
	for k, v := range cases {
		if _, dup := agencyCases[k]; dup {
			panic("scope case registered twice: " + k)
		}
		agencyCases[k] = v
	}
	if seed != nil {
		agencySeeders = append(agencySeeders, seed)
	}
}

func init() {
	addScope(settingsCases, seedSettings)
}

var settingsCases = map[string]agencyCase{
	"GetSetting": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		s, _, err := a.GetSetting(ag, "greeting")
		return s, err
	},
	"Settings": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.Settings(ag) },
	"PutSetting": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, a.PutSetting(ag, "greeting", `"changed"`, 0)
	},
	"Audit": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, a.Audit(ag, store.AuditRecord{Action: "test", Target: "x"})
	},
	"AuditLog": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.AuditLog(ag, "", 100) },
}

func seedSettings(tx *store.Tx, ag ill.AgencyID, marker string) error {
	if err := tx.Agency().PutSetting(ag, "greeting", `"hello from `+marker+`"`, 0); err != nil {
		return err
	}
	return tx.Agency().Audit(ag, store.AuditRecord{Action: "seed", Target: marker, After: marker})
}

// seedAgency creates the agency and runs every feature's seed for it.
func seedAgency(t *testing.T, db *store.DB, ag ill.AgencyID, marker string) {
	t.Helper()
	mustWrite(t, db, func(tx *store.Tx) error {
		if _, err := tx.System().CreateAgency(ag, "Library "+marker); err != nil {
			return err
		}
		for _, seed := range agencySeeders {
			if err := seed(tx, ag, marker); err != nil {
				return err
			}
		}
		return nil
	})
}

func TestAgencyScope(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeOf(store.AgencyData{})
	agencyType := reflect.TypeOf(ill.AgencyID(""))
	var names []string
	for m := range typ.Methods() {
		names = append(names, m.Name)
		if m.Type.NumIn() < 2 || m.Type.In(1) != agencyType {
			t.Errorf("AgencyData.%s does not take the agency as its first argument", m.Name)
		}
		if _, ok := agencyCases[m.Name]; !ok {
			t.Errorf("AgencyData.%s has no case in agencyCases: add one so its agency isolation is tested", m.Name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatal("no methods found on AgencyData")
	}
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const a, b = ill.AgencyID("US-AAA"), ill.AgencyID("US-BBB")
		seedAgency(t, db, a, "MARK-AAA")
		seedAgency(t, db, b, "MARK-BBB")
		for _, name := range names {
			before, err := store.SnapshotAgency(ctx, db, string(b))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(before, "MARK-BBB") {
				t.Fatalf("snapshot of B holds no seeded rows:\n%s", before)
			}
			var res any
			err = db.Transact(ctx, func(tx *store.Tx) error {
				var err error
				res, err = agencyCases[name](tx.Agency(), a)
				return err
			})
			if err != nil {
				t.Errorf("%s as A: %v", name, err)
				continue
			}
			after, err := store.SnapshotAgency(ctx, db, string(b))
			if err != nil {
				t.Fatal(err)
			}
			if after != before {
				t.Errorf("%s as A changed B's rows:\nbefore:\n%s\nafter:\n%s", name, before, after)
			}
			out, _ := json.Marshal(res)
			if strings.Contains(string(out), "MARK-BBB") || strings.Contains(string(out), string(b)) {
				t.Errorf("%s as A returned B's data: %s", name, out)
			}
		}
	})
}

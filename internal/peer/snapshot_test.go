package peer_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// snapshot is what a message could change in a site's database: every
// request's state, version and flags, and the number of rows of every
// table a message may add to. Refused messages must leave it as it was.
type snapshot struct {
	Requests []string // "B1000001 sent v3 data=<hash of the request's fields>"
	Counts   map[string]int
}

// rejected counts refused incoming messages kept for the record
// (app.Receive keeps them with delivery "rejected"); they are the one
// trace a refused message may leave, and only when it reached the app.
func (s *site) rejected(t testing.TB) int {
	t.Helper()
	return s.count(t, `SELECT count(*) FROM messages WHERE delivery = 'rejected'`)
}

func (s *site) count(t testing.TB, q string) int {
	t.Helper()
	var n int
	if err := s.w.App.DB.SQL().QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (s *site) snapshot(t testing.TB) snapshot {
	t.Helper()
	ctx := context.Background()
	rows, err := s.w.App.DB.SQL().QueryContext(ctx, `SELECT public_id, state, version, data FROM requests ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var snap snapshot
	for rows.Next() {
		var id, state, data string
		var version int64
		if err := rows.Scan(&id, &state, &version, &data); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(data))
		snap.Requests = append(snap.Requests, fmt.Sprintf("%s %s v%d data=%x", id, state, version, sum[:6]))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	snap.Counts = map[string]int{}
	for name, q := range map[string]string{
		"events":   `SELECT count(*) FROM events`,
		"messages": `SELECT count(*) FROM messages WHERE delivery <> 'rejected'`,
		"jobs":     `SELECT count(*) FROM jobs`,
		"rota":     `SELECT count(*) FROM rota_entries`,
		"charges":  `SELECT count(*) FROM charges`,
		"files":    `SELECT count(*) FROM files`,
	} {
		snap.Counts[name] = s.count(t, q)
	}
	return snap
}

// unchanged fails the test when the site's state differs from before.
func (s *site) unchanged(t testing.TB, before snapshot, what string) {
	t.Helper()
	if diff := cmp.Diff(before, s.snapshot(t)); diff != "" {
		t.Errorf("%s changed the database (-before +after):\n%s", what, diff)
	}
}

// requestLine is a request's line of a snapshot.
func (snap snapshot) requestLine(publicID string) string {
	for _, l := range snap.Requests {
		if strings.HasPrefix(l, publicID+" ") {
			return l
		}
	}
	return ""
}

package peertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
	"interlend/internal/testenv"
)

// Password is every staff account's password in a test network.
const Password = "peertest-password-1"

// NodeSpec describes one node: the libraries it hosts and its database.
type NodeSpec struct {
	Name      string
	Libraries []ill.AgencyID
	// Engine is the node's database; PostgreSQL needs INTERLEND_TEST_POSTGRES
	// (each node gets a throwaway database).
	Engine store.Engine
	// Replicas is how many `serve` processes share the database
	// (PostgreSQL only; default 1). The node's tap spreads partners'
	// messages over them and its clients alternate between them.
	Replicas int
	// Env adds environment to the serve processes.
	Env []string
	// Version is the ISO 18626 version the OTHER nodes write to this one
	// ("1.2" or "2021"); empty uses the network's.
	Version string
}

// Node is one Interlend deployment in a network: one database, one or
// more serve processes, a tap in front of its ISO 18626 endpoint.
type Node struct {
	Spec  NodeSpec
	Tap   *Tap
	Store store.Options // opens the node's database directly
	args  []string      // --data-dir and --db
	env   []string
	addrs []string
	mu    sync.Mutex
	procs []*testenv.Proc
	tb    testing.TB
	staff map[ill.AgencyID]*Client
}

// Network is a set of nodes that know each other from their directories.
type Network struct {
	Nodes   []*Node
	byLib   map[ill.AgencyID]*Node
	version string
}

// Env is the environment every serve process gets: a short idle poll so
// timers moved by a test fire soon, and a short lease so that a killed
// node's jobs are taken over quickly.
var Env = []string{"INTERLEND_JOB_POLL=50ms", "INTERLEND_JOB_LEASE=2s"}

// Start sets up the nodes (agencies, staff, directories pointing at each
// other's taps, version as given: "2021" or "1.2"), starts them, waits
// until they are ready and logs staff in. Everything stops when the test
// ends.
func Start(tb testing.TB, version string, specs ...NodeSpec) *Network {
	tb.Helper()
	n := &Network{byLib: map[ill.AgencyID]*Node{}, version: version}
	for _, s := range specs {
		if s.Replicas < 1 {
			s.Replicas = 1
		}
		if s.Replicas > 1 && s.Engine != store.Postgres {
			tb.Fatalf("node %s: several serve processes need PostgreSQL", s.Name)
		}
		if s.Version == "" {
			s.Version = version
		}
		nd := &Node{Spec: s, Tap: NewTap(tb, s.Name), tb: tb, staff: map[ill.AgencyID]*Client{}}
		nd.env = append(append([]string{}, Env...), s.Env...)
		dataDir := tb.TempDir()
		if s.Engine == store.Postgres {
			dsn := storetest.NewPostgresDatabase(tb)
			nd.Store = store.Options{DSN: dsn}
			nd.args = []string{"--db", dsn, "--data-dir", dataDir}
		} else {
			nd.Store = store.Options{SQLitePath: filepath.Join(dataDir, "interlend.db")}
			nd.args = []string{"--data-dir", dataDir}
		}
		for range s.Replicas {
			nd.addrs = append(nd.addrs, testenv.FreeAddr(tb))
		}
		var ups []string
		for _, a := range nd.addrs {
			ups = append(ups, "http://"+a)
		}
		nd.Tap.SetUpstreams(ups...)
		for _, lib := range s.Libraries {
			if n.byLib[lib] != nil {
				tb.Fatalf("library %s is on two nodes", lib)
			}
			n.byLib[lib] = nd
		}
		n.Nodes = append(n.Nodes, nd)
	}
	testenv.Binary(tb) // built here, not in the goroutines below
	var wg sync.WaitGroup
	errs := make([]error, len(n.Nodes))
	for i, nd := range n.Nodes {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = n.setUp(tb, nd) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			tb.Fatal(err)
		}
	}
	for _, nd := range n.Nodes {
		nd.StartAll()
	}
	for _, nd := range n.Nodes {
		nd.WaitReady()
		for _, lib := range nd.Spec.Libraries {
			nd.staff[lib] = nd.login(tb, lib)
		}
	}
	return n
}

// Node is the node hosting lib.
func (n *Network) Node(lib ill.AgencyID) *Node { return n.byLib[lib] }

// Staff is a client acting as a manager of lib.
func (n *Network) Staff(lib ill.AgencyID) *Client { return n.byLib[lib].staff[lib] }

// secret is what node `from` presents to node `to`.
func secret(from, to string) string { return "peertest-" + from + "-presents-to-" + to }

// setUp runs the CLI against the node's database: agencies, staff and
// the directory (every library of the other nodes). It runs before any
// process serves, in its own goroutine (no test failure calls here).
func (n *Network) setUp(tb testing.TB, nd *Node) error {
	run := func(args ...string) error {
		code, out, errOut := testenv.Run(tb, nil, append(args, nd.args...)...)
		if code != 0 {
			return fmt.Errorf("node %s: interlend %s: exit %d\n%s%s", nd.Spec.Name, strings.Join(args, " "), code, out, errOut)
		}
		return nil
	}
	for _, lib := range nd.Spec.Libraries {
		if err := run("agency", "add", string(lib), string(lib)+" Library"); err != nil {
			return err
		}
		if err := run("user", "add", staffEmail(lib), "--name", "Staff "+string(lib), "--role", "manager", "--agency", string(lib), "--password", Password); err != nil {
			return err
		}
	}
	f := directory.File{Format: directory.FileFormat, Publisher: "peertest"}
	for _, other := range n.Nodes {
		if other == nd {
			continue
		}
		for _, lib := range other.Spec.Libraries {
			f.Libraries = append(f.Libraries, directory.Entry{
				ID: lib, Name: string(lib) + " Library", Status: directory.StatusActive,
				Endpoint: directory.Endpoint{URL: other.Tap.URL() + "/iso18626", Version: other.Spec.Version,
					Auth: directory.Auth{Inbound: []directory.AuthMethod{directory.AuthBearer}, Outbound: directory.AuthBearer}},
				// Files a partner delivers come from its own process (the
				// relay's host is the same loopback address).
				DeliveryHosts: []string{"127.0.0.1"},
				Services:      []directory.Service{{Type: directory.ServiceLoan}, {Type: directory.ServiceCopy, Electronic: true}},
				Credentials: []directory.Credential{
					{Direction: directory.Inbound, Method: directory.AuthBearer, Secret: secret(other.Spec.Name, nd.Spec.Name)},
					{Direction: directory.Outbound, Method: directory.AuthBearer, Secret: secret(nd.Spec.Name, other.Spec.Name)},
				},
			})
		}
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	file := filepath.Join(tb.TempDir(), nd.Spec.Name+"-directory.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		return err
	}
	return run("directory", "import", file)
}

func staffEmail(lib ill.AgencyID) string {
	return "staff-" + strings.ToLower(string(lib)) + "@example.edu"
}

// StartAll starts the node's serve processes (each on its own address).
func (nd *Node) StartAll() {
	nd.tb.Helper()
	for i := range nd.addrs {
		nd.StartReplica(i)
	}
}

// StartReplica starts serve process i of the node (again, after Stop or
// Kill), on the same address.
func (nd *Node) StartReplica(i int) *testenv.Proc {
	nd.tb.Helper()
	args := append([]string{"serve", "--listen", nd.addrs[i], "--node-name", fmt.Sprintf("%s-%d", nd.Spec.Name, i)}, nd.args...)
	p := testenv.Start(nd.tb, nd.env, args...)
	nd.mu.Lock()
	for len(nd.procs) <= i {
		nd.procs = append(nd.procs, nil)
	}
	nd.procs[i] = p
	nd.mu.Unlock()
	return p
}

// Proc is serve process i.
func (nd *Node) Proc(i int) *testenv.Proc {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	return nd.procs[i]
}

// Procs are the node's serve processes.
func (nd *Node) Procs() []*testenv.Proc {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	return append([]*testenv.Proc(nil), nd.procs...)
}

// WaitReady waits for every running serve process of the node. A process
// that could not listen because its port was taken meanwhile (FreeAddr
// hands out a port that another test may grab before the process binds
// it) starts again on another port, behind the same tap.
func (nd *Node) WaitReady() {
	nd.tb.Helper()
	for i, p := range nd.Procs() {
		for attempt := 0; ; attempt++ {
			if p.Exited() && !p.PortTaken() {
				break // stopped or killed by the test
			}
			_, err := p.TryReady(60 * time.Second)
			if err == nil {
				break
			}
			if !p.PortTaken() || attempt == 4 {
				nd.tb.Fatalf("node %s: %v", nd.Spec.Name, err)
			}
			nd.mu.Lock()
			nd.addrs[i] = testenv.FreeAddr(nd.tb)
			ups := make([]string, len(nd.addrs))
			for j, a := range nd.addrs {
				ups[j] = "http://" + a
			}
			nd.mu.Unlock()
			nd.Tap.SetUpstreams(ups...)
			p = nd.StartReplica(i)
		}
	}
}

// Stop stops every serve process of the node with SIGTERM.
func (nd *Node) Stop() {
	nd.tb.Helper()
	for _, p := range nd.Procs() {
		p.Stop()
	}
}

// Kill kills every serve process of the node with SIGKILL.
func (nd *Node) Kill() {
	nd.tb.Helper()
	for _, p := range nd.Procs() {
		p.Kill()
	}
}

// Restart starts the node's processes again after Stop or Kill and waits
// until they are ready.
func (nd *Node) Restart() {
	nd.tb.Helper()
	nd.StartAll()
	nd.WaitReady()
}

// URL is the base URL of serve process i.
func (nd *Node) URL(i int) string { return "http://" + nd.addrs[i] }

// MoveTimers makes the node's pending timers of request `ref` (a public
// id) that run action due now, as if their time had come: the binary has
// no clock to move, so the test edits the job's due time in the node's
// database and the node's poll picks it up. It returns how many moved.
func (nd *Node) MoveTimers(tb testing.TB, ref string, action ill.ActionName) int {
	tb.Helper()
	return nd.moveJobs(tb, ref, "request.timer", `%"action":"`+string(action)+`"%`)
}

// MoveProblemTimers makes the node's pending problem-workflow timers of
// request ref (a public id) for a problem kind's step due now (step
// "detect" for its detection timer), like MoveTimers. It returns how many
// moved.
func (nd *Node) MoveProblemTimers(tb testing.TB, ref string, kind ill.ProblemKind, step string) int {
	tb.Helper()
	return nd.moveJobs(tb, ref, "request.problem", `%"kind":"`+string(kind)+`","step":"`+step+`"%`)
}

// moveJobs makes ready jobs of a kind for ref whose payload is LIKE
// pattern due now, and returns how many there were.
func (nd *Node) moveJobs(tb testing.TB, ref, kind, pattern string) int {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, nd.Store)
	if err != nil {
		tb.Fatalf("open %s's database: %v", nd.Spec.Name, err)
	}
	defer db.Close()
	var n int
	err = db.Read(ctx, func(tx *store.Tx) error {
		js, err := tx.System().ListJobs(store.JobFilter{AllAgencies: true, Ref: ref, Kind: kind, States: []store.JobState{store.JobReady}})
		for _, j := range js {
			if strings.Contains(string(j.Payload), strings.Trim(pattern, "%")) {
				n++
			}
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	if n == 0 {
		return 0
	}
	now := time.Now().Add(-time.Second).UnixMicro()
	if err := store.ExecRaw(ctx, db, `UPDATE jobs SET run_at = $1 WHERE kind = $2 AND ref = $3 AND state = $4 AND payload LIKE $5`,
		now, kind, ref, string(store.JobReady), pattern); err != nil {
		tb.Fatalf("move %s's jobs: %v", nd.Spec.Name, err)
	}
	return n
}

// CLI runs an interlend command against the node's database and data
// folder (while it serves: SQLite in WAL mode and PostgreSQL both allow
// it) and fails the test when it exits with an error.
func (nd *Node) CLI(tb testing.TB, args ...string) string {
	tb.Helper()
	code, out, errOut := testenv.Run(tb, nil, append(args, nd.args...)...)
	if code != 0 {
		tb.Fatalf("node %s: interlend %s: exit %d\n%s%s", nd.Spec.Name, strings.Join(args, " "), code, out, errOut)
	}
	return out
}

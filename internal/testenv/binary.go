package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BinaryEnv names a prebuilt interlend binary (.ci/run builds it once and
// every package's end-to-end tests share it).
const BinaryEnv = "INTERLEND_TEST_BINARY"

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// Binary returns the path of an interlend binary: the prebuilt one named
// by INTERLEND_TEST_BINARY, or one built once per test process.
func Binary(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv(BinaryEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			tb.Fatalf("%s=%s: %v", BinaryEnv, p, err)
		}
		return p
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "interlend-bin-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "interlend")
		cmd := exec.Command("go", "build", "-o", buildPath, "./cmd/interlend")
		cmd.Dir = RepoRoot(tb)
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return buildPath
}

// FreeAddr returns a free 127.0.0.1:port.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Proc is a running interlend process.
type Proc struct {
	Cmd    *exec.Cmd
	Addr   string
	URL    string
	Stdout *SyncBuffer
	Stderr *SyncBuffer
	done   chan struct{}
	tb     testing.TB
}

// SyncBuffer is a bytes.Buffer safe for a process to write while a test reads.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Start runs `interlend args...` with extra environment, on a free
// address unless args give --listen. It does not wait for readiness.
func Start(tb testing.TB, env []string, args ...string) *Proc {
	tb.Helper()
	p := &Proc{Stdout: &SyncBuffer{}, Stderr: &SyncBuffer{}, done: make(chan struct{}), tb: tb}
	hasListen := false
	for i, a := range args {
		if a == "--listen" && i+1 < len(args) {
			hasListen, p.Addr = true, args[i+1]
		}
	}
	if !hasListen && len(args) > 0 && (args[0] == "serve" || args[0] == "demo") {
		p.Addr = FreeAddr(tb)
		args = append(args, "--listen", p.Addr)
	}
	p.URL = "http://" + p.Addr
	p.Cmd = exec.Command(Binary(tb), args...)
	p.Cmd.Env = append(append(os.Environ(), "INTERLEND_LOG_FORMAT=text"), env...)
	p.Cmd.Stdout, p.Cmd.Stderr = p.Stdout, p.Stderr
	if err := p.Cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { _ = p.Cmd.Wait(); close(p.done) }()
	tb.Cleanup(func() {
		select {
		case <-p.done:
		default:
			if os.Getenv("INTERLEND_CPU_PROFILE") != "" {
				// A profiled process writes its profile on a clean stop.
				_ = p.Cmd.Process.Signal(syscall.SIGTERM)
				select {
				case <-p.done:
				case <-time.After(10 * time.Second):
				}
			}
			_ = p.Cmd.Process.Kill()
			<-p.done
		}
		if tb.Failed() {
			tb.Logf("%s stdout:\n%s\nstderr:\n%s", strings.Join(args, " "), p.Stdout, p.Stderr)
		}
	})
	return p
}

// WaitReady polls /readyz until it answers 200, the process exits, or the
// deadline passes; it returns how long that took.
func (p *Proc) WaitReady(deadline time.Duration) time.Duration {
	p.tb.Helper()
	took, err := p.TryReady(deadline)
	if err != nil {
		p.tb.Fatal(err)
	}
	return took
}

// ErrExited is TryReady's error when the process ended before it was ready.
var ErrExited = errors.New("interlend exited before it was ready")

// TryReady is WaitReady returning its failure (wrapping ErrExited when
// the process ended) instead of failing the test.
func (p *Proc) TryReady(deadline time.Duration) (time.Duration, error) {
	start := time.Now()
	c := &http.Client{Timeout: time.Second}
	for {
		// The line serve prints once it holds its address: until then an
		// answer may come from another process that took the free port
		// this one was given (several test binaries pick ports at once).
		if strings.Contains(p.Stdout.String(), "is listening on ") {
			resp, err := c.Get(p.URL + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return time.Since(start), nil
				}
			}
		}
		select {
		case <-p.done:
			return 0, fmt.Errorf("%w:\n%s", ErrExited, p.Stderr)
		default:
		}
		if time.Since(start) > deadline {
			return 0, fmt.Errorf("interlend not ready after %s:\n%s", deadline, p.Stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// PortTaken says the process ended because its address was in use (a
// port FreeAddr handed out was taken by another process meanwhile).
func (p *Proc) PortTaken() bool {
	return p.Exited() && strings.Contains(p.Stderr.String(), "address already in use")
}

// Stop sends SIGTERM and waits for a clean exit.
func (p *Proc) Stop() {
	p.tb.Helper()
	_ = p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.tb.Fatal("interlend did not stop within 30s of SIGTERM")
	}
}

// Kill sends SIGKILL and waits for the process to be gone.
func (p *Proc) Kill() {
	p.tb.Helper()
	_ = p.Cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Run runs `interlend args...` to completion and returns its exit code,
// stdout and stderr.
func Run(tb testing.TB, env []string, args ...string) (int, string, string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, Binary(tb), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		tb.Fatal(err)
	}
	return code, out.String(), errb.String()
}

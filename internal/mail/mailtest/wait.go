package mailtest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Messages returns the accepted messages in the order they arrived.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Rejected returns the messages whose content arrived but that a scripted
// AtData fault refused, in order.
func (s *Server) Rejected() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.rejected...)
}

// MessagesTo returns the accepted messages with addr among the envelope
// recipients.
func (s *Server) MessagesTo(addr string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		if m.SentTo(addr) {
			out = append(out, m)
		}
	}
	return out
}

// WaitFor waits up to timeout for an accepted message to addr and returns
// the first one; it fails the test (listing what did arrive) if none does.
func (s *Server) WaitFor(tb testing.TB, addr string, timeout time.Duration) Message {
	tb.Helper()
	ms := s.WaitMatch(tb, "a message to "+addr, 1, timeout, func(m Message) bool { return m.SentTo(addr) })
	return ms[0]
}

// WaitCount waits up to timeout until n messages were accepted and
// returns them.
func (s *Server) WaitCount(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	return s.WaitMatch(tb, fmt.Sprintf("%d messages", n), n, timeout, func(Message) bool { return true })
}

// WaitRejected waits up to timeout until n messages were rejected by
// AtData faults and returns them.
func (s *Server) WaitRejected(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, ch := append([]Message(nil), s.rejected...), s.changed
		s.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-ch:
		case <-deadline.C:
			tb.Fatalf("mailtest: %d rejected messages after %s, want %d", len(got), timeout, n)
			return nil
		}
	}
}

// WaitMatch waits up to timeout until n accepted messages satisfy match and
// returns them (what describes the wait in the failure message).
func (s *Server) WaitMatch(tb testing.TB, what string, n int, timeout time.Duration, match func(Message) bool) []Message {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		all, ch := append([]Message(nil), s.messages...), s.changed
		s.mu.Unlock()
		var got []Message
		for _, m := range all {
			if match(m) {
				got = append(got, m)
			}
		}
		if len(got) >= n {
			return got
		}
		select {
		case <-ch:
		case <-deadline.C:
			tb.Fatalf("mailtest: no %s within %s; the server has %s", what, timeout, summary(all))
			return nil
		}
	}
}

func summary(ms []Message) string {
	if len(ms) == 0 {
		return "no messages"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d message(s):", len(ms))
	for _, m := range ms {
		fmt.Fprintf(&b, "\n  to %s: %q", strings.Join(m.Recipients, ", "), m.Subject)
	}
	return b.String()
}

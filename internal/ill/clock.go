package ill

import (
	"sync"
	"time"
)

// Clock is the source of "now" for everything that stores or compares time.
// Production uses SystemClock; tests use a FakeClock and move it by hand.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock, in UTC, truncated to microseconds (the
// precision stored in the database).
type SystemClock struct{}

// Now returns the current UTC time.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// FakeClock is a Clock that moves only when told. It is safe for concurrent
// use. Listeners registered with OnChange run after every move (the job
// runner uses this to look for timers that became due).
type FakeClock struct {
	mu        sync.Mutex
	now       time.Time
	listeners []func(time.Time)
}

// NewFakeClock starts a fake clock at t.
func NewFakeClock(t time.Time) *FakeClock {
	return &FakeClock{now: t.UTC().Truncate(time.Microsecond)}
}

// Now returns the fake time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d and tells the listeners.
func (c *FakeClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now, ls := c.now, append([]func(time.Time){}, c.listeners...)
	c.mu.Unlock()
	for _, f := range ls {
		f(now)
	}
	return now
}

// Set moves the clock to t (forward or back) and tells the listeners.
func (c *FakeClock) Set(t time.Time) {
	c.Advance(t.UTC().Truncate(time.Microsecond).Sub(c.Now()))
}

// OnChange registers f to run after every move of the clock.
func (c *FakeClock) OnChange(f func(time.Time)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.listeners = append(c.listeners, f)
}

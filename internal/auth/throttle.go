package auth

import "time"

// Login throttling: failed attempts are counted per account and per client
// address in the database (so several nodes share the count).
const (
	ThrottleWindow       = 15 * time.Minute
	MaxFailuresPerUser   = 5  // then the account waits out the window
	MaxFailuresPerClient = 30 // then the address waits out the window
)

// UserKey and ClientKey name the throttling counters.
func UserKey(email string) string { return "user:" + email }

// ClientKey names the counter for a client address.
func ClientKey(ip string) string { return "ip:" + ip }

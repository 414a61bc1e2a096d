package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewToken returns a random secret with a readable prefix (e.g. "il_" for
// API tokens), 256 bits of entropy, URL-safe.
func NewToken(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is what is stored for a token: its SHA-256, hex. Tokens are
// random, so no salt or slow hash is needed.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Sign returns an HMAC-SHA256 of msg under key, URL-safe (signed links).
func Sign(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// VerifySignature checks a Sign result in constant time.
func VerifySignature(key []byte, msg, sig string) bool {
	return hmac.Equal([]byte(Sign(key, msg)), []byte(sig))
}

// SameToken compares two secrets in constant time.
func SameToken(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

package auth

import (
	"strings"
	"testing"
	"time"
)

var cheap = Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}

func TestPasswordHashAndVerify(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct horse battery", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash %q not in PHC argon2id form", h)
	}
	h2, _ := HashPassword("correct horse battery", cheap)
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
	tests := []struct {
		hash, pw string
		ok       bool
		bad      bool
	}{
		{h, "correct horse battery", true, false},
		{h, "correct horse batterY", false, false},
		{h, "", false, false},
		{"", "anything", false, false},
		{"$bcrypt$x", "x", false, true},
		{strings.Replace(h, "m=1024", "m=zz", 1), "correct horse battery", false, true},
	}
	for _, tc := range tests {
		ok, err := VerifyPassword(tc.hash, tc.pw)
		if ok != tc.ok || (err != nil) != tc.bad {
			t.Errorf("VerifyPassword(%.20q, %q) = %v, %v; want %v, bad %v", tc.hash, tc.pw, ok, err, tc.ok, tc.bad)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	if CheckPasswordPolicy("short") == nil {
		t.Error("a 5-character password was accepted")
	}
	if err := CheckPasswordPolicy("long enough pw"); err != nil {
		t.Error(err)
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	a, b := NewToken("il_"), NewToken("il_")
	if a == b || !strings.HasPrefix(a, "il_") || len(a) < 40 {
		t.Errorf("tokens %q %q", a, b)
	}
	if HashToken(a) == HashToken(b) || len(HashToken(a)) != 64 {
		t.Error("token hashes collide or have the wrong length")
	}
	key := []byte("k")
	sig := Sign(key, "msg")
	if !VerifySignature(key, "msg", sig) || VerifySignature(key, "msg2", sig) || VerifySignature([]byte("k2"), "msg", sig) {
		t.Error("signature check wrong")
	}
}

func TestTOTP(t *testing.T) {
	t.Parallel()
	secret, url, err := NewTOTP("Interlend", "ann@example.edu")
	if err != nil || !strings.HasPrefix(url, "otpauth://totp/") {
		t.Fatalf("%v %q", err, url)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	code, _ := TOTPCode(secret, now)
	if !CheckTOTP(secret, code, now) || !CheckTOTP(secret, code, now.Add(30*time.Second)) {
		t.Error("current code (or one step of skew) refused")
	}
	if CheckTOTP(secret, code, now.Add(5*time.Minute)) {
		t.Error("a five-minute-old code was accepted")
	}
	if CheckTOTP(secret, "000000x", now) {
		t.Error("garbage accepted")
	}
}

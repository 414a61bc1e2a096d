package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"os"
)

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var getenv = os.Getenv

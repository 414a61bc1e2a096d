package marcgen

import (
	"fmt"
	"math/rand/v2"
)

// isbn13 returns a random valid 978 ISBN-13.
func isbn13(rng *rand.Rand) string {
	body := fmt.Sprintf("978%09d", rng.IntN(1_000_000_000))
	sum := 0
	for i := range 12 {
		d := int(body[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return body + string(rune('0'+(10-sum%10)%10))
}

// issn returns a random valid hyphenated ISSN.
func issn(rng *rand.Rand) string {
	body := fmt.Sprintf("%07d", rng.IntN(10_000_000))
	sum := 0
	for i := range 7 {
		sum += int(body[i]-'0') * (8 - i)
	}
	check := "0123456789X"[(11-sum%11)%11]
	return body[:4] + "-" + body[4:] + string(check)
}

func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}

package bibid

import "strings"

// Similarity scores how alike two titles (or other short texts) are, from 0
// (nothing shared) to 1 (the same once normalised). Both are normalised
// with NormaliseTitle and compared by the Sørensen–Dice coefficient over
// character trigrams of each word padded with spaces, which tolerates
// spelling variants, dropped articles and punctuation. When one text's main
// title (before a subtitle) equals the other's, the score is at least 0.9:
// catalogs disagree about subtitles more than about titles.
func Similarity(a, b string) float64 {
	na, nb := NormaliseTitle(a), NormaliseTitle(b)
	if na == "" || nb == "" {
		return 0
	}
	if na == nb {
		return 1
	}
	score := dice(trigrams(na), trigrams(nb))
	ma, mb := NormaliseMainTitle(a), NormaliseMainTitle(b)
	if (ma == nb || mb == na || ma == mb) && score < 0.9 {
		score = 0.9
	}
	return score
}

// trigrams returns the multiset of character trigrams of each word of s,
// padded with two leading spaces and one trailing so that short words and
// word starts carry weight.
func trigrams(s string) map[string]int {
	grams := make(map[string]int)
	for _, w := range strings.Fields(s) {
		r := []rune("  " + w + " ")
		for i := 0; i+3 <= len(r); i++ {
			grams[string(r[i:i+3])]++
		}
	}
	return grams
}

// dice is 2|A∩B| / (|A|+|B|) over multisets.
func dice(a, b map[string]int) float64 {
	total, shared := 0, 0
	for g, n := range a {
		total += n
		if m, ok := b[g]; ok {
			shared += min(n, m)
		}
	}
	for _, m := range b {
		total += m
	}
	if total == 0 {
		return 0
	}
	return 2 * float64(shared) / float64(total)
}

package forms

// EditDistance is the Levenshtein distance between two strings, in
// characters (runes): how many characters must be put in, taken out or
// changed to make one the other.
func EditDistance(a, b string) int {
	return RuneDistance([]rune(a), []rune(b), nil)
}

// RuneDistance is EditDistance of two rune slices, worked in buf when it
// holds 2·(len(b)+1) ints (nil: allocated): for a caller that weighs one
// string against thousands.
func RuneDistance(a, b []rune, buf []int) int {
	if len(buf) < 2*(len(b)+1) {
		buf = make([]int, 2*(len(b)+1))
	}
	prev, cur := buf[:len(b)+1], buf[len(b)+1:2*(len(b)+1)]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

//go:build !unix

package cli

import "time"

// processCPU is not measured here: `bench catalog` shows 0.
func processCPU() time.Duration { return 0 }

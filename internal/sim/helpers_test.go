package sim

import (
	"fmt"
	"time"
)

func fmtSscanf(s string, h, m *int) (int, error) { return fmt.Sscanf(s, "%d:%d", h, m) }

func timeHours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }

package cli

// Screenshots of the lending desk's scanner work: the ship scan page,
// pull slips, copies to deliver, and returns and renewals (with whatever
// the demo seed has in those queues).
func init() {
	addScreenshot(
		screenshot{Name: "lending-scan-ship", As: "manager@exsup.example", Path: "/lending/scan?mode=ship"},
		screenshot{Name: "lending-scan-return", As: "manager@exsup.example", Path: "/lending/scan?mode=return"},
		screenshot{Name: "lending-slips", As: "manager@exsup.example", Path: "/lending/slips"},
		screenshot{Name: "lending-copies", As: "manager@exsup.example", Path: "/lending/copies"},
		screenshot{Name: "lending-returns", As: "manager@exsup.example", Path: "/lending/returns"},
	)
}

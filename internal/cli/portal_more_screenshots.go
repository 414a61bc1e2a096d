package cli

// Screenshots of the patron's email choices (docs/patrons.md) and of the
// borrowing desk's batch form with its keys (docs/borrowing.md).
func init() {
	addScreenshot(
		screenshot{Name: "portal-notices", As: "patron@exsup.example", Path: "/portal/notices"},
		screenshot{Name: "borrowing-desk-batch", As: "manager@excol.example", Path: "/borrowing?queue=in_transit"},
	)
}

package cli

// Screenshots of the borrowing desk (docs/borrowing.md): its queues, the
// duplicates found at intake, a patron's request placed at the desk.
func init() {
	addScreenshot(
		screenshot{Name: "borrowing-desk", As: "manager@excol.example", Path: "/borrowing?queue=awaiting_pickup"},
		screenshot{Name: "borrowing-duplicates", As: "manager@excol.example", Path: "/borrowing?queue=duplicates"},
		screenshot{Name: "borrowing-new", As: "manager@excol.example", Path: "/borrowing/new"},
	)
}

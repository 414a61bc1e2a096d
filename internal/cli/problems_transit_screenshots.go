package cli

// Screenshots of the problems queue (docs/problems.md): the borrowing
// library's open problems, and the lender's side of a claimed return.
func init() {
	addScreenshot(
		screenshot{Name: "problems-queue", As: "manager@excol.example", Path: "/problems"},
		screenshot{Name: "problems-queue-lending", As: "manager@exsup.example", Path: "/problems?side=lending"},
	)
}
